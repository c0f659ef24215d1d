package drift

import (
	"strings"
	"testing"
	"testing/fstest"
)

const reviewYAML = `
documents:
  - {name: live, version: "0.0.1", file: live.json, what: the hosted service}
  - {name: docs, version: "0.53.0", file: docs.json, what: the OSS docs}
groups:
  - reason: the reason
    findings:
      - {in: [live, openhands-0.62.0], id: rule, op: "GET /a", text: "text a"}
      - {in: [docs], id: rule, op: "GET /b", text: "text b"}
`

func baselineFS(versions ...string) fstest.MapFS {
	fsys := fstest.MapFS{"README.md": {Data: []byte("# not a baseline")}}
	for _, v := range versions {
		fsys["openhands-"+v+".json"] = &fstest.MapFile{Data: []byte(`{"openapi": "3.1.0", "info": {"title": "OpenHands", "version": "` + v + `"}, "paths": {}}`)}
	}
	return fsys
}

func TestLoadReviewAddsEveryBaseline(t *testing.T) {
	r, err := LoadReview([]byte(reviewYAML), baselineFS("0.62.0", "0.59.0"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range r.Documents {
		names = append(names, d.Name+"@"+d.Version)
	}
	if got := strings.Join(names, " "); got != "live@0.0.1 docs@0.53.0 openhands-0.59.0@0.59.0 openhands-0.62.0@0.62.0" {
		t.Fatalf("documents %s", got)
	}
	if d, _ := r.Document("openhands-0.62.0"); len(d.Baseline) == 0 {
		t.Error("the baseline's document is not kept")
	}
	f := Finding{ID: "rule", Operation: "GET /a", Text: "text a"}
	if reason, ok := r.Explain("openhands-0.62.0", f); !ok || reason != "the reason" {
		t.Errorf("Explain = %q, %v", reason, ok)
	}
	if _, ok := r.Explain("docs", f); ok {
		t.Error("a finding reviewed for other documents is explained for docs")
	}
	if got := r.Expected("docs"); len(got) != 1 || got[0].Op != "GET /b" {
		t.Errorf("Expected(docs) = %v", got)
	}
}

func TestLoadReviewRefusesWhatItDoesNotKnow(t *testing.T) {
	if _, err := LoadReview([]byte("groups: []\nextra: 1\n"), nil); err == nil {
		t.Error("no error for an unknown key")
	}
	listed := reviewYAML + "  - reason: x\n    findings: []\n"
	listed = strings.Replace(listed, "documents:\n", "documents:\n  - {name: openhands-0.62.0, version: \"0.61.0\"}\n", 1)
	if _, err := LoadReview([]byte(listed), baselineFS("0.62.0")); err == nil || !strings.Contains(err.Error(), "0.61.0") {
		t.Errorf("a listed version other than the baseline's: %v", err)
	}
}

func TestNearest(t *testing.T) {
	r, err := LoadReview([]byte(reviewYAML), baselineFS("0.62.0", "0.59.0"))
	if err != nil {
		t.Fatal(err)
	}
	for version, want := range map[string]string{
		"0.62.0": "openhands-0.62.0", // exact
		"0.0.1":  "live",             // the hosted service's version
		"0.60.1": "openhands-0.59.0", // nearest lower
		"1.2.0":  "openhands-0.62.0",
		"0.55":   "docs",
		"0.0.0":  "live", // nothing lower: nearest higher
	} {
		if got, ok := r.Nearest(version); !ok || got.Name != want {
			t.Errorf("Nearest(%q) = %s, want %s", version, got.Name, want)
		}
	}
	withDup, err := LoadReview([]byte(strings.Replace(reviewYAML, `{name: docs, version: "0.53.0"`, `{name: docs, version: "0.62.0"`, 1)), baselineFS("0.62.0"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := withDup.Nearest("0.62.0"); got.Name != "openhands-0.62.0" {
		t.Errorf("two documents of the version: %s, want the baseline", got.Name)
	}
	if _, ok := (&Review{}).Nearest("0.62.0"); ok {
		t.Error("a review without documents has a nearest one")
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"0.62.0", "0.62.0", 0}, {"0.9.0", "0.62.0", -1}, {"1.0", "0.99.9", 1}, {"0.62", "0.62.0", 0}, {"v1.2.3", "1.2.3", 0},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
