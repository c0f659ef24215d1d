package archiveview

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBrowserDriverStaysInTests: chromedp is for the browser test only, and
// the viewer's Markdown renderer stays out of the SDK.
func TestBrowserDriverStaysInTests(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH to list the dependencies with")
	}
	for _, tc := range []struct {
		pkgs      []string
		forbidden []string
	}{
		{[]string{"../../api", "../../wrapper"}, []string{"github.com/chromedp/", "github.com/yuin/goldmark"}},
		{[]string{"../../cmd/openhands-v0", "."}, []string{"github.com/chromedp/"}},
	} {
		out, err := exec.Command(goTool, append([]string{"list", "-deps"}, tc.pkgs...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %v: %v\n%s", tc.pkgs, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range tc.forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%v depend on %s", tc.pkgs, dep)
				}
			}
		}
	}
}
