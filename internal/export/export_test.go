package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
	"github.com/openhands-go/openhands-v0/timestamp"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// fakeSource serves conversations from memory and counts what it is asked.
type fakeSource struct {
	convs  []api.ConversationInfo
	counts map[string]int

	mu            sync.Mutex
	trajectoryErr map[string]error
	eventsErr     map[string]error
	trajectories  map[string]int
	events        map[string]int
	onDownload    func(id string) // called at the start of each download

	inFlight, maxInFlight atomic.Int32
}

func newFake(n int) *fakeSource {
	f := &fakeSource{counts: map[string]int{}, trajectoryErr: map[string]error{}, eventsErr: map[string]error{},
		trajectories: map[string]int{}, events: map[string]int{}}
	for i := range n {
		id := fmt.Sprintf("c%02d", i)
		f.convs = append(f.convs, api.ConversationInfo{ConversationID: id, Title: "task " + id, Status: api.ConversationStatusStopped,
			LastUpdatedAt: timestamp.MustParse("2026-01-01T00:00:00Z"), SessionAPIKey: "sk-session-" + id})
		f.counts[id] = 10 + i
	}
	return f
}

func (f *fakeSource) BaseURL() string { return "http://sim.test" }

func (f *fakeSource) Conversations(context.Context) iter.Seq2[api.ConversationInfo, error] {
	return func(yield func(api.ConversationInfo, error) bool) {
		for _, c := range f.convs {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (f *fakeSource) EventCount(_ context.Context, id string) (int, error) { return f.counts[id], nil }

func (f *fakeSource) DownloadTrajectory(ctx context.Context, id, path string) (File, error) {
	return f.write(ctx, id, path, f.trajectories, f.trajectoryErr, `{"trajectory":[{"id":0,"source":"user"}]}`)
}

func (f *fakeSource) ExportEvents(ctx context.Context, id, path string) (File, error) {
	return f.write(ctx, id, path, f.events, f.eventsErr, `{"id":0,"source":"user"}`+"\n")
}

func (f *fakeSource) write(ctx context.Context, id, path string, calls map[string]int, fail map[string]error, body string) (File, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxInFlight.Load()
		if n <= m || f.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	calls[id]++
	err := fail[id]
	hook := f.onDownload
	f.mu.Unlock()
	if hook != nil {
		hook(id)
	}
	if err := ctx.Err(); err != nil {
		return File{}, err
	}
	if err != nil {
		return File{}, err
	}
	sum := sha256.Sum256([]byte(body))
	err = atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := io.WriteString(w, body)
		return err
	})
	return File{Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}, err
}

func (f *fakeSource) total(calls map[string]int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range calls {
		n += c
	}
	return n
}

func readTestManifest(t *testing.T, dir string) *Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func TestRunArchivesEveryConversationWithVerifiableManifest(t *testing.T) {
	dir := t.TempDir()
	src := newFake(5)
	rep, err := Run(t.Context(), src, Options{Dir: dir, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Listed != 5 || rep.Fetched != 5 || rep.UpToDate != 0 || rep.Failed != 0 {
		t.Fatalf("report = %+v", rep)
	}
	m := readTestManifest(t, dir)
	if m.Server != "http://sim.test" || len(m.Conversations) != 5 {
		t.Fatalf("manifest server %q with %d conversations", m.Server, len(m.Conversations))
	}
	for id, e := range m.Conversations {
		if e.Kind != KindTrajectory || len(e.Files) != 2 || e.EventCount != src.counts[id] {
			t.Fatalf("%s: entry %+v", id, e)
		}
		for _, f := range e.Files {
			got, err := hashFile(filepath.Join(dir, f.Path))
			if err != nil || got.SHA256 != f.SHA256 || got.Bytes != f.Bytes {
				t.Fatalf("%s: file %s does not match the manifest: %+v vs %+v (%v)", id, f.Path, got, f, err)
			}
		}
	}
}

func TestRunKeepsTheSessionKeyOutOfTheArchive(t *testing.T) {
	dir := t.TempDir()
	if _, err := Run(t.Context(), newFake(2), Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if strings.Contains(string(b), "sk-session-") {
			t.Errorf("%s holds a session key", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSecondRunFetchesNothing(t *testing.T) {
	dir := t.TempDir()
	src := newFake(4)
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	rep, err := Run(t.Context(), src, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 0 || rep.UpToDate != 4 || rep.Bytes != 0 {
		t.Fatalf("second run report = %+v", rep)
	}
	if got := src.total(src.trajectories); got != 4 {
		t.Fatalf("trajectories downloaded %d times in two runs, want 4", got)
	}
	after, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if string(before) != string(after) {
		t.Fatal("a run that fetched nothing changed the manifest")
	}
}

func TestRunRefetchesCorruptedMissingAndChangedConversations(t *testing.T) {
	dir := t.TempDir()
	src := newFake(4)
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c00", TrajectoryFile), []byte(`{"trajectory":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "c01", MetadataFile)); err != nil {
		t.Fatal(err)
	}
	src.convs[2].LastUpdatedAt = timestamp.MustParse("2026-02-02T00:00:00Z")
	rep, err := Run(t.Context(), src, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 3 || rep.UpToDate != 1 {
		t.Fatalf("report = %+v", rep)
	}
	for _, id := range []string{"c00", "c01", "c02"} {
		if src.trajectories[id] != 2 {
			t.Errorf("%s downloaded %d times, want 2", id, src.trajectories[id])
		}
	}
	if src.trajectories["c03"] != 1 {
		t.Errorf("c03 downloaded %d times, want 1", src.trajectories["c03"])
	}
}

func TestFailedConversationsAreRetriedByTheNextRun(t *testing.T) {
	dir := t.TempDir()
	src := newFake(3)
	src.trajectoryErr["c01"] = fmt.Errorf("refused: %w", wrapper.ErrUnauthorized)
	rep, err := Run(t.Context(), src, Options{Dir: dir})
	if !errors.Is(err, ErrIncomplete) {
		t.Fatalf("err = %v, want ErrIncomplete", err)
	}
	if rep.Failed != 1 || rep.Fetched != 2 || len(rep.Failures) != 1 || rep.Failures[0].ConversationID != "c01" {
		t.Fatalf("report = %+v", rep)
	}
	if e := readTestManifest(t, dir).Conversations["c01"]; e == nil || e.Error == "" {
		t.Fatalf("the manifest does not record the failure: %+v", e)
	}
	if src.events["c01"] != 0 {
		t.Fatal("an unauthorized trajectory fell back to events")
	}

	delete(src.trajectoryErr, "c01")
	rep, err = Run(t.Context(), src, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 1 || rep.UpToDate != 2 || src.trajectories["c01"] != 2 {
		t.Fatalf("retry report = %+v, c01 downloads %d", rep, src.trajectories["c01"])
	}
}

// TestTrajectoryNotFoundFallsBackToEvents: a real server answers 404 for
// the trajectory of a conversation that is not running; the conversation
// exists (its events were counted), so its events are archived instead, and
// the manifest says why.
func TestTrajectoryNotFoundFallsBackToEvents(t *testing.T) {
	dir := t.TempDir()
	src := newFake(2)
	src.trajectoryErr["c00"] = fmt.Errorf("Conversation c00 not found: %w", wrapper.ErrNotFound)
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	m := readTestManifest(t, dir)
	e := m.Conversations["c00"]
	if e == nil || e.Kind != KindEvents || e.Error != "" || !strings.Contains(e.Note, "running conversation only (404 for this STOPPED one)") {
		t.Fatalf("c00 in the manifest: %+v", e)
	}
	if src.events["c00"] != 1 {
		t.Fatalf("c00's events exported %d times, want 1", src.events["c00"])
	}
	if _, err := os.Stat(filepath.Join(dir, folderName("c00"), EventsFile)); err != nil {
		t.Fatal(err)
	}
	if e := m.Conversations["c01"]; e == nil || e.Kind != KindTrajectory || e.Note != "" {
		t.Fatalf("c01 in the manifest: %+v", e)
	}
}

func TestTrajectoryServerErrorFallsBackToEvents(t *testing.T) {
	dir := t.TempDir()
	src := newFake(2)
	src.trajectoryErr["c00"] = fmt.Errorf("maintenance: %w", wrapper.ErrMaintenance)
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	e := readTestManifest(t, dir).Conversations["c00"]
	if e.Kind != KindEvents || e.Note == "" || e.Files[1].Path != "c00/"+EventsFile {
		t.Fatalf("entry = %+v", e)
	}
}

func TestLargeConversationsAndEventsOptionArchiveEvents(t *testing.T) {
	dir := t.TempDir()
	src := newFake(3)
	src.counts["c02"] = 100
	if _, err := Run(t.Context(), src, Options{Dir: dir, LargeEvents: 50}); err != nil {
		t.Fatal(err)
	}
	m := readTestManifest(t, dir)
	if m.Conversations["c02"].Kind != KindEvents || m.Conversations["c00"].Kind != KindTrajectory {
		t.Fatalf("kinds: c00 %s, c02 %s", m.Conversations["c00"].Kind, m.Conversations["c02"].Kind)
	}

	rep, err := Run(t.Context(), src, Options{Dir: dir, LargeEvents: 50, Events: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 2 || rep.UpToDate != 1 {
		t.Fatalf("--events run report = %+v", rep)
	}
	if _, err := os.Stat(filepath.Join(dir, "c00", TrajectoryFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the trajectory archived before --events is still there: %v", err)
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	src := newFake(12)
	if _, err := Run(t.Context(), src, Options{Dir: t.TempDir(), Concurrency: 3}); err != nil {
		t.Fatal(err)
	}
	if got := src.maxInFlight.Load(); got > 3 {
		t.Fatalf("%d downloads at once with concurrency 3", got)
	}
}

func TestInterruptedRunKeepsWhatWasDone(t *testing.T) {
	dir := t.TempDir()
	src := newFake(5)
	ctx, cancel := context.WithCancel(t.Context())
	src.onDownload = func(id string) {
		if id == "c03" {
			cancel()
		}
	}
	_, err := Run(ctx, src, Options{Dir: dir, Concurrency: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if got := len(readTestManifest(t, dir).Conversations); got != 3 {
		t.Fatalf("the manifest records %d conversations after an interruption at the 4th, want 3", got)
	}
	src.onDownload = nil
	rep, err := Run(t.Context(), src, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Fetched != 2 || rep.UpToDate != 3 {
		t.Fatalf("resumed run report = %+v", rep)
	}
}

func TestProgressCountsEveryConversation(t *testing.T) {
	var calls []int
	_, err := Run(t.Context(), newFake(3), Options{Dir: t.TempDir(), Progress: func(done, total int) {
		if total != 3 {
			t.Errorf("total %d, want 3", total)
		}
		calls = append(calls, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(calls) != "[1 2 3]" {
		t.Fatalf("progress calls %v", calls)
	}
}

func TestUnsafeIDsGetADigestFolder(t *testing.T) {
	for id, want := range map[string]string{
		"0c2a5e9d4b7f4e1aa1b2c3d4e5f60718": "0c2a5e9d4b7f4e1aa1b2c3d4e5f60718",
		".":                                "id-",
		"a:b":                              "id-",
		"-rf":                              "id-",
		"_x":                               "id-",
		"a_b-C9":                           "a_b-C9",
		strings.Repeat("a", 100):           strings.Repeat("a", 100),
		strings.Repeat("a", 101):           "id-",
		"café":                             "id-",
		"":                                 "id-",
	} {
		if got := folderName(id); !strings.HasPrefix(got, want) || strings.ContainsAny(got, ".:/") {
			t.Errorf("folderName(%q) = %q", id, got)
		}
	}
}

func TestManifestOfAnotherServerIsRefused(t *testing.T) {
	dir := t.TempDir()
	m := Manifest{Version: manifestVersion, Server: "http://other.test", Conversations: map[string]*Entry{}}
	if err := m.write(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), newFake(1), Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "other.test") {
		t.Fatalf("err = %v", err)
	}
}

func TestCorruptManifestIsNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ManifestName), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(t.Context(), newFake(1), Options{Dir: dir}); err == nil {
		t.Fatal("a corrupt manifest was accepted")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, ManifestName)); string(b) != "{not json" {
		t.Fatal("the corrupt manifest was overwritten")
	}
}

// TestRunRemovesTemporaryFilesAKilledRunLeft: a SIGKILL mid-write leaves
// atomicfile.Write's hidden temporary files; the next run clears them and
// leaves everything else alone.
func TestRunRemovesTemporaryFilesAKilledRunLeft(t *testing.T) {
	dir := t.TempDir()
	src := newFake(2)
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	folders, _ := filepath.Glob(filepath.Join(dir, "*", TrajectoryFile))
	if len(folders) == 0 {
		t.Fatal("no conversation folder to plant a leftover in")
	}
	leftovers := []string{
		filepath.Join(dir, "."+ManifestName+".123.tmp"),
		filepath.Join(filepath.Dir(folders[0]), "."+TrajectoryFile+".456.tmp"),
	}
	keep := filepath.Join(dir, "notes.txt")
	for _, f := range append(leftovers, keep) {
		if err := os.WriteFile(f, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Run(t.Context(), src, Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	for _, f := range leftovers {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is still there (err %v)", f, err)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not a leftover was touched: %v", err)
	}
}

// TestTwoIDsNeverShareAFolder: an id shaped like another id's digested
// folder name, and two ids that differ only in case (one folder on macOS
// and Windows), never get one conversation archived over another.
func TestTwoIDsNeverShareAFolder(t *testing.T) {
	unsafe := "conv:with/slash"
	lookalike := folderName(unsafe) // "id-<24 hex>": a safe name as it stands
	f := newFake(0)
	for _, id := range []string{unsafe, lookalike, "abc", "ABC"} {
		f.convs = append(f.convs, api.ConversationInfo{ConversationID: id, Title: "t " + id, Status: api.ConversationStatusStopped, LastUpdatedAt: timestamp.MustParse("2026-01-01T00:00:00Z")})
		f.counts[id] = 1
	}
	dir := t.TempDir()
	rep, err := Run(context.Background(), f, Options{Dir: dir})
	if !errors.Is(err, ErrIncomplete) || rep.Fetched != 3 || rep.Failed != 1 || rep.Failures[0].ConversationID != "ABC" {
		t.Fatalf("Run: %+v, %v; want 3 fetched and ABC refused (its folder is abc's on a case-insensitive disk)", rep, err)
	}
	folders := map[string]string{}
	for _, id := range []string{unsafe, lookalike, "abc"} {
		var meta api.ConversationInfo
		b, err := os.ReadFile(filepath.Join(dir, folderName(id), MetadataFile))
		if err != nil || json.Unmarshal(b, &meta) != nil || meta.ConversationID != id {
			t.Errorf("%s: folder %s holds %q (%v)", id, folderName(id), meta.ConversationID, err)
		}
		if other, dup := folders[folderName(id)]; dup {
			t.Errorf("%s and %s share folder %s", id, other, folderName(id))
		}
		folders[folderName(id)] = id
	}
}
