package contract

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// interactionWith builds an interaction whose request and response carry
// the given headers and bodies.
func interactionWith(reqHeader http.Header, reqURL, reqBody string, respHeader http.Header, respBody string) cassette.Interaction {
	return cassette.Interaction{
		Request: cassette.Request{Method: "POST", URL: reqURL, Headers: reqHeader, Body: reqBody,
			ContentLength: int64(len(reqBody)), Form: url.Values{}},
		Response: cassette.Response{Code: 200, Status: "200 OK", Headers: respHeader, Body: respBody,
			ContentLength: int64(len(respBody))},
	}
}

// everywhere flattens an interaction's text, to search it for secrets.
func everywhere(i cassette.Interaction) string {
	var b strings.Builder
	for _, h := range []http.Header{i.Request.Headers, i.Response.Headers, i.Request.Trailer, i.Response.Trailer} {
		for k, vs := range h {
			b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
	}
	for k, vs := range i.Request.Form {
		b.WriteString(k + "=" + strings.Join(vs, ",") + "\n")
	}
	b.WriteString(i.Request.URL + "\n" + i.Request.RequestURI + "\n" + i.Request.Host + "\n" + i.Request.Body + "\n")
	b.WriteString(i.Response.Status + "\n" + i.Response.Body + "\n")
	return b.String()
}

func TestScrubRemovesCredentialHeaders(t *testing.T) {
	in := interactionWith(
		http.Header{
			"Authorization":     {"Bearer live-api-key-1234567890"},
			"X-Session-Api-Key": {"session-key-abcdefgh"},
			"Cookie":            {"keycloak_auth=cookie-value-123456; theme=dark"},
			"Accept":            {"application/json"},
		},
		"http://h/api/conversations", `{}`,
		http.Header{"Set-Cookie": {"keycloak_auth=new-cookie-7654321; Path=/"}, "Content-Type": {"application/json"}},
		`{"echo":"Bearer live-api-key-1234567890 and session-key-abcdefgh and new-cookie-7654321"}`)
	out := scrub(in)
	for _, h := range []string{"Authorization", "X-Session-Api-Key", "Cookie"} {
		if _, ok := out.Request.Headers[h]; ok {
			t.Errorf("request header %s kept", h)
		}
	}
	if _, ok := out.Response.Headers["Set-Cookie"]; ok {
		t.Error("Set-Cookie kept")
	}
	if out.Request.Headers.Get("Accept") != "application/json" {
		t.Error("a harmless header was dropped")
	}
	text := everywhere(out)
	for _, secret := range []string{"live-api-key-1234567890", "session-key-abcdefgh", "cookie-value-123456", "new-cookie-7654321"} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %q survived:\n%s", secret, text)
		}
	}
	if !strings.Contains(out.Response.Body, placeholder) {
		t.Errorf("echoed secrets not replaced by %s: %s", placeholder, out.Response.Body)
	}
}

func TestScrubLeavesTheInputUntouched(t *testing.T) {
	reqH := http.Header{"Authorization": {"Bearer live-api-key-1234567890"}}
	respH := http.Header{"Set-Cookie": {"a=bcdefghijk"}}
	in := interactionWith(reqH, "http://h/x", `{"llm_api_key":"sk-abcdefghijklmnopqrstuv"}`, respH, `{}`)
	_ = scrub(in)
	if reqH.Get("Authorization") == "" || respH.Get("Set-Cookie") == "" {
		t.Fatal("scrub edited the caller's header maps (go-vcr stores the live maps: they must be cloned)")
	}
	if !strings.Contains(in.Request.Body, "sk-abcdefghijklmnopqrstuv") {
		t.Fatal("scrub changed its input's body")
	}
}

func TestScrubSecretJSONFields(t *testing.T) {
	reqBody := `{"llm_api_key":"llm-key-value-0001","search_api_key":"search-key-0002","sandbox_api_key":"sb-key-000003",` +
		`"mcp_config":{"shttp_servers":[{"url":"https://mcp.example","api_key":"mcp-key-000004"}],` +
		`"stdio_servers":[{"name":"gh","command":"x","env":{"GITHUB_TOKEN":"env-token-000005","HOME":"/home/u"}}]},` +
		`"provider_tokens":{"github":{"token":"prov-token-000006","host":"github.com"}},` +
		`"name":"MY_SECRET","value":"x1","language":"en","llm_model":"gpt-4o","max_iterations":50}`
	respBody := `{"conversation_id":"abc","url":"http://rt/api/conversations/abc","session_api_key":"sess-000007","status":"RUNNING"}`
	out := scrub(interactionWith(http.Header{"Content-Type": {"application/json"}}, "http://h/api/settings", reqBody,
		http.Header{"Content-Type": {"application/json"}}, respBody))
	text := everywhere(out)
	for _, secret := range []string{"llm-key-value-0001", "search-key-0002", "sb-key-000003", "mcp-key-000004",
		"env-token-000005", "prov-token-000006", `"x1"`, "sess-000007"} {
		if strings.Contains(text, secret) {
			t.Errorf("secret %s survived", secret)
		}
	}
	for _, kept := range []string{"/home/u", "github.com", "MY_SECRET", "gpt-4o", `"max_iterations":50`, "https://mcp.example", `"status":"RUNNING"`} {
		if !strings.Contains(text, kept) {
			t.Errorf("non-secret %s was removed", kept)
		}
	}
	if v, ok := parseJSON(out.Request.Body); !ok || v == nil {
		t.Fatalf("scrubbed request body is not JSON: %s", out.Request.Body)
	}
	if out.Request.ContentLength != int64(len(out.Request.Body)) {
		t.Errorf("content length %d, body %d bytes", out.Request.ContentLength, len(out.Request.Body))
	}
}

