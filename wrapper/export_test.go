package wrapper

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exportEvents is 250 events with values a typed re-encoding could change:
// id 0, cause 0, success false, an empty message, a key the spec does not
// model.
func exportEvents() []map[string]any {
	events := []map[string]any{evUser("go"), {"source": "environment", "observation": "run", "content": "exit 1",
		"message": "", "cause": 0, "success": false, "x_future_key": 1,
		"extras": map[string]any{"metadata": map[string]any{"exit_code": 1}}}}
	return append(events, evFiller(248)...)
}

func TestExportEventsWritesEveryEventAsSent(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(exportEvents()...)
	var out bytes.Buffer
	n, err := f.client().ExportEvents(context.Background(), stubConvID, &out, EventRange{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if n != 250 || len(lines) != 250 {
		t.Fatalf("ExportEvents = %d, %d lines; want 250", n, len(lines))
	}
	for i, line := range lines {
		if line != string(f.events[i]) {
			t.Fatalf("line %d = %s, want the server's bytes %s", i, line, f.events[i])
		}
	}
	for _, kept := range []string{`"id":0`, `"cause":0`, `"success":false`, `"message":""`, `"x_future_key":1`} {
		if !strings.Contains(lines[0]+lines[1], kept) {
			t.Errorf("the export lost %s", kept)
		}
	}
	if want := []string{"limit=100", "limit=100&start_id=100", "limit=100&start_id=200"}; !slices.Equal(f.pageQueries(), want) {
		t.Errorf("pages = %q, want %q", f.pageQueries(), want)
	}
}

func TestExportEventsRange(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(exportEvents()...)
	var out bytes.Buffer
	n, err := f.client().ExportEvents(context.Background(), stubConvID, &out, EventRange{StartID: 10, EndID: ptr(44), PageSize: 20})
	if err != nil || n != 35 {
		t.Fatalf("ExportEvents = %d, %v; want 35 events", n, err)
	}
	var ids []int
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var ev struct{ ID int }
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, ev.ID)
	}
	if ids[0] != 10 || ids[len(ids)-1] != 44 || !slices.IsSorted(ids) {
		t.Errorf("ids %v, want 10..44 in order", ids)
	}
}

func TestExportEventsCompactsPrettyJSON(t *testing.T) {
	f := newFakeV0(t)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		stubRaw(w, http.StatusOK, "application/json", "{\"events\": [\n  {\n    \"id\": 0,\n    \"message\": \"a\\nb\"\n  }\n], \"has_more\": false}")
		return true
	})
	var out bytes.Buffer
	if _, err := f.client().ExportEvents(context.Background(), stubConvID, &out, EventRange{}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != `{"id":0,"message":"a\nb"}`+"\n" {
		t.Errorf("line = %q, want one compact line", got)
	}
}

func TestExportEventsRefusals(t *testing.T) {
	f := newFakeV0(t)
	c := f.client()
	for name, r := range map[string]EventRange{"page size": {PageSize: 101}, "start": {StartID: -1}} {
		if _, err := c.ExportEvents(context.Background(), stubConvID, &bytes.Buffer{}, r); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: %v, want ErrValidation", name, err)
		}
	}
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		stubRaw(w, http.StatusOK, "application/json", `{"events":[{"message":"no id"}],"has_more":true}`)
		return true
	})
	if _, err := c.ExportEvents(context.Background(), stubConvID, &bytes.Buffer{}, EventRange{}); !errors.Is(err, ErrUnexpectedResponse) {
		t.Errorf("event without id: %v, want ErrUnexpectedResponse", err)
	}
}

func TestExportEventsFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := newFakeV0(t)
	f.setEvents(exportEvents()...)
	n, err := f.client().ExportEventsFile(context.Background(), stubConvID, "")
	if err != nil || n != 250 {
		t.Fatalf("ExportEventsFile = %d, %v", n, err)
	}
	name := "events_" + stubConvID + ".jsonl"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(data, []byte("\n")); got != 250 {
		t.Errorf("file has %d lines, want 250", got)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{name}) {
		t.Errorf("directory holds %v", names)
	}
}

// A failure on the third page keeps the old export and leaves no temporary file.
func TestExportEventsFileFailureKeepsTheOldFile(t *testing.T) {
	f := newFakeV0(t)
	f.setEvents(exportEvents()...)
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Query().Get("start_id") == "200" {
			stubRaw(w, http.StatusInternalServerError, "text/html", maintenancePage)
			return true
		}
		return false
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "events.jsonl")
	if err := os.WriteFile(path, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.client(WithHostPolicy(HostApp)).ExportEventsFile(context.Background(), stubConvID, path)
	if !errors.Is(err, ErrMaintenance) {
		t.Fatalf("ExportEventsFile = %v, want ErrMaintenance", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old\n" || len(dirNames(t, dir)) != 1 {
		t.Errorf("file %q, dir %v; want the old file alone", got, dirNames(t, dir))
	}
}
