package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// maxProbeBody bounds how much of each probe answer is read.
const maxProbeBody = 1 << 20

// probeTimeout bounds each probe request when the caller gives no client.
const probeTimeout = 30 * time.Second

// ProbeOptions says which host to probe and with which credentials.
type ProbeOptions struct {
	// BaseURL is the app host, e.g. https://app.all-hands.dev or http://localhost:3000.
	BaseURL string
	// APIKey is sent as a bearer token when set.
	APIKey string
	// SessionAPIKey is sent as X-Session-API-Key when set.
	SessionAPIKey string
	// HTTPClient sends the requests (default: a client giving each request
	// 30 seconds). Probe does not retry.
	HTTPClient *http.Client
}

// HostClass is what a probed host turned out to be.
type HostClass string

// The classes of answer and of host.
const (
	// ClassV0 is a V0 JSON answer: the host serves the V0 API.
	ClassV0 HostClass = "v0"
	// ClassV0Partial: some V0 routes answer JSON, others do not.
	ClassV0Partial HostClass = "v0-partial"
	// ClassRemoved is the web app's HTML where V0 JSON was due: V0 removed.
	ClassRemoved HostClass = "html"
	// ClassUnauthorized is 401 or 403: credentials missing or rejected.
	ClassUnauthorized HostClass = "401"
	// ClassNotFound is 404: no such route on this host.
	ClassNotFound HostClass = "404"
	// ClassMethodNotAllowed is 405.
	ClassMethodNotAllowed HostClass = "405"
	// ClassServerError is a 5xx (an HTML one is a maintenance page).
	ClassServerError HostClass = "5xx"
	// ClassRateLimited is 429.
	ClassRateLimited HostClass = "429"
	// ClassUnexpected is any other answer (a 2xx that is neither JSON nor HTML, a 3xx, ...).
	ClassUnexpected HostClass = "unexpected"
	// ClassUnreachable: no answer at all (DNS, connection, TLS, timeout).
	ClassUnreachable HostClass = "unreachable"
)