func TestScrubCarriesSecretsAcrossTheInteraction(t *testing.T) {
	// A session key revealed by a JSON field is removed from the URL, other
	// headers and free text too.
	key := "runtime-session-key-1234"
	in := interactionWith(http.Header{"X-Trace": {"key=" + key}},
		"http://rt/api/conversations/abc/events?session_api_key="+key+"&limit=5",
		"", http.Header{}, `{"session_api_key":"`+key+`","note":"your key is `+key+`"}`)
	out := scrub(in)
	if text := everywhere(out); strings.Contains(text, key) {
		t.Fatalf("key survived:\n%s", text)
	}
	u, err := url.Parse(out.Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	if u.Query().Get("limit") != "5" {
		t.Errorf("query lost its other parameters: %s", out.Request.URL)
	}
}

func TestScrubKnownSecretsInEveryEncoding(t *testing.T) {
	secret := `k3y/with+odd"chars<&>`
	body := `{"note":"` + strings.ReplaceAll(secret, `"`, `\"`) + `","html":"k3y/with+odd\"chars\u003c\u0026\u003e"}`
	in := interactionWith(http.Header{}, "http://h/p?q="+url.QueryEscape(secret)+"&p="+url.PathEscape(secret), body, http.Header{}, "raw "+secret)
	out := scrub(in, secret)
	text := everywhere(out)
	for _, form := range encodings(secret) {
		if strings.Contains(text, form) {
			t.Errorf("form %q of the secret survived:\n%s", form, text)
		}
	}
}

func TestScrubTokenPatterns(t *testing.T) {
	tokens := []string{
		"ghp_" + strings.Repeat("a", 36),
		"github_pat_" + strings.Repeat("B", 30),
		"sk-ant-api03-" + strings.Repeat("x", 30),
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.signature_part",
	}
	body := `{"message":"use ` + strings.Join(tokens, " and ") + `"}`
	out := scrub(interactionWith(http.Header{}, "http://h/p", body, http.Header{}, "Authorization: Bearer abcdefghijklmnop"))
	text := everywhere(out)
	for _, tok := range tokens {
		if strings.Contains(text, tok) {
			t.Errorf("token %s survived", tok)
		}
	}
	if strings.Contains(text, "abcdefghijklmnop") {
		t.Error("bearer token in text survived")
	}
}

func TestScrubShortAndPlaceholderValues(t *testing.T) {
	// A short value is replaced in its field but not hunted elsewhere; the
	// placeholder and masked values are not secrets.
	in := interactionWith(http.Header{}, "http://h/p", `{"token":"ab","value":"REDACTED","api_key":"****","other":"ab"}`, http.Header{}, "")
	out := scrub(in)
	if !strings.Contains(out.Request.Body, `"other":"ab"`) {
		t.Errorf("short value hunted outside its field: %s", out.Request.Body)
	}
	if strings.Contains(out.Request.Body, `"token":"ab"`) {
		t.Errorf("short secret kept in its field: %s", out.Request.Body)
	}
	for _, s := range secretsIn(in) {
		if s == placeholder || s == "****" {
			t.Errorf("secretsIn returned %q", s)
		}
	}
}

func TestScrubTextEnds(t *testing.T) {
	// A secret that re-forms across the placeholder it leaves must still go.
	secret := "EDabcdefgh"
	s := scrubText("xEDabcdefghabcdefgh", []string{secret})
	if strings.Contains(s, secret) {
		t.Fatalf("secret survived: %s", s)
	}
}

func TestSecretField(t *testing.T) {
	for _, name := range []string{"session_api_key", "llm_api_key", "search_api_key", "sandbox_api_key", "api_key",
		"token", "value", "GITHUB_TOKEN", "OPENAI_API_KEY", "x-session-api-key", "password", "client_secret"} {
		if !secretField(name) {
			t.Errorf("%s is a secret field", name)
		}
	}
	for _, name := range []string{"llm_api_key_set", "prompt_tokens", "conversation_id", "title", "provider_tokens_set", "url", "host"} {
		if secretField(name) {
			t.Errorf("%s is not a secret field", name)
		}
	}
}

// FuzzScrub places a secret in a credential header, a secret JSON field, a
// query parameter, a non-secret header and free text, and checks that no
// form of it survives scrub.
func FuzzScrub(f *testing.F) {
	for _, seed := range []string{"sk-abcdefghijklmnop", `k3y"with<odd>&chars`, "EDabcdefgh", "ünïcødé-secret", "a b c d e f g h"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, secret string) {
		if len(secret) < minSecretLen || strings.Contains(placeholder, secret) || !utf8.ValidString(secret) ||
			strings.ContainsAny(secret, "\r\n\x00") || strings.TrimSpace(secret) != secret {
			t.Skip()
		}
		field, _ := json.Marshal(secret)
		in := interactionWith(
			http.Header{"Authorization": {"Bearer " + secret}, "X-Trace": {"id " + secret}, "Content-Type": {"application/json"}},
			"http://h/api/x?token="+url.QueryEscape(secret)+"&q="+url.QueryEscape(secret),
			`{"llm_api_key":`+string(field)+`,"note":`+string(field)+`}`,
			http.Header{"Content-Type": {"text/plain"}}, "echo: "+secret)
		out := everywhere(scrub(in))
		for _, form := range encodings(secret) {
			if strings.Contains(out, form) {
				t.Fatalf("form %q of secret %q survived:\n%s", form, secret, out)
			}
		}
	})
}
