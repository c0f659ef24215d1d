package contract

import (
	"bytes"
	"cmp"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// placeholder is what the scrubber writes where it removed a secret.
const placeholder = "REDACTED"

// minSecretLen is the shortest secret the scrubber looks for everywhere.
// A value found in a secret field or header is always removed where it
// stands; it is also searched for and removed in every other part of the
// interaction (bodies, URLs, other headers) when it is at least this long,
// so that a short value ("1", "on") does not wipe unrelated text.
const minSecretLen = 8

// redactJSON replaces every non-empty string under a secret field with
// placeholder, and reports whether it changed anything.
func redactJSON(v any, inSecret bool) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		changed := false
		for k, child := range t {
			nv, c := redactJSON(child, inSecret || secretField(k))
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
		if inSecret && t != "" && t != placeholder {
			return placeholder, true
		}
	}
	return v, false
}

// scrub returns a copy of an interaction with every secret removed, without
// changing in (its header maps are cloned, never edited). It removes
// credential headers (Authorization, X-Session-API-Key, Cookie, Set-Cookie,
// and any header named for a token, key or secret), replaces the string
// values of secret JSON fields, query parameters and form fields with
// placeholder, and replaces, everywhere in the interaction (URLs, bodies,
// remaining headers, forms), every secret found so and every value of known,
// raw or escaped as a URL or JSON would escape it, as well as every string
// shaped like a credential (tokenPatterns). The durations and other fields
// are left as they are.
//
// Values shorter than minSecretLen are removed where they stand but not
// searched for elsewhere; a secret that is part of placeholder itself cannot
// be told apart from it and is ignored.
func scrub(in cassette.Interaction, known ...string) cassette.Interaction {
	secrets := scrubList(append(slices.Clone(known), secretsIn(in)...))
	out := in
	out.Request.Headers = scrubHeaders(in.Request.Headers, secrets)
	out.Request.Trailer = scrubHeaders(in.Request.Trailer, secrets)
	out.Response.Headers = scrubHeaders(in.Response.Headers, secrets)
	out.Response.Trailer = scrubHeaders(in.Response.Trailer, secrets)
	out.Request.URL = scrubURL(in.Request.URL, secrets)
	out.Request.RequestURI = scrubURL(in.Request.RequestURI, secrets)
	out.Request.Host = scrubText(in.Request.Host, secrets)
	out.Request.RemoteAddr = scrubText(in.Request.RemoteAddr, secrets)
	out.Request.Form = scrubForm(in.Request.Form, secrets)
	out.Request.Body = scrubBody(in.Request.Body, in.Request.Headers, secrets)
	out.Response.Body = scrubBody(in.Response.Body, in.Response.Headers, secrets)
	out.Response.Status = scrubText(in.Response.Status, secrets)
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
		if len(s) >= minSecretLen && !strings.Contains(placeholder, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return slices.Compact(out)
}

// scrubText replaces in s every secret of secrets (raw, URL-escaped or
// JSON-escaped) and every credential-shaped string with placeholder.
// Secrets shorter than minSecretLen are ignored.
func scrubText(s string, secrets []string) string {
	if s == "" {
		return s
	}
	for _, re := range tokenPatterns {
		s = re.ReplaceAllString(s, placeholder)
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
					s = strings.ReplaceAll(s, form, placeholder)
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
			vs[i] = scrubText(v, secrets)
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
				u.User = url.UserPassword(u.User.Username(), placeholder)
			}
		}
		if u.RawQuery != "" {
			q := u.Query()
			changed := false
			for name, values := range q {
				if !secretField(name) {
					continue
				}
				for i := range values {
					values[i] = placeholder
				}
				changed = true
			}
			if changed {
				u.RawQuery = q.Encode()
			}
		}
		raw = u.String()
	}
	return scrubText(raw, secrets)
}

func scrubForm(form url.Values, secrets []string) url.Values {
	if form == nil {
		return nil
	}
	out := make(url.Values, len(form))
	for name, values := range form {
		vs := make([]string, len(values))
		for i, v := range values {
			if secretField(name) && v != "" {
				vs[i] = placeholder
			} else {
				vs[i] = scrubText(v, secrets)
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
				if secretField(name) {
					for i := range values {
						values[i] = placeholder
					}
					changed = true
				}
			}
			if changed {
				body = q.Encode()
			}
		}
	}
	return scrubText(body, secrets)
}

// fixContentLength keeps a Content-Length header true to a body the scrubber
// changed (h is already a copy).
func fixContentLength(h http.Header, before, after string) {
	if h != nil && before != after && h.Get("Content-Length") != "" {
		h.Set("Content-Length", strconv.Itoa(len(after)))
	}
}
