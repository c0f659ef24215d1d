package openhandstest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAUsersModule compiles and runs the test in docs/testing.md the way a
// user would: in a module of its own that requires this one (through a
// replace directive to this checkout), so only the public packages are in
// reach. It runs offline: GOPROXY=off, every dependency from the module
// cache, checked against this module's go.sum.
func TestAUsersModule(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a separate module; run without -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command on PATH")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "testing.md"))
	if err != nil {
		t.Fatal(err)
	}
	code := userTest(t, string(doc))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	goMod := "module example.com/bot\n\ngo 1.26.0\n\nrequire github.com/openhands-go/openhands-v0 v0.0.0\n\n" +
		"replace github.com/openhands-go/openhands-v0 => " + root + "\n"
	for name, data := range map[string][]byte{"go.mod": []byte(goMod), "go.sum": sum, "bot_test.go": []byte(code)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), goBin, "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOSUMDB=off")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go test in the user's module: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "ok  \texample.com/bot") {
		t.Fatalf("go test in the user's module ran no test:\n%s", out.String())
	}
}

// userTest is the Go block between the usermodule markers of docs/testing.md.
func userTest(t *testing.T, doc string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "<!-- usermodule:begin -->")
	block, _, ok2 := strings.Cut(rest, "<!-- usermodule:end -->")
	if !ok || !ok2 {
		t.Fatal("docs/testing.md has no usermodule block")
	}
	block = strings.TrimSpace(block)
	if !strings.HasPrefix(block, "```go\n") || !strings.HasSuffix(block, "\n```") {
		t.Fatalf("the usermodule block is not one Go code fence:\n%s", block)
	}
	return strings.TrimSuffix(strings.TrimPrefix(block, "```go\n"), "```")
}
