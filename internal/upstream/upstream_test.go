package upstream

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLocateUsesTheEnvironmentVariable(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvVar, dir)
	got, ok := Locate()
	if !ok || got != dir {
		t.Fatalf("Locate() = %q, %v; want %q, true", got, ok, dir)
	}
	if got := Dir(t); got != dir {
		t.Fatalf("Dir() = %q, want %q", got, dir)
	}
}

func TestLocateDefaultsToSharedBesideTheModuleRoot(t *testing.T) {
	t.Setenv(EnvVar, "")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// This package is internal/upstream: the module root is two levels up.
	want := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(wd))), "shared", "upstream")
	got, _ := Locate()
	if got != want {
		t.Fatalf("Locate() = %q, want %q", got, want)
	}
}

func TestDirSkipsWhenTheFolderIsMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent")
	t.Setenv(EnvVar, missing)
	if _, ok := Locate(); ok {
		t.Fatalf("Locate() found %s, which does not exist", missing)
	}
	var sub *testing.T
	t.Run("missing", func(t *testing.T) {
		sub = t
		Dir(t)
		t.Error("Dir returned instead of skipping")
	})
	if !sub.Skipped() {
		t.Fatal("Dir did not skip the test")
	}
}

func TestDirSkipsWhenThePathIsAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, file)
	if _, ok := Locate(); ok {
		t.Fatal("Locate() accepted a file as the upstream folder")
	}
}
