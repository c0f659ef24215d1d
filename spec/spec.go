// Package spec holds the hand-written OpenAPI document of the OpenHands V0
// REST API (openapi.yaml), the single source of truth that package api is
// generated from, and the machinery that checks HTTP traffic against it.
package spec

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var document []byte

// YAML returns the spec as written, openapi.yaml byte for byte.
func YAML() []byte {
	out := make([]byte, len(document))
	copy(out, document)
	return out
}

// Load parses the embedded spec and validates it, examples included. Each call
// returns a new document, so callers may change it (drop its servers, say).
func Load(ctx context.Context) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	loader.Context = ctx
	doc, err := loader.LoadFromData(document)
	if err != nil {
		return nil, fmt.Errorf("spec: parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(ctx, openapi3.EnableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("spec: openapi.yaml is not a valid OpenAPI document: %w", err)
	}
	return doc, nil
}
