// Command sdkgen writes internal/drift/sdkmethods_gen.go: which exported
// wrapper functions send each operation of spec/openapi.yaml. `make
// generate` runs it (gen/generate.go) after regenerating package api.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/openhands-go/openhands-v0/internal/drift/sdkcalls"
)

func main() {
	out := flag.String("o", "sdkmethods_gen.go", "the file to write")
	dir := flag.String("dir", ".", "a directory inside the module")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	ids, err := sdkcalls.SpecOperationIDs(context.Background())
	if err != nil {
		return err
	}
	m, err := sdkcalls.Map(dir, ids)
	if err != nil {
		return err
	}
	src, err := sdkcalls.Render(m)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}