// ProbeCheck is one probed route.
type ProbeCheck struct {
	// Operation is the spec's operationId; Path the path requested.
	Operation string `json:"operation"`
	Path      string `json:"path"`
	// Status and ContentType describe the answer (0 and "" without one).
	Status      int    `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	// Class is what the answer shows.
	Class HostClass `json:"class"`
	// Detail is the transport error, or the start of an error message.
	Detail string `json:"detail,omitempty"`
}

// ProbeResult is what Probe found.
type ProbeResult struct {
	// BaseURL is the host probed (scheme and host, path kept).
	BaseURL string `json:"base_url"`
	// Checks has one entry per route probed.
	Checks []ProbeCheck `json:"checks"`
	// Class is the host's class, from the /api routes' answers.
	Class HostClass `json:"class"`
	// Verdict says it in one line.
	Verdict string `json:"verdict"`
}

// probeRoutes are the V0 GETs that change nothing, health routes first.
var probeRoutes = []struct{ op, path string }{
	{api.OpAlive, "/alive"},
	{api.OpHealth, "/health"},
	{api.OpGetServerInfo, "/server_info"},
	{api.OpGetServerConfig, "/api/options/config"},
	{api.OpListModels, "/api/options/models"},
	{api.OpListAgents, "/api/options/agents"},
	{api.OpListSecurityAnalyzers, "/api/options/security-analyzers"},
	{api.OpGetSettings, "/api/settings"},
	{api.OpListSecrets, "/api/secrets"},
	{api.OpListConversations, "/api/conversations?limit=1"},
}

// Probe calls each safe V0 GET on a host and classifies it: V0 JSON, the web
// app's HTML (V0 removed), 401, 404, 405, 5xx, with a one-line verdict. The
// error is for options it cannot use; an unreachable host is a result.
func Probe(ctx context.Context, opts ProbeOptions) (*ProbeResult, error) {
	base, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("contract: probe needs an absolute http(s) base URL, got %q", opts.BaseURL)
	}
	base.User, base.RawQuery, base.Fragment = nil, "", ""
	hc := guardRedirects(opts.HTTPClient, probeTimeout)
	secrets := []string{opts.APIKey, opts.SessionAPIKey}
	res := &ProbeResult{BaseURL: strings.TrimRight(base.String(), "/")}
	for _, r := range probeRoutes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res.Checks = append(res.Checks, probeOne(ctx, hc, res.BaseURL, r.op, r.path, opts, secrets))
	}
	res.Class, res.Verdict = classifyHost(res.Checks)
	return res, nil
}

func probeOne(ctx context.Context, hc *http.Client, base, op, path string, opts ProbeOptions, secrets []string) ProbeCheck {
	check := ProbeCheck{Operation: op, Path: path}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if err != nil {
		check.Class, check.Detail = ClassUnreachable, err.Error()
		return check
	}
	req.Header.Set("Accept", "application/json")
	if opts.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+opts.APIKey)
	}
	if opts.SessionAPIKey != "" {
		req.Header.Set("X-Session-API-Key", opts.SessionAPIKey)
	}
	resp, err := hc.Do(req)
	if errors.Is(err, wrapper.ErrRedirectRefused) && resp != nil {
		// A redirect to another origin: not followed, so the credentials
		// stayed home; the host answered, with something else than V0.
		check.Status, check.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
		check.Class, check.Detail = ClassUnexpected, scrubText(err.Error(), secrets)
		return check
	}
	if err != nil {
		check.Class, check.Detail = ClassUnreachable, scrubText(err.Error(), secrets)
		return check
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxProbeBody))
	check.Status = resp.StatusCode
	check.ContentType = resp.Header.Get("Content-Type")
	mt, _, _ := mime.ParseMediaType(check.ContentType)
	html := mt == "text/html" || (mt == "" && looksHTML(body))
	check.Class = classifyAnswer(resp.StatusCode, mt, html)
	if check.Class != ClassV0 {
		check.Detail = scrubText(excerpt(body, html), secrets)
	}
	return check
}

func classifyAnswer(status int, mediaType string, html bool) HostClass {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ClassUnauthorized
	case status == http.StatusNotFound:
		return ClassNotFound
	case status == http.StatusMethodNotAllowed:
		return ClassMethodNotAllowed
	case status == http.StatusTooManyRequests:
		return ClassRateLimited
	case status >= 500:
		return ClassServerError
	case status >= 200 && status < 300 && html:
		return ClassRemoved
	case status >= 200 && status < 300 && (mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")):
		return ClassV0
	}
	return ClassUnexpected
}

// classifyHost decides the host's class from its /api answers (the health
// routes answer on many hosts that are not V0) and words the verdict.
func classifyHost(checks []ProbeCheck) (HostClass, string) {
	counts := map[HostClass]int{}
	api := 0
	for _, c := range checks {
		if strings.HasPrefix(c.Path, "/api/") {
			counts[c.Class]++
			api++
		}
	}
	if counts[ClassV0] == api {
		return ClassV0, fmt.Sprintf("V0: the host serves the V0 API (%d of %d V0 routes answered JSON)", api, api)
	}
	// The most telling class wins among the failures.
	order := []HostClass{ClassUnreachable, ClassUnauthorized, ClassRemoved, ClassNotFound, ClassMethodNotAllowed,
		ClassServerError, ClassRateLimited, ClassUnexpected}
	dominant := ClassUnexpected
	best := 0
	for _, c := range order {
		if counts[c] > best {
			dominant, best = c, counts[c]
		}
	}
	others := describeCounts(counts, api)
	// Some routes answer without credentials (the hosted /api/options/config):
	// any 401 means the credentials are what is wrong.
	if counts[ClassUnauthorized] > 0 {
		dominant = ClassUnauthorized
	} else if counts[ClassV0] > 0 {
		return ClassV0Partial, fmt.Sprintf("V0 (partly): %d of %d V0 routes answered JSON; %s", counts[ClassV0], api, others)
	}
	var what string
	switch dominant {
	case ClassUnreachable:
		what = "unreachable: no answer from the host (check the URL, DNS, TLS and network)"
	case ClassUnauthorized:
		what = "401: the host wants credentials or rejected them (set OPENHANDS_API_KEY, or OPENHANDS_SESSION_API_KEY for a self-hosted server with SESSION_API_KEY)"
	case ClassRemoved:
		what = "V0 removed: the host answers its web app's HTML where V0 JSON was due (as app.all-hands.dev has since 2026-04-16)"
	case ClassNotFound:
		what = "404: no V0 routes at this base URL (wrong host or path prefix?)"
	case ClassMethodNotAllowed:
		what = "405: the host refuses these V0 routes (it does not serve V0)"
	case ClassServerError:
		what = "5xx: the host fails on V0 routes (a maintenance page or a broken server)"
	case ClassRateLimited:
		what = "429: the host is rate limiting these requests; try again later"
	default:
		what = "not V0: the host answers neither V0 JSON nor a known error"
	}
	return dominant, what + " [" + others + "]"
}

func describeCounts(counts map[HostClass]int, total int) string {
	keys := make([]string, 0, len(counts))
	for c := range counts {
		keys = append(keys, string(c))
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d/%d", k, counts[HostClass(k)], total))
	}
	return strings.Join(parts, ", ")
}

func looksHTML(body []byte) bool {
	start := strings.ToLower(strings.TrimSpace(string(body[:min(len(body), 512)])))
	return strings.HasPrefix(start, "<!doctype html") || strings.HasPrefix(start, "<html")
}

// excerpt is the start of an answer, on one line; an HTML page gives its title.
func excerpt(body []byte, html bool) string {
	s := string(body)
	if html {
		lower := strings.ToLower(s)
		if i := strings.Index(lower, "<title>"); i >= 0 {
			if j := strings.Index(lower[i:], "</title>"); j > 0 {
				return "HTML page: " + oneLine(s[i+len("<title>"):i+j])
			}
		}
		return "HTML page"
	}
	s = strings.ToValidUTF8(oneLine(s), "")
	if r := []rune(s); len(r) > 160 {
		s = string(r[:160]) + "..."
	}
	return s
}

// guardRedirects returns a copy of hc (nil: a client with the timeout)
// that follows redirects only as wrapper.CheckRedirect allows, before hc's
// own policy: same origin, GET or HEAD only, so no credential and no
// request body ever reaches a host the caller did not name.
func guardRedirects(hc *http.Client, timeout time.Duration) *http.Client {
	out := http.Client{Timeout: timeout}
	if hc != nil {
		out = *hc
	}
	own := out.CheckRedirect
	out.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := wrapper.CheckRedirect(req, via); err != nil {
			return err
		}
		if own != nil {
			return own(req, via)
		}
		return nil
	}
	return &out
}
