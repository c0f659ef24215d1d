//go:build tools

// Package tools pins the versions of the command-line tools this module runs
// (the code generator and the linter), so that go.mod is the single place
// their versions come from: `go run` of these paths uses the versions below.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	_ "honnef.co/go/tools/cmd/staticcheck"
)
