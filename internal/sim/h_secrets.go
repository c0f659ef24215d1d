package sim

import (
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/openhands-go/openhands-v0/api"
)

// InvalidTokenPrefix marks git provider tokens the simulated provider
// rejects: POST /api/add-git-providers answers 401 for a token starting
// with it.
const InvalidTokenPrefix = "invalid"

// customSecret is one of the user's custom secrets.
type customSecret struct {
	name, description, value string
}

// secretIndex finds a custom secret by name. Call with s.mu held.
func (s *Server) secretIndex(name string) int {
	return slices.IndexFunc(s.secrets, func(cs customSecret) bool { return cs.name == name })
}

// listSecrets serves GET /api/secrets (listSecrets): names and
// descriptions, never values.
func (s *Server) listSecrets(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := api.CustomSecrets{CustomSecrets: []api.CustomSecretInfo{}}
	for _, cs := range s.secrets {
		out.CustomSecrets = append(out.CustomSecrets, api.CustomSecretInfo{Name: cs.name, Description: cs.description})
	}
	writeJSON(c.w, http.StatusOK, out)
}

// createSecret serves POST /api/secrets (createSecret): 201, or 400 when
// the name is taken.
func (s *Server) createSecret(c *call) {
	var req api.CreateSecretRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secretIndex(req.Name) >= 0 {
		writeJSON(c.w, http.StatusBadRequest, messageResponse("Secret "+req.Name+" already exists"))
		return
	}
	s.secrets = append(s.secrets, customSecret{name: req.Name, description: req.Description, value: req.Value})
	s.secretsStore = true
	writeJSON(c.w, http.StatusCreated, messageResponse("Secret created successfully"))
}

// updateSecret serves PUT /api/secrets/{secret_id} (updateSecret): renames
// or re-describes a secret, keeping its value.
func (s *Server) updateSecret(c *call) {
	var req api.UpdateSecretRequest
	if p := decodeBody(c.r, &req, true); len(p) > 0 {
		p.write(c.w)
		return
	}
	id := c.params["secret_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secretsStore {
		i := s.secretIndex(id)
		if i < 0 {
			writeError(c.w, http.StatusNotFound, "Secret with ID "+id+" not found")
			return
		}
		if req.Name != id && s.secretIndex(req.Name) >= 0 {
			writeJSON(c.w, http.StatusBadRequest, messageResponse("Secret "+req.Name+" already exists"))
			return
		}
		value := s.secrets[i].value
		s.secrets = append(slices.Delete(s.secrets, i, i+1), customSecret{name: req.Name, description: req.Description, value: value})
	}
	writeJSON(c.w, http.StatusOK, messageResponse("Secret updated successfully"))
}

// deleteSecret serves DELETE /api/secrets/{secret_id} (deleteSecret).
func (s *Server) deleteSecret(c *call) {
	id := c.params["secret_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secretsStore {
		i := s.secretIndex(id)
		if i < 0 {
			writeError(c.w, http.StatusNotFound, "Secret with ID "+id+" not found")
			return
		}
		s.secrets = slices.Delete(s.secrets, i, i+1)
	}
	writeJSON(c.w, http.StatusOK, messageResponse("Secret deleted successfully"))
}

// addGitProviders serves POST /api/add-git-providers (addGitProviders): the
// given tokens replace the stored ones; a provider sent without a token
// keeps its stored token and takes the new host.
func (s *Server) addGitProviders(c *call) {
	var req api.GitProvidersRequest
	p := decodeBody(c.r, &req, true)
	if len(p) == 0 {
		providers := enumValues[reflect.TypeFor[api.ProviderType]()]
		for _, name := range sortedKeys(req.ProviderTokens) {
			if !containsString(providers, name) {
				exp := enumExpected(providers)
				p.add("enum", []any{"body", "provider_tokens", name, "[key]"}, "Input should be "+exp, name, map[string]any{"expected": exp})
			}
		}
	}
	if len(p) > 0 {
		p.write(c.w)
		return
	}
	for _, name := range sortedKeys(req.ProviderTokens) {
		if t := req.ProviderTokens[name]; t.Token != "" && strings.HasPrefix(t.Token, InvalidTokenPrefix) {
			writeError(c.w, http.StatusUnauthorized, "Invalid token. Please make sure it is a valid "+name+" token.")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tokens := map[api.ProviderType]api.ProviderToken{}
	for name, t := range req.ProviderTokens {
		p := api.ProviderType(name)
		if old, ok := s.tokens[p]; ok && t.Token == "" && old.Token != "" {
			old.Host = t.Host
			t = old
		}
		tokens[p] = t
	}
	s.tokens = tokens
	s.secretsStore = true
	writeJSON(c.w, http.StatusOK, messageResponse("Git providers stored"))
}

// unsetProviderTokens serves POST /api/unset-provider-tokens
// (unsetProviderTokens).
func (s *Server) unsetProviderTokens(c *call) {
	s.mu.Lock()
	s.tokens = map[api.ProviderType]api.ProviderToken{}
	s.mu.Unlock()
	writeJSON(c.w, http.StatusOK, messageResponse("Unset Git provider tokens"))
}
