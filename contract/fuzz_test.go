package contract

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/dnaeon/go-vcr.v3/cassette"
)

// Places FuzzScrubPlacements can put a secret, one bit each. The first
// group are places that name the value a secret (a credential header, a
// secret field): the scrubber must find the secret there by itself. The
// others are free text: a secret there is found because it is known or
// because it also stands in a named place.
const (
	placeAuthorization uint16 = 1 << iota
	placeSessionHeader
	placeCookie
	placeSetCookie
	placeRequestSecretField
	placeResponseSecretField
	placeQuerySecret
	placeFormSecret
	placeSecretsList
	placePath
	placeRequestText
	placeResponseText
	placeQueryText
	placeRequestHeaderText
	placeResponseHeaderText
	placeKnown
)

// namedPlaces are the places up to placeSecretsList.
const namedPlaces = placePath - 1

// FuzzScrubPlacements puts one secret in any combination of the places a
// request and its response can carry it (raw, URL-escaped, JSON-escaped,
// inside free text), known to the scrubber or not, and checks that nothing
// of it survives scrub: not in the raw text of any part, not after URL or
// JSON decoding. scrub must also leave its input untouched. Seeds:
// testdata/fuzz/FuzzScrubPlacements.
func FuzzScrubPlacements(f *testing.F) {
	f.Fuzz(func(t *testing.T, secret, filler string, places uint16) {
		if len(secret) < minSecretLen || strings.Contains(placeholder, secret) || strings.TrimSpace(secret) != secret ||
			!utf8.ValidString(secret) || !utf8.ValidString(filler) {
			return
		}
		if strings.ContainsAny(secret+filler, "\r\n\x00") {
			// Header values cannot carry these: keep the secret out of headers.
			places &^= placeAuthorization | placeSessionHeader | placeCookie | placeSetCookie | placeRequestHeaderText | placeResponseHeaderText
		}
		if places&namedPlaces == 0 {
			places |= placeKnown // nobody could tell a secret in free text only
		}
		in := interactionCarrying(secret, filler, places)
		before, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var known []string
		if places&placeKnown != 0 {
			known = append(known, secret)
		}
		out := scrub(in, known...)
		if after, _ := json.Marshal(in); !bytes.Equal(before, after) {
			t.Fatal("scrub changed its input")
		}
		for _, where := range secretSightings(out, secret) {
			t.Errorf("secret %q (places %016b) survived in %s", secret, places, where)
		}
	})
}

// interactionCarrying builds an interaction with secret in the chosen places.
func interactionCarrying(secret, filler string, places uint16) cassette.Interaction {
	has := func(p uint16) bool { return places&p != 0 }
	text := filler + secret + filler
	reqH := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	respH := http.Header{"Content-Type": {"application/json"}}
	if has(placeAuthorization) {
		reqH.Set("Authorization", "Bearer "+secret)
	}
	if has(placeSessionHeader) {
		reqH.Set("X-Session-API-Key", secret)
	}
	if has(placeCookie) {
		reqH.Set("Cookie", "theme=dark; keycloak_auth="+secret)
	}
	if has(placeSetCookie) {
		respH.Set("Set-Cookie", "keycloak_auth="+secret+"; Path=/; HttpOnly")
	}
	if has(placeRequestHeaderText) {
		reqH.Set("X-Trace", text)
	}
	if has(placeResponseHeaderText) {
		respH.Set("X-Debug", text)
	}
	path := "/api/conversations/abc/message"
	if has(placePath) {
		path = "/api/conversations/" + url.PathEscape(secret) + "/message"
	}
	query := url.Values{"limit": {"20"}}
	if has(placeQuerySecret) {
		query.Set("token", secret)
	}
	if has(placeQueryText) {
		query.Set("q", text)
	}
	reqBody := map[string]any{"message": "hello"}
	if has(placeRequestSecretField) {
		reqBody["llm_api_key"] = secret
	}
	if has(placeRequestText) {
		reqBody["message"] = text
	}
	respBody := map[string]any{"status": "ok"}
	if has(placeResponseSecretField) {
		respBody["conversation"] = map[string]any{"session_api_key": secret, "url": "http://rt/api/conversations/abc"}
	}
	if has(placeSecretsList) {
		respBody["custom_secrets"] = []any{map[string]any{"name": "NPM_TOKEN", "value": secret}}
	}
	if has(placeResponseText) {
		respBody["events"] = []any{map[string]any{"id": 1, "content": text}}
	}
	form := url.Values{}
	if has(placeFormSecret) {
		form.Set("client_secret", secret)
		form.Set("note", "plain")
	}
	rawURL := "http://openhands.test" + path + "?" + query.Encode()
	reqJSON, _ := json.Marshal(reqBody)
	respJSON, _ := json.Marshal(respBody)
	return cassette.Interaction{
		Request: cassette.Request{Method: http.MethodPost, URL: rawURL, Host: "openhands.test", Headers: reqH,
			Body: string(reqJSON), ContentLength: int64(len(reqJSON)), Form: form},
		Response: cassette.Response{Code: 200, Status: "200 OK", Headers: respH, Body: string(respJSON),
			ContentLength: int64(len(respJSON))},
	}
}

// secretSightings lists where secret still shows in an interaction: in the
// raw text of any part, in its URL once decoded, in any string of its JSON
// bodies once decoded, in its form.
func secretSightings(i cassette.Interaction, secret string) []string {
	var out []string
	look := func(where, s string) {
		if strings.Contains(s, secret) {
			out = append(out, where+": "+s)
		}
	}
	for name, h := range map[string]http.Header{"request headers": i.Request.Headers, "response headers": i.Response.Headers,
		"request trailer": i.Request.Trailer, "response trailer": i.Response.Trailer} {
		for k, vs := range h {
			for _, v := range vs {
				look(name+" "+k, v)
			}
		}
	}
	for k, vs := range i.Request.Form {
		for _, v := range vs {
			look("form "+k, v)
		}
	}
	look("URL", i.Request.URL)
	look("request URI", i.Request.RequestURI)
	look("host", i.Request.Host)
	look("status", i.Response.Status)
	look("request body", i.Request.Body)
	look("response body", i.Response.Body)
	if u, err := url.Parse(i.Request.URL); err == nil {
		look("URL path (decoded)", u.Path)
		for k, vs := range u.Query() {
			for _, v := range vs {
				look("query "+k+" (decoded)", v)
			}
		}
	}
	for name, body := range map[string]string{"request body": i.Request.Body, "response body": i.Response.Body} {
		var v any
		if json.Unmarshal([]byte(body), &v) == nil {
			walkStrings(v, func(s string) { look(name+" (decoded JSON)", s) })
		}
	}
	return out
}

// walkStrings calls fn with every key and string value in a decoded JSON value.
func walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			fn(k)
			walkStrings(child, fn)
		}
	case []any:
		for _, child := range t {
			walkStrings(child, fn)
		}
	case string:
		fn(t)
	}
}
