package contract

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// cassetteExt is the extension go-vcr gives cassette files.
const cassetteExt = ".yaml"

// modulePath is this module's path, how defaultCassetteDir recognises the
// repository's go.mod.
const modulePath = "github.com/openhands-go/openhands-v0"

// originPrefix starts the comment line of a cassette that says where it was
// recorded (go-vcr ignores comments; cassettes/README.md is built from them).
const originPrefix = "# recorded from: "

// cassettePath is the one place a scenario's cassette file is named:
// <dir>/<scenario>.yaml.
func cassettePath(dir, scenario string) string {
	return filepath.Join(dir, scenario+cassetteExt)
}

// cassetteName is cassettePath without the extension, as go-vcr wants it.
func cassetteName(dir, scenario string) string {
	return strings.TrimSuffix(cassettePath(dir, scenario), cassetteExt)
}

// defaultCassetteDir returns the repository's cassettes folder: the
// cassettes directory beside the go.mod of this module, found by walking up
// from the working directory.
func defaultCassetteDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("contract: find the cassettes: %w", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && moduleLine(data) == modulePath {
			return filepath.Join(dir, "cassettes"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("contract: cassettes not found: run from inside the openhands-v0 repository or set the cassette directory")
		}
		dir = parent
	}
}

// moduleLine returns the module path a go.mod declares.
func moduleLine(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// cassetteFiles lists the scenario names of the cassettes in dir, sorted.
func cassetteFiles(dir string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(dir, "*"+cassetteExt))
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, strings.TrimSuffix(filepath.Base(m), cassetteExt))
	}
	return names, nil
}

// stampOrigin writes, above a saved cassette, the comment lines that say
// which scenario it belongs to and where it was recorded.
func stampOrigin(path, scenario, description, origin string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# cassette of contract scenario %q: %s\n", scenario, oneLine(description))
	b.WriteString(originPrefix + oneLine(origin) + "\n")
	b.Write(data)
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// cassetteOrigin reads where a cassette was recorded from its comment line
// ("" when it has none).
func cassetteOrigin(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		if origin, ok := strings.CutPrefix(line, originPrefix); ok {
			return origin, nil
		}
	}
	return "", sc.Err()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
