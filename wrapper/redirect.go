package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// ErrRedirectRefused: the server answered with a redirect the SDK does not
// follow (see CheckRedirect). It is an *APIError whose StatusCode is the
// redirect's status.
var ErrRedirectRefused = errors.New("redirect refused")

// maxRedirects bounds a chain of same-origin redirects.
const maxRedirects = 5

// CheckRedirect is the redirect policy of every HTTP client the project
// makes (the SDK's, the contract probe's and drift's, the live harness's);
// it suits http.Client.CheckRedirect. It follows a redirect only when it
// stays on the origin (scheme, host and port) of the first request, and
// only for a GET or HEAD, at most 5 in a row. Anything else is refused
// with an *APIError matching ErrRedirectRefused, and nothing is sent:
//
//   - another origin: Go's client keeps X-Session-API-Key on any host, and
//     Authorization when only the port changes, so following would hand a
//     credential to a host the caller never named;
//   - a POST, PATCH or DELETE: a 307 or 308 would send the body (a message,
//     a new conversation) again, a 301, 302 or 303 would turn it into a GET
//     and report a success that never happened.
func CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) == 0 {
		return nil
	}
	first := via[0]
	refuse := func(format string, args ...any) error {
		e := &APIError{Operation: "redirect", Message: fmt.Sprintf(format, args...), kinds: []error{ErrRedirectRefused}}
		if req.Response != nil {
			e.StatusCode = req.Response.StatusCode
		}
		return e
	}
	switch {
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return refuse("the server redirected a %s to %s; a redirect never sends a %s again (it may have been processed) "+
			"nor turns it into a GET", first.Method, origin(req.URL)+req.URL.EscapedPath(), first.Method)
	case origin(req.URL) != origin(first.URL):
		return refuse("the server redirected to another origin (%s, asked %s); not followed, so no credential leaves %s",
			origin(req.URL), origin(first.URL), origin(first.URL))
	case len(via) > maxRedirects:
		return refuse("more than %d redirects in a row", maxRedirects)
	}
	return nil
}

// origin is a URL's scheme, host and port, lower case, the port explicit.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		switch scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// sameOrigin reports whether two URLs share scheme, host and port.
func sameOrigin(a, b *url.URL) bool { return origin(a) == origin(b) }

// withRedirectPolicy returns CheckRedirect, followed by the caller's own
// policy when there is one: the caller may refuse more, never less.
func withRedirectPolicy(own func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	if own == nil {
		return CheckRedirect
	}
	return func(req *http.Request, via []*http.Request) error {
		if err := CheckRedirect(req, via); err != nil {
			return err
		}
		return own(req, via)
	}
}
