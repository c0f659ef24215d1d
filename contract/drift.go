package contract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/internal/drift"
	"github.com/openhands-go/openhands-v0/spec"
)

// maxSpecBytes bounds a fetched /openapi.json (the hosted service's is ~1 MB).
const maxSpecBytes = 32 << 20

// DriftOptions says which OpenAPI document to compare with this client's spec.
type DriftOptions struct {
	// URL is a server's base URL (its /openapi.json is fetched) or the
	// document's own URL (a path ending in .json or .yaml).
	URL string
	// File is a document on disk; it is used when URL is empty.
	File string
	// HTTPClient fetches URL (default: a client giving up after 2 minutes).
	HTTPClient *http.Client
	// Baselines is the folder of baseline documents (default: spec/baselines
	// as embedded, spec.Baselines).
	Baselines fs.FS
}

// Drift reads the server's OpenAPI document (fetching URL's /openapi.json,
// or reading File), compares it with this client's spec (oasdiff, deprecation
// ignored), and sorts each breaking difference: reviewed for the reviewed
// document nearest to the server's info.version (spec/expected_drift.yaml),
// or a change since that document, named with the operation, the SDK methods
// that send it and the place in spec/openapi.yaml to edit. A host that
// answers its web app's HTML is reported as an error naming that.
func Drift(ctx context.Context, opts DriftOptions) (*DriftResult, error) {
	var doc []byte
	var source string
	var err error
	switch {
	case strings.TrimSpace(opts.URL) != "":
		source, err = specURL(opts.URL)
		if err != nil {
			return nil, err
		}
		doc, err = fetchSpec(ctx, opts.HTTPClient, source)
	case opts.File != "":
		source = opts.File
		doc, err = os.ReadFile(opts.File)
	default:
		return nil, errors.New("contract: drift needs a server URL or a file")
	}
	if err != nil {
		return nil, err
	}
	ours := spec.YAML()
	baselines := opts.Baselines
	if baselines == nil {
		baselines = spec.Baselines()
	}
	review, err := drift.LoadReview(spec.ExpectedDrift(), baselines)
	if err != nil {
		return nil, err
	}
	findings, err := drift.Breaking(ctx, ours, doc, specFile, source)
	if err != nil {
		return nil, err
	}
	version, _ := drift.InfoVersion(doc) // Breaking has read the document
	return judge(ours, doc, source, version, review, findings)
}

// specURL turns a base URL into its /openapi.json, and keeps a document URL.
func specURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("contract: drift needs an absolute http(s) URL, got %q", raw)
	}
	p := strings.ToLower(u.Path)
	if !strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
		u.Path = strings.TrimRight(u.Path, "/") + "/openapi.json"
	}
	u.User = nil
	return u.String(), nil
}

// fetchSpec GETs a document, refusing anything but a 200 that is not HTML.
func fetchSpec(ctx context.Context, hc *http.Client, source string) ([]byte, error) {
	hc = guardRedirects(hc, 2*time.Minute)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/yaml;q=0.9")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("contract: fetch %s: %w", source, err)
	}
	defer resp.Body.Close()
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("contract: fetch %s: the server answered %s", source, resp.Status)
	case mt == "text/html":
		return nil, fmt.Errorf("contract: fetch %s: the server answered HTML (its web app), not an OpenAPI document", source)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("contract: fetch %s: %w", source, err)
	}
	if len(body) > maxSpecBytes {
		return nil, fmt.Errorf("contract: fetch %s: the document is larger than %d MB", source, maxSpecBytes>>20)
	}
	return body, nil
}
