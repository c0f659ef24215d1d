package wrapper

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
)

// callConfig is what an Option may change for one call. The Client's own
// values are its defaults.
type callConfig struct {
	timeout        time.Duration
	requestTimeout time.Duration
	retry          RetryPolicy
	header         http.Header
	respInto       *responseSink
	wait           waitConfig
	download       downloadConfig
	scan           scanConfig
	// err is a per-call option's error: every request of the call fails
	// with it before it is sent.
	err error
}

// callKey carries a call's *callConfig through its context.
type callKey struct{}

// withCall returns ctx carrying the options of one call to method: the
// Client's call settings with opts applied. Without opts ctx is returned as
// is, so the calls a method makes for its caller keep the caller's options.
func (c *Client) withCall(ctx context.Context, method string, opts []Option) context.Context {
	if _, named := ctx.Value(methodKey{}).(string); !named {
		ctx = context.WithValue(ctx, methodKey{}, method)
	}
	if len(opts) == 0 {
		return ctx
	}
	cfg := c.cfg
	cfg.callConfig = *c.callSettings(ctx)
	cfg.header = cfg.header.Clone()
	var err error
	for _, opt := range opts {
		if err = opt(&cfg); err != nil {
			break
		}
	}
	if err == nil {
		before, after := c.cfg, cfg
		before.callConfig, after.callConfig = callConfig{}, callConfig{}
		if !reflect.DeepEqual(before, after) {
			err = errors.New("only WithHeader, WithTimeout, WithRequestTimeout, WithRetry, WithResponseInto and the options of Wait, DownloadTrajectory and the event scans apply to one call")
		}
	}
	cc := cfg.callConfig
	if err != nil {
		cc.err = inputError(method, "%s", strings.TrimPrefix(err.Error(), "openhands: "))
	}
	return context.WithValue(ctx, callKey{}, &cc)
}

// methodKey carries the name of the SDK method a call began with, for the
// errors of input it refuses.
type methodKey struct{}

// sdkMethod names the SDK method ctx's call began with, or fallback.
func sdkMethod(ctx context.Context, fallback string) string {
	if m, ok := ctx.Value(methodKey{}).(string); ok {
		return m
	}
	return fallback
}

// validID is ValidateConversationID with the error naming the SDK method
// that was called.
func validID(ctx context.Context, id string) error {
	err := ValidateConversationID(id)
	var e *APIError
	if errors.As(err, &e) {
		e.Operation = sdkMethod(ctx, e.Operation)
	}
	return err
}

// callSettings returns the call settings in force for ctx: a call's own,
// or the Client's.
func (c *Client) callSettings(ctx context.Context) *callConfig {
	if cc, ok := ctx.Value(callKey{}).(*callConfig); ok {
		return cc
	}
	return &c.cfg.callConfig
}

// WithHeader adds a header to every request (given to New) or to the
// requests of one call. Credentials have their own options; a header given
// here is sent as is and is never logged.
func WithHeader(name, value string) Option {
	return func(c *config) error {
		if strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t\r\n:") || strings.ContainsAny(value, "\r\n") {
			return errors.New("openhands: WithHeader: invalid header " + quote(name))
		}
		if c.header == nil {
			c.header = http.Header{}
		}
		c.header.Add(name, value)
		return nil
	}
}

// WithResponseInto stores the last HTTP response of a call in *dst: its
// status and headers (a request id, the rate-limit headers). Its body has
// been read and closed by then. A call that sends several requests at once
// (Summary) stores whichever ends last. Given to New, every call stores into
// the same *dst, which suits a client used by one goroutine.
func WithResponseInto(dst **http.Response) Option {
	return func(c *config) error {
		if dst == nil {
			return errors.New("openhands: WithResponseInto(nil)")
		}
		c.respInto = &responseSink{dst: dst}
		return nil
	}
}

// responseSink is where WithResponseInto stores a response; a call may send
// requests concurrently (Summary), so the store is locked.
type responseSink struct {
	mu  sync.Mutex
	dst **http.Response
}

func (s *responseSink) store(resp *http.Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	*s.dst = resp
}

// callTransport refuses a call whose options failed and stores its last
// response; it sits above the retry layer.
type callTransport struct {
	next http.RoundTripper
	def  *callConfig // the Client's
}

func (t callTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cc, ok := req.Context().Value(callKey{}).(*callConfig)
	if !ok {
		cc = t.def
	}
	if cc.err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, cc.err
	}
	resp, err := t.next.RoundTrip(req)
	if cc.respInto != nil && resp != nil {
		cc.respInto.store(resp)
	}
	return resp, err
}
