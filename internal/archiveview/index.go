package archiveview

import (
	"bytes"
	_ "embed"
	"html/template"
	"path/filepath"
	"sort"
)

//go:embed index.html.tmpl
var indexSource string

var indexTemplate = template.Must(template.New("index").Funcs(template.FuncMap{"when": displayTime}).Parse(indexSource))

// indexData is what index.html.tmpl shows.
type indexData struct {
	CSP      string
	Server   string
	Rows     []*summary
	Statuses []string
}

// writeIndex writes index.html: every conversation, most recently updated
// first (then by id, so that the order never depends on the map).
func writeIndex(dir, server string, rows []*summary) error {
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Updated != rows[j].Updated {
			return rows[i].Updated > rows[j].Updated
		}
		return rows[i].ID < rows[j].ID
	})
	seen := map[string]bool{}
	var statuses []string
	for _, r := range rows {
		if r.Status != "" && !seen[r.Status] {
			seen[r.Status] = true
			statuses = append(statuses, r.Status)
		}
	}
	sort.Strings(statuses)
	var b bytes.Buffer
	if err := indexTemplate.Execute(&b, indexData{CSP: csp, Server: server, Rows: rows, Statuses: statuses}); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, IndexFile), b.Bytes())
}
