package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := Write(path, 0o640, write("one")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "one" {
		t.Errorf("file = %q, want one", got)
	}
	if runtime.GOOS != "windows" {
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(path, 0o644, write("two")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "two" {
		t.Errorf("file = %q, want two", got)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want the replaced file's 0600", info.Mode().Perm())
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.json"}) {
		t.Errorf("directory holds %v", names)
	}
}

func TestWriteFailureKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, 0o644, func(w io.Writer) error {
		_, _ = io.WriteString(w, "half of the new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the write's error", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file = %q, want old", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"out.json"}) {
		t.Errorf("directory holds %v, want no temporary file", names)
	}
}

func TestWriteRefusals(t *testing.T) {
	dir := t.TempDir()
	ok := func(io.Writer) error { return nil }
	for name, path := range map[string]string{
		"empty path":        "",
		"a directory":       dir,
		"missing directory": filepath.Join(dir, "no", "such", "dir", "f.json"),
	} {
		if err := Write(path, 0o644, ok); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %v", names)
	}
}

// TestWriteNewFileHonoursTheUmask: a new file gets perm less the
// umask, exactly as os.WriteFile gives it, not perm as it stands.
func TestWriteNewFileHonoursTheUmask(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no umask on Windows")
	}
	dir := t.TempDir()
	ref := filepath.Join(dir, "reference")
	if err := os.WriteFile(ref, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	refInfo, err := os.Stat(ref)
	if err != nil {
		t.Fatal(err)
	}
	if refInfo.Mode().Perm() == 0o666 {
		t.Skip("the umask is 0 here: a file's mode cannot show it")
	}
	path := filepath.Join(dir, "new.json")
	if err := Write(path, 0o666, func(w io.Writer) error { _, err := io.WriteString(w, "{}"); return err }); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != refInfo.Mode().Perm() {
		t.Fatalf("mode = %v, want %v as os.WriteFile gives", info.Mode().Perm(), refInfo.Mode().Perm())
	}
}

// dirNames lists a directory: the tests check no file is left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
