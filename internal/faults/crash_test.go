package faults

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/internal/export"
	"github.com/openhands-go/openhands-v0/internal/sim"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// Crash-test trajectories: generated conversations of a few MB, sent slowly
// so that the CLI is surely in the middle of one when it is killed.
const (
	crashEvents    = 1500
	crashPayload   = 1000
	crashChunk     = 32 << 10
	crashDelay     = 15 * time.Millisecond
	crashWaitLimit = 30 * time.Second
)

func slowTrajectory(path string) sim.Fault {
	return sim.Fault{Kind: sim.FaultSlowBody, Method: http.MethodGet, Path: path, ChunkSize: crashChunk, ChunkDelay: crashDelay}
}

// killWhen starts the CLI and SIGKILLs it as soon as ready reports true
// (polled every few milliseconds). It fails the test if the CLI ended first.
func killWhen(t *testing.T, bin string, env []string, ready func() bool, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(crashWaitLimit)
	for !ready() {
		select {
		case err := <-exited:
			t.Fatalf("openhands-v0 %s ended (%v) before the moment to kill it came:\n%s", strings.Join(args, " "), err, stderr.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("the moment to kill openhands-v0 %s never came", strings.Join(args, " "))
		case <-time.After(2 * time.Millisecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	err := <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("openhands-v0 was not killed but ended with %v", err)
	}
}

// tempFiles returns the temporary files of atomic writes under dir with
// their sizes.
func tempFiles(dir string) map[string]int64 {
	out := map[string]int64{}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && isTemp(d.Name()) {
			if info, err := d.Info(); err == nil {
				out[path] = info.Size()
			}
		}
		return nil
	})
	return out
}

// inFlight reports whether an atomic write of a file named name is under
// way in dir (its temporary file holds data).
func inFlight(dir, name string) bool {
	for path, size := range tempFiles(dir) {
		if strings.HasPrefix(filepath.Base(path), "."+name+".") && size > 0 {
			return true
		}
	}
	return false
}

// TestCrashSafetyTrajectory kills `openhands-v0 trajectory` in the middle
// of a download, once with no file at the target and once over an older
// file: the target is absent, or the older file is intact. A second run
// then saves the whole trajectory.
func TestCrashSafetyTrajectory(t *testing.T) {
	bin := cliBinary(t)
	s := sim.New(sim.WithTiming(0, time.Hour))
	id := s.AddBulkConversation(crashEvents, crashPayload)
	ts := httptest.NewServer(s)
	defer ts.Close()
	s.InjectFault(slowTrajectory("/api/conversations/" + id + "/trajectory"))
	env := cliEnv()
	dir := t.TempDir()

	for _, older := range []bool{false, true} {
		target := filepath.Join(dir, "fresh.json")
		if older {
			target = filepath.Join(dir, "older.json")
			if err := os.WriteFile(target, []byte(oldTrajectory), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		killWhen(t, bin, env, func() bool { return inFlight(dir, filepath.Base(target)) },
			"--base-url", ts.URL, "trajectory", id, "-f", target)
		content, err := os.ReadFile(target)
		switch {
		case !older && !errors.Is(err, fs.ErrNotExist):
			t.Errorf("killed mid-download, the CLI left %s (%d bytes, %v)", target, len(content), err)
		case older && string(content) != oldTrajectory:
			t.Errorf("killed mid-download, the CLI changed the older file: %d bytes, %v", len(content), err)
		}
	}
	leftovers := tempFiles(dir)
	t.Logf("killed twice mid-download: no target file written, the older file intact; %d temporary files left behind (hidden, named .<target>.*.tmp)", len(leftovers))

	s.ClearFaults()
	target := filepath.Join(dir, "older.json")
	res := runCLI(t, bin, dir, env, "--base-url", ts.URL, "-o", "json", "trajectory", id, "-f", target)
	if res.code != 0 {
		t.Fatalf("the download after the crashes failed (%d): %s", res.code, res.stderr)
	}
	var saved struct {
		Bytes  int64  `json:"bytes"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &saved); err != nil {
		t.Fatalf("trajectory -o json: %v\n%s", err, res.stdout)
	}
	content, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if p := trajectoryProblem(content); p != "" {
		t.Errorf("the resumed download is not a trajectory: %s", p)
	}
	if int64(len(content)) != saved.Bytes || sha256Hex(content) != saved.SHA256 {
		t.Errorf("the file (%d bytes) is not what the CLI reported (%d bytes)", len(content), saved.Bytes)
	}
	t.Logf("the next run saved the whole trajectory: %d bytes", len(content))
}

// TestCrashSafetyExport kills `openhands-v0 export` twice: in the middle of
// a first export, and in the middle of re-archiving a conversation that
// changed since. After each kill every file is complete and valid (the
// manifest's entries match their files), the older trajectory is intact,
// and a second run completes fetching only what was missing or changed.
func TestCrashSafetyExport(t *testing.T) {
	bin := cliBinary(t)
	s := sim.New(sim.WithSampleData(), sim.WithTiming(0, time.Hour))
	bulk := []string{
		s.AddBulkConversation(crashEvents, crashPayload),
		s.AddBulkConversation(crashEvents, crashPayload),
		s.AddBulkConversation(crashEvents, crashPayload),
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	env := cliEnv()
	archive := filepath.Join(t.TempDir(), "archive")
	exportArgs := []string{"--base-url", ts.URL, "export", "--dir", archive, "--concurrency", "2"}

	// 1. Killed in the middle of a first export.
	s.InjectFault(slowTrajectory("/api/conversations/{id}/trajectory"))
	killWhen(t, bin, env, func() bool {
		return completeEntries(archive) >= 1 && inFlight(archive, export.TrajectoryFile)
	}, exportArgs...)
	checkArchive(t, archive, "after the first kill")
	done := completeIDs(t, archive)
	t.Logf("first kill: %d conversations archived, the rest in flight or not started; %d temporary files left",
		len(done), len(tempFiles(archive)))

	s.ClearFaults()
	rep := resumeExport(t, s, bin, env, exportArgs)
	listed := listedNow(t, ts.URL)
	if rep.Listed != len(listed) || rep.Failed != 0 || rep.UpToDate != len(done) || rep.Fetched != rep.Listed-len(done) {
		t.Errorf("resumed export: %+v; want %d listed, %d up to date, %d fetched", rep, len(listed), len(done), len(listed)-len(done))
	}
	checkFetchedOnly(t, s, listed, done)
	checkArchive(t, archive, "after the resumed export")

	// 2. Killed while re-archiving a conversation that changed: its older
	// trajectory must survive.
	changed := bulk[0]
	folder := filepath.Join(archive, changed)
	older, err := os.ReadFile(filepath.Join(folder, export.TrajectoryFile))
	if err != nil {
		t.Fatal(err)
	}
	sendMessage(t, ts.URL, changed)
	s.InjectFault(slowTrajectory("/api/conversations/" + changed + "/trajectory"))
	killWhen(t, bin, env, func() bool { return inFlight(folder, export.TrajectoryFile) }, exportArgs...)
	checkArchive(t, archive, "after the second kill")
	if now, err := os.ReadFile(filepath.Join(folder, export.TrajectoryFile)); err != nil || string(now) != string(older) {
		t.Errorf("killed while re-archiving %s, its older trajectory changed (%d bytes, was %d; %v)", changed, len(now), len(older), err)
	}

	s.ClearFaults()
	unchanged := completeIDs(t, archive)
	listed = listedNow(t, ts.URL)
	for id, updated := range listed {
		if entryUpdated(t, archive, id) != updated {
			unchanged = slices.DeleteFunc(unchanged, func(x string) bool { return x == id })
		}
	}
	rep = resumeExport(t, s, bin, env, exportArgs)
	if rep.Failed != 0 || rep.UpToDate != len(unchanged) || slices.Contains(unchanged, changed) {
		t.Errorf("second resumed export: %+v; want %d up to date, %s fetched again", rep, len(unchanged), changed)
	}
	checkFetchedOnly(t, s, listed, unchanged)
	checkArchive(t, archive, "at the end")
	now, err := os.ReadFile(filepath.Join(folder, export.TrajectoryFile))
	if err != nil || string(now) == string(older) {
		t.Errorf("the changed conversation %s was not archived again", changed)
	}
	t.Logf("second kill: the older trajectory of the changed conversation intact; the next run fetched %d and kept %d; %d temporary files left in all",
		rep.Fetched, rep.UpToDate, len(tempFiles(archive)))
}

// resumeExport runs the export to completion with a fresh arrival log.
func resumeExport(t *testing.T, s *sim.Server, bin string, env, args []string) export.Report {
	t.Helper()
	s.ResetArrivals()
	res := runCLI(t, bin, "", env, append([]string{"-o", "json"}, args...)...)
	if res.code != 0 {
		t.Fatalf("the resumed export failed (%d): %s\n%s", res.code, res.stderr, res.stdout)
	}
	var rep export.Report
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("export -o json: %v\n%s", err, res.stdout)
	}
	return rep
}

// checkArchive fails on any file of the archive that is not complete and
// valid, or that differs from the manifest; temporary files of writes cut
// short are skipped.
func checkArchive(t *testing.T, dir, when string) {
	t.Helper()
	for _, p := range exportProblems(dir) {
		name, _, _ := strings.Cut(p, ":")
		if isTemp(filepath.Base(name)) {
			continue
		}
		t.Errorf("%s: %s", when, p)
	}
}

// completeEntries counts the manifest's archived conversations (0 when the
// manifest is missing or being replaced).
func completeEntries(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, export.ManifestName))
	if err != nil {
		return 0
	}
	var m export.Manifest
	if json.Unmarshal(b, &m) != nil {
		return 0
	}
	n := 0
	for _, e := range m.Conversations {
		if e.Error == "" && len(e.Files) > 0 {
			n++
		}
	}
	return n
}

func completeIDs(t *testing.T, dir string) []string {
	t.Helper()
	m := readManifestFile(t, dir)
	var ids []string
	for id, e := range m.Conversations {
		if e.Error == "" && len(e.Files) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func entryUpdated(t *testing.T, dir, id string) string {
	t.Helper()
	if e := readManifestFile(t, dir).Conversations[id]; e != nil {
		return e.LastUpdatedAt
	}
	return ""
}

// listedNow maps every V0 conversation the server lists to its last_updated_at.
func listedNow(t *testing.T, base string) map[string]string {
	t.Helper()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListConversations(context.Background(), wrapper.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, conv := range all {
		out[conv.ConversationID] = conv.LastUpdatedAt.String()
	}
	return out
}

// checkFetchedOnly fails if the last run asked for the content (trajectory
// or events) of a conversation in skip, or did not ask for one not in it.
func checkFetchedOnly(t *testing.T, s *sim.Server, listed map[string]string, skip []string) {
	t.Helper()
	for id := range listed {
		n := s.Count(http.MethodGet, "/api/conversations/"+id+"/trajectory") + s.Count(http.MethodGet, "/api/conversations/"+id+"/events")
		switch {
		case slices.Contains(skip, id) && n > 0:
			t.Errorf("%s was archived already, yet the run fetched it again (%d requests)", id, n)
		case !slices.Contains(skip, id) && n == 0:
			t.Errorf("%s was missing, yet the run did not fetch it", id)
		}
	}
}

func sendMessage(t *testing.T, base, id string) {
	t.Helper()
	c, err := wrapper.New(wrapper.WithBaseURL(base))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SendMessage(context.Background(), id, "One more step, please"); err != nil {
		t.Fatal(err)
	}
}

// lockedBuffer collects a process's output safely from its copier goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
