// Package atomicfile writes a file so that a reader sees the old file or
// the complete new one, never a part: the SDK's trajectory downloads and
// the export's archive use it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Write writes the file at path through a temporary file in the
// same directory: write fills it, then it is flushed to disk, closed and
// renamed over path in one step. If write or any step fails, the temporary
// file is removed and whatever was at path before is left as it was, so a
// reader sees the old file or the complete new one, never a part.
//
// The new file keeps the permissions of the file it replaces, or gets perm
// less the process's umask when there was none, as os.WriteFile does.
func Write(path string, perm fs.FileMode, write func(w io.Writer) error) (err error) {
	if path == "" {
		return errors.New("openhands: write file: empty path")
	}
	replaced := false
	if old, statErr := os.Stat(path); statErr == nil {
		if !old.Mode().IsRegular() {
			return fmt.Errorf("openhands: write file: %s exists and is not a regular file", path)
		}
		perm, replaced = old.Mode().Perm(), true
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := createTemp(dir, base, perm)
	if err != nil {
		return fmt.Errorf("openhands: write file: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return err
	}
	if replaced {
		if err := tmp.Chmod(perm); err != nil {
			return fmt.Errorf("openhands: write file: %w", err)
		}
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("openhands: write file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("openhands: write file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("openhands: write file: %w", err)
	}
	syncDir(dir)
	return nil
}

// createTemp creates ".<base>.<random>.tmp" in dir with perm, so that the
// umask applies (os.CreateTemp always uses 0600).
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, errors.New("no free temporary file name")
}

// syncDir flushes a directory entry to disk so a rename survives a crash.
// Not every system can (Windows cannot open a directory for it); a failure
// there does not undo the write, so it is ignored.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	d.Close()
}
