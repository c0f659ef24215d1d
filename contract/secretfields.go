package contract

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// sensitiveHeaders are removed from requests and responses. Header names are
// canonical (http.CanonicalHeaderKey).
var sensitiveHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"X-Session-Api-Key":   true,
	"Cookie":              true,
	"Set-Cookie":          true,
	"X-Api-Key":           true,
	"X-Access-Token":      true,
	"X-Github-Token":      true,
}

// sensitiveHeader reports whether a header carries credentials: one of
// sensitiveHeaders, or any name mentioning a token, secret, key or password.
func sensitiveHeader(name string) bool {
	if sensitiveHeaders[http.CanonicalHeaderKey(name)] {
		return true
	}
	n := strings.ToLower(name)
	for _, word := range []string{"token", "secret", "api-key", "apikey", "password", "cookie", "session-key"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// secretFields are JSON field (and query, form) names whose string values
// are secrets, compared lower-cased with '-' read as '_'.
var secretFields = map[string]bool{
	"token": true, "value": true, "password": true, "passwd": true, "secret": true,
	"api_key": true, "apikey": true, "session_api_key": true, "llm_api_key": true,
	"search_api_key": true, "sandbox_api_key": true, "github_token": true, "gitlab_token": true,
	"bitbucket_token": true, "access_token": true, "refresh_token": true, "id_token": true,
	"client_secret": true, "private_key": true, "authorization": true, "cookie": true,
	"x_session_api_key": true, "bearer": true, "keycloak_auth": true,
}

// secretSuffixes mark a field as secret too: OPENAI_API_KEY in an MCP
// server's env, a provider's gitlab_token.
var secretSuffixes = []string{"_api_key", "_apikey", "_token", "_secret", "_password", "_private_key"}

// secretField reports whether a JSON field, query parameter or form field of
// this name holds a secret (session_api_key, llm_api_key, search_api_key,
// sandbox_api_key, api_key, token, a secret's value, GitHub tokens, ...).
func secretField(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	if secretFields[n] {
		return true
	}
	for _, s := range secretSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// tokenPatterns are credentials recognised by their shape wherever they
// appear, even where no field name gives them away (a token pasted into a
// message, an event, an error).
var tokenPatterns = []*regexp.Regexp{
	regexp.MustCompile(`gh[pousr]_[A-Za-z0-9]{20,}`),                                 // GitHub tokens
	regexp.MustCompile(`github_pat_[A-Za-z0-9_]{20,}`),                               // GitHub fine-grained tokens
	regexp.MustCompile(`glpat-[A-Za-z0-9_\-]{20,}`),                                  // GitLab tokens
	regexp.MustCompile(`sk-[A-Za-z0-9_\-]{16,}`),                                     // OpenAI / Anthropic style keys
	regexp.MustCompile(`xox[abprs]-[A-Za-z0-9\-]{10,}`),                              // Slack tokens
	regexp.MustCompile(`AKIA[0-9A-Z]{16}`),                                           // AWS access key ids
	regexp.MustCompile(`eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]+`), // JWTs
	regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{8,}=*`),                    // "Bearer <token>" in text
}

// secretsIn returns the secret values an interaction carries in places that
// name them: credential headers (the token of "Bearer <token>" too), cookie
// values, secret JSON fields of the request and response bodies, secret query
// parameters and form fields. The recorder collects them from every
// interaction of a cassette, so that a session key one response revealed is
// also removed from the later requests that used it.
func secretsIn(in cassette.Interaction) []string {
	var out []string
	add := func(v string) {
		if v = strings.TrimSpace(v); v != "" && v != placeholder && strings.Trim(v, "*") != "" {
			out = append(out, v)
		}
	}
	for _, h := range []http.Header{in.Request.Headers, in.Response.Headers, in.Request.Trailer, in.Response.Trailer} {
		for name, values := range h {
			if !sensitiveHeader(name) {
				continue
			}
			for _, v := range values {
				add(v)
				for _, part := range headerSecretParts(name, v) {
					add(part)
				}
			}
		}
	}
	for _, raw := range []string{in.Request.URL, in.Request.RequestURI} {
		if u, err := url.Parse(raw); err == nil {
			for name, values := range u.Query() {
				if secretField(name) {
					for _, v := range values {
						add(v)
					}
				}
			}
			if pw, ok := u.User.Password(); ok {
				add(pw)
			}
		}
	}
	for name, values := range in.Request.Form {
		if secretField(name) {
			for _, v := range values {
				add(v)
			}
		}
	}
	for _, body := range []struct {
		text   string
		header http.Header
	}{{in.Request.Body, in.Request.Headers}, {in.Response.Body, in.Response.Headers}} {
		for _, v := range bodySecrets(body.text, body.header) {
			add(v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// headerSecretParts splits a credential header into the secrets inside it:
// the token after an auth scheme, each cookie's value.
func headerSecretParts(name, value string) []string {
	var out []string
	switch http.CanonicalHeaderKey(name) {
	case "Cookie":
		for _, c := range strings.Split(value, ";") {
			if _, v, ok := strings.Cut(strings.TrimSpace(c), "="); ok {
				out = append(out, v)
			}
		}
	case "Set-Cookie":
		first, _, _ := strings.Cut(value, ";")
		if _, v, ok := strings.Cut(first, "="); ok {
			out = append(out, v)
		}
	default:
		if _, token, ok := strings.Cut(strings.TrimSpace(value), " "); ok {
			out = append(out, token)
		}
	}
	return out
}

// bodySecrets returns the values of secret fields in a JSON body, or of a
// form-encoded body.
func bodySecrets(body string, header http.Header) []string {
	if body == "" {
		return nil
	}
	var out []string
	if v, ok := parseJSON(body); ok {
		walkSecrets(v, false, func(s string) { out = append(out, s) })
		return out
	}
	if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if q, err := url.ParseQuery(body); err == nil {
			for name, values := range q {
				if secretField(name) {
					out = append(out, values...)
				}
			}
		}
	}
	return out
}

func parseJSON(body string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err == nil { // trailing data: not one JSON value
		return nil, false
	}
	return v, true
}

// walkSecrets calls found with every string that sits under a secret field.
// inSecret says whether v is already inside one.
func walkSecrets(v any, inSecret bool, found func(string)) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			walkSecrets(child, inSecret || secretField(k), found)
		}
	case []any:
		for _, child := range t {
			walkSecrets(child, inSecret, found)
		}
	case string:
		if inSecret {
			found(t)
		}
	}
}
