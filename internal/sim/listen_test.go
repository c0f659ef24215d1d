package sim_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openhands-go/openhands-v0/internal/sim"
)

func TestStartOnLoopback(t *testing.T) {
	var log syncBuffer
	srv := sim.New(sim.WithLog(&log), sim.WithSessionAPIKey("do-not-log-me"))
	base, stop, err := srv.Start("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("base %q is not on loopback", base)
	}
	req, _ := http.NewRequest("GET", base+"/api/settings", nil)
	req.Header.Set("X-Session-API-Key", "do-not-log-me")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "/alive"); err == nil {
		t.Error("the server still answers after stop")
	}
	line := log.String()
	if !strings.Contains(line, "GET") || !strings.Contains(line, "/api/settings 404") || strings.Contains(line, "do-not-log-me") {
		t.Errorf("log line %q", line)
	}

	if _, _, err := srv.Start("not an address"); err == nil {
		t.Error("Start accepted a bad address")
	}
	base, stop, err = sim.New().Start(":0")
	if err != nil || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("a port without a host: %q %v", base, err)
	} else {
		_ = stop(context.Background())
	}
}

func TestListenAndServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.ListenAndServe(ctx, addr, sim.WithSampleData()) }()
	var resp *http.Response
	for range 100 {
		if resp, err = http.Get("http://" + addr + "/api/conversations"); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ListenAndServe did not answer: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("ListenAndServe: %v", err)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
