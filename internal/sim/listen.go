package sim

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// Start serves the simulator on addr in the background and returns its base
// URL (http://host:port) and a function that shuts it down. An empty addr
// means 127.0.0.1:0 (a free loopback port); an addr without a host (":8080")
// listens on 127.0.0.1 too.
func (s *Server) Start(addr string) (baseURL string, stop func(context.Context) error, err error) {
	host, port, err := net.SplitHostPort(orString(addr, "127.0.0.1:0"))
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(orString(host, "127.0.0.1"), port))
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), srv.Shutdown, nil
}

// ListenAndServe runs a simulator built with opts on addr (see Start) until
// ctx ends, then shuts it down.
func ListenAndServe(ctx context.Context, addr string, opts ...Option) error {
	_, stop, err := New(opts...).Start(addr)
	if err != nil {
		return err
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := stop(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
