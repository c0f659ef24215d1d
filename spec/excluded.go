package spec

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// ExcludedRoute is a route the server has that the spec leaves out on
// purpose, with the reason: an entry of the spec's x-excluded-routes.
type ExcludedRoute struct {
	// Method is the HTTP method, or "*" for any.
	Method string `json:"method"`
	// Path is a path template; a final "/*" stands for every path under it.
	Path string `json:"path"`
	// Reason says why the route is not modelled.
	Reason string `json:"reason"`
}

// ExcludedRoutes returns the spec's x-excluded-routes.
func ExcludedRoutes(ctx context.Context) ([]ExcludedRoute, error) {
	doc, err := Load(ctx)
	if err != nil {
		return nil, err
	}
	raw, ok := doc.Extensions["x-excluded-routes"]
	if !ok {
		return nil, fmt.Errorf("spec: openapi.yaml has no x-excluded-routes")
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("spec: x-excluded-routes: %w", err)
	}
	var routes []ExcludedRoute
	if err := json.Unmarshal(data, &routes); err != nil {
		return nil, fmt.Errorf("spec: x-excluded-routes is not a list of {method, path, reason}: %w", err)
	}
	return routes, nil
}

// Matches reports whether a request's method and path (a concrete path or
// a template) fall under this exclusion. A template segment such as
// "{conversation_id}" matches any one segment.
func (r ExcludedRoute) Matches(method, path string) bool {
	if r.Method != "*" && !strings.EqualFold(r.Method, method) {
		return false
	}
	pattern, prefix := strings.CutSuffix(r.Path, "/*")
	want := splitPath(pattern)
	got := splitPath(path)
	if len(got) < len(want) || (!prefix && len(got) != len(want)) {
		return false
	}
	for i, seg := range want {
		if !segmentMatches(seg, got[i]) {
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func segmentMatches(pattern, seg string) bool {
	if strings.HasPrefix(pattern, "{") && strings.HasSuffix(pattern, "}") {
		return seg != ""
	}
	return pattern == seg
}
