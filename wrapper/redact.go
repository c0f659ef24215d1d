package wrapper

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf16"
)

// redacted replaces a credential the server echoed back.
const redacted = "[redacted]"

// minCredentialLen is the shortest credential searched for in an answer: a
// shorter value would wipe unrelated text, and no real key is that short.
const minCredentialLen = 8

// sentCredentials returns the credentials a request carried in its headers:
// the token of its Authorization header (the API key, the GitHub token) and
// its X-Session-API-Key (a server's or a runtime host's session key).
func sentCredentials(req *http.Request) []string {
	if req == nil {
		return nil
	}
	var out []string
	if _, token, ok := strings.Cut(strings.TrimSpace(req.Header.Get("Authorization")), " "); ok {
		out = append(out, strings.TrimSpace(token))
	}
	return append(out, req.Header.Get("X-Session-API-Key"))
}

// redactCredentials returns body with every credential of creds replaced,
// so that an error page or message that echoes what the request sent (a
// careless proxy, a debugging server) cannot carry a key into an error, a
// log line or a report. A credential is found as sent and in any JSON
// spelling of it (each character may be a \uXXXX escape, a '/' may be
// "\/"), which decoding the body would turn back into the key.
func redactCredentials(body []byte, creds []string) []byte {
	for _, c := range creds {
		if len(c) < minCredentialLen {
			continue
		}
		if bytes.Contains(body, []byte(c)) {
			body = bytes.ReplaceAll(body, []byte(c), []byte(redacted))
		}
		if bytes.Contains(body, []byte(`\`)) {
			body = jsonSpelling(c).ReplaceAllLiteral(body, []byte(redacted))
		}
	}
	return body
}

// jsonSpelling matches every way a JSON string can spell s.
func jsonSpelling(s string) *regexp.Regexp {
	var b strings.Builder
	for _, r := range s {
		b.WriteString("(?:")
		b.WriteString(regexp.QuoteMeta(string(r)))
		switch r {
		case '/', '"', '\\':
			b.WriteString(`|\\` + regexp.QuoteMeta(string(r)))
		}
		if r < 0x10000 {
			fmt.Fprintf(&b, `|\\u(?i:%04x)`, r)
		} else {
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `|\\u(?i:%04x)\\u(?i:%04x)`, hi, lo)
		}
		b.WriteString(")")
	}
	return regexp.MustCompile(b.String())
}
