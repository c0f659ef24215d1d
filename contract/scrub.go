package contract

import (
	"bytes"
	"cmp"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// Placeholder is what the scrubber writes where it removed a secret.
const Placeholder = "REDACTED"

// MinSecretLen is the shortest secret the scrubber looks for everywhere.
// A value found in a secret field or header is always removed where it
// stands; it is also searched for and removed in every other part of the
// interaction (bodies, URLs, other headers) when it is at least this long,
// so that a short value ("1", "on") does not wipe unrelated text.
const MinSecretLen = 8

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

// SecretField reports whether a JSON field, query parameter or form field of
// this name holds a secret (session_api_key, llm_api_key, search_api_key,
// sandbox_api_key, api_key, token, a secret's value, GitHub tokens, ...).
func SecretField(name string) bool {
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

// TokenPatterns returns the regular expressions of credential shapes the
// scrubber removes wherever they appear; the cassette meta-tests search with
// the same list.
func TokenPatterns() []*regexp.Regexp { return slices.Clone(tokenPatterns) }

// SecretsIn returns the secret values an interaction carries in places that
// name them: credential headers (the token of "Bearer <token>" too), cookie
// values, secret JSON fields of the request and response bodies, secret query
// parameters and form fields. The recorder collects them from every
// interaction of a cassette, so that a session key one response revealed is
// also removed from the later requests that used it.
func SecretsIn(in cassette.Interaction) []string {
	var out []string
	add := func(v string) {
		if v = strings.TrimSpace(v); v != "" && v != Placeholder && strings.Trim(v, "*") != "" {
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
				if SecretField(name) {
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
		if SecretField(name) {
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
				if SecretField(name) {
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
			walkSecrets(child, inSecret || SecretField(k), found)
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

// redactJSON replaces every non-empty string under a secret field with
// Placeholder, and reports whether it changed anything.
func redactJSON(v any, inSecret bool) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		changed := false
		for k, child := range t {
			nv, c := redactJSON(child, inSecret || SecretField(k))
			t[k] = nv
			changed = changed || c
		}
		return t, changed
	case []any:
		changed := false
		for i, child := range t {
			nv, c := redactJSON(child, inSecret)
			t[i] = nv
			changed = changed || c
		}
		return t, changed
	case string:
		if inSecret && t != "" && t != Placeholder {
			return Placeholder, true
		}
	}
	return v, false
}

// Scrub returns a copy of an interaction with every secret removed, without
// changing in (its header maps are cloned, never edited). It removes
// credential headers (Authorization, X-Session-API-Key, Cookie, Set-Cookie,
// and any header named for a token, key or secret), replaces the string
// values of secret JSON fields, query parameters and form fields with
// Placeholder, and replaces, everywhere in the interaction (URLs, bodies,
// remaining headers, forms), every secret found so and every value of known,
// raw or escaped as a URL or JSON would escape it, as well as every string
// shaped like a credential (TokenPatterns). The durations and other fields
// are left as they are.
//
// Values shorter than MinSecretLen are removed where they stand but not
// searched for elsewhere; a secret that is part of Placeholder itself cannot
// be told apart from it and is ignored.
func Scrub(in cassette.Interaction, known ...string) cassette.Interaction {
	secrets := scrubList(append(slices.Clone(known), SecretsIn(in)...))
	out := in
	out.Request.Headers = scrubHeaders(in.Request.Headers, secrets)
	out.Request.Trailer = scrubHeaders(in.Request.Trailer, secrets)
	out.Response.Headers = scrubHeaders(in.Response.Headers, secrets)
	out.Response.Trailer = scrubHeaders(in.Response.Trailer, secrets)
	out.Request.URL = scrubURL(in.Request.URL, secrets)
	out.Request.RequestURI = scrubURL(in.Request.RequestURI, secrets)
	out.Request.Host = ScrubText(in.Request.Host, secrets)
	out.Request.RemoteAddr = ScrubText(in.Request.RemoteAddr, secrets)
	out.Request.Form = scrubForm(in.Request.Form, secrets)
	out.Request.Body = scrubBody(in.Request.Body, in.Request.Headers, secrets)
	out.Response.Body = scrubBody(in.Response.Body, in.Response.Headers, secrets)
	out.Response.Status = ScrubText(in.Response.Status, secrets)
	if out.Request.ContentLength > 0 {
		out.Request.ContentLength = int64(len(out.Request.Body))
	}
	if out.Response.ContentLength > 0 {
		out.Response.ContentLength = int64(len(out.Response.Body))
	}
	fixContentLength(out.Request.Headers, in.Request.Body, out.Request.Body)
	fixContentLength(out.Response.Headers, in.Response.Body, out.Response.Body)
	return out
}

// scrubList keeps the secrets worth searching for, longest first so that a
// secret containing another is replaced whole.
func scrubList(secrets []string) []string {
	out := make([]string, 0, len(secrets))
	for _, s := range secrets {
		if len(s) >= MinSecretLen && !strings.Contains(Placeholder, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// ScrubText replaces in s every secret of secrets (raw, URL-escaped or
// JSON-escaped) and every credential-shaped string with Placeholder.
// Secrets shorter than MinSecretLen are ignored.
func ScrubText(s string, secrets []string) string {
	if s == "" {
		return s
	}
	for _, re := range tokenPatterns {
		s = re.ReplaceAllString(s, Placeholder)
	}
	list := scrubList(secrets)
	// Replacing one secret can form another across the placeholder it left
	// (or two secrets can overlap); after two rounds of replacing, whatever
	// is left is deleted, which always ends.
	for round := 0; ; round++ {
		found := false
		for _, secret := range list {
			for _, form := range encodings(secret) {
				if !strings.Contains(s, form) {
					continue
				}
				found = true
				if round < 2 {
					s = strings.ReplaceAll(s, form, Placeholder)
				} else {
					s = strings.ReplaceAll(s, form, "")
				}
			}
		}
		if !found {
			return s
		}
	}
}

// encodings are the forms a secret takes in an HTTP message: raw, in a URL
// query or path, inside a JSON string (with and without HTML escaping).
func encodings(secret string) []string {
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if enc.Encode(secret) == nil {
		forms = append(forms, strings.TrimSuffix(strings.TrimSpace(buf.String()), `"`)[1:])
	}
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	slices.SortFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return slices.Compact(forms)
}

func scrubHeaders(h http.Header, secrets []string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for name, values := range h {
		if sensitiveHeader(name) {
			continue
		}
		vs := make([]string, len(values))
		for i, v := range values {
			vs[i] = ScrubText(v, secrets)
		}
		out[name] = vs
	}
	return out
}

func scrubURL(raw string, secrets []string) string {
	if raw == "" {
		return raw
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), Placeholder)
			}
		}
		if u.RawQuery != "" {
			q := u.Query()
			changed := false
			for name, values := range q {
				if !SecretField(name) {
					continue
				}
				for i := range values {
					values[i] = Placeholder
				}
				changed = true
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
		raw = u.String()
	}
	return ScrubText(raw, secrets)
}

func scrubForm(form url.Values, secrets []string) url.Values {
	if form == nil {
		return nil
	}
	out := make(url.Values, len(form))
	for name, values := range form {
		vs := make([]string, len(values))
		for i, v := range values {
			if SecretField(name) && v != "" {
				vs[i] = Placeholder
			} else {
				vs[i] = ScrubText(v, secrets)
			}
		}
		out[name] = vs
	}
	return out
}

// scrubBody redacts secret fields of a JSON body (re-encoding it with sorted
// keys only when something changed) or of a form body, then the free text.
func scrubBody(body string, header http.Header, secrets []string) string {
	if body == "" {
		return body
	}
	if v, ok := parseJSON(body); ok {
		if nv, changed := redactJSON(v, false); changed {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if enc.Encode(nv) == nil {
				out := buf.String()
				if !strings.HasSuffix(body, "\n") {
					out = strings.TrimSuffix(out, "\n")
				}
				body = out
			}
		}
	} else if mt, _, _ := mime.ParseMediaType(header.Get("Content-Type")); mt == "application/x-www-form-urlencoded" {
		if q, err := url.ParseQuery(body); err == nil {
			changed := false
			for name, values := range q {
				if SecretField(name) {
					for i := range values {
						values[i] = Placeholder
					}
					changed = true
				}
			}
			if changed {
				body = q.Encode()
			}
		}
	}
	return ScrubText(body, secrets)
}

// fixContentLength keeps a Content-Length header true to a body the scrubber
// changed (h is already a copy).
func fixContentLength(h http.Header, before, after string) {
	if h != nil && before != after && h.Get("Content-Length") != "" {
		h.Set("Content-Length", strconv.Itoa(len(after)))
	}
}
