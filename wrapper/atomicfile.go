package wrapper

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes the file at path through a temporary file in the
// same directory: write fills it, then it is flushed to disk, closed and
// renamed over path in one step. If write or any step fails, the temporary
// file is removed and whatever was at path before is left as it was, so a
// reader sees the old file or the complete new one, never a part.
//
// The new file keeps the permissions of the file it replaces, or gets perm
// when there was none.
func WriteFileAtomic(path string, perm fs.FileMode, write func(w io.Writer) error) (err error) {
	if path == "" {
		return errors.New("openhands: write file: empty path")
	}
	if old, statErr := os.Stat(path); statErr == nil {
		if !old.Mode().IsRegular() {
			return fmt.Errorf("openhands: write file: %s exists and is not a regular file", path)
		}
		perm = old.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
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
	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("openhands: write file: %w", err)
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
