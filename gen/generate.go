// Package gen holds how package api is generated: the oapi-codegen
// configuration and the go:generate lines; its one program, gen/opsgen,
// writes the table of operations. It is imported by nobody. The generator's version comes from go.mod (see tools.go).
// The second writes the table of operations (api/operations.gen.go) from
// the spec's operationIds and x- extensions (see gen/opsgen).
// The third then rewrites the table of which wrapper methods send each
// operation (internal/drift/sdkmethods_gen.go), read by contract drift.
// The fourth writes the command's reference (docs/cli/) from its cobra tree.
package gen

//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml ../spec/openapi.yaml
//go:generate go run ./opsgen -spec ../spec/openapi.yaml -o ../api/operations.gen.go
//go:generate go run ../internal/drift/sdkcalls/cmd/sdkgen -o ../internal/drift/sdkmethods_gen.go
//go:generate go run -tags gendocs ../cmd/openhands-v0 gen-cli-docs ../docs/cli
