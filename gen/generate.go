// Package gen holds how package api is generated: the oapi-codegen
// configuration and the go:generate line. It has no other code and is
// imported by nobody. The generator's version comes from go.mod (see tools.go).
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml ../spec/openapi.yaml
