package wrapper

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Default answer limits (see WithAnswerLimits).
const (
	// DefaultMaxAnswerBytes bounds a JSON answer the SDK decodes in memory:
	// 32 MiB, ten times a page of 100 large events; only GetTrajectory of
	// a very large conversation needs more (raise the bound, or use
	// DownloadTrajectory or ExportEvents: streams have no size bound).
	// Decoding takes about three times the answer's size at its peak.
	DefaultMaxAnswerBytes = 32 << 20
	// DefaultMaxInflation bounds how many times larger than its compressed
	// bytes a gzip-encoded answer may grow, decoded or streamed, once past
	// its first MiB. JSON compresses 5 to 20 times; a gzip bomb, 1000.
	DefaultMaxInflation = 200
	// DefaultRequestTimeout bounds one whole request, from sending it to
	// the last byte of its answer, whether or not bytes keep coming.
	DefaultRequestTimeout = 15 * time.Minute
)

// inflationFloor is how much a compressed answer may inflate before the
// ratio is checked: small answers compress far more than large ones.
const inflationFloor = 1 << 20

// AnswerLimits bound what one answer may cost. Zero fields take the defaults.
type AnswerLimits struct {
	// MaxBytes bounds a JSON answer decoded in memory (after
	// decompression; default DefaultMaxAnswerBytes). Downloads that stream
	// to a writer (DownloadTrajectory, ExportEvents, ZipWorkspace) are not
	// bounded by it.
	MaxBytes int64
	// MaxInflation bounds the decompressed size of a gzip-encoded answer
	// as a multiple of its compressed size (default DefaultMaxInflation).
	// It applies to streams too, when the SDK's transport is an
	// *http.Transport (the default): only then does it see both sizes.
	MaxInflation int
}

// WithAnswerLimits bounds the answers the SDK reads (see AnswerLimits): an
// answer past a bound fails with an error matching ErrUnexpectedResponse,
// so an endless body or a decompression bomb cannot exhaust memory.
func WithAnswerLimits(l AnswerLimits) Option {
	return func(c *config) error {
		if l.MaxBytes < 0 || l.MaxInflation < 0 {
			return errors.New("openhands: answer limits must not be negative")
		}
		if l.MaxBytes > 0 {
			c.limits.MaxBytes = l.MaxBytes
		}
		if l.MaxInflation > 0 {
			c.limits.MaxInflation = l.MaxInflation
		}
		return nil
	}
}

// WithRequestTimeout bounds one whole request, answer included (default
// DefaultRequestTimeout), whatever WithTimeout allows: a server that drips
// a byte a second is never silent long enough for the per-try timeout, and
// this bound ends it. Each retry gets the whole bound again. Zero disables it.
func WithRequestTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return errors.New("openhands: negative request timeout")
		}
		c.requestTimeout = d
		return nil
	}
}

func defaultLimits() AnswerLimits {
	return AnswerLimits{MaxBytes: DefaultMaxAnswerBytes, MaxInflation: DefaultMaxInflation}
}

// limitError is a bound an answer broke while being read.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// brokeLimit turns a read error that is a broken bound into the
// *APIError of the answer, matching ErrUnexpectedResponse; ok is false
// for any other error.
func brokeLimit(op, host string, resp *http.Response, err error) (_ *APIError, ok bool) {
	var limit *limitError
	if !errors.As(err, &limit) {
		return nil, false
	}
	return &APIError{Operation: op, Host: host, StatusCode: resp.StatusCode, ContentType: mediaType(resp.Header),
		Message: limit.msg, kinds: []error{ErrUnexpectedResponse}}, true
}

// cappedBody fails a read past left bytes.
type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func capBody(body io.ReadCloser, max int64) io.ReadCloser {
	if max <= 0 {
		return body
	}
	return &cappedBody{ReadCloser: body, left: max, max: max}
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly max bytes from a longer one.
		var one [1]byte
		if n, _ := b.ReadCloser.Read(one[:]); n == 0 {
			return b.ReadCloser.Read(p)
		}
		return 0, &limitError{fmt.Sprintf("the answer is larger than %d MiB, the bound of a decoded answer (AnswerLimits.MaxBytes)", b.max>>20)}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// gzipTransport does what http.Transport does by itself (ask for gzip and
// decompress the answer) with a bound on the inflation, which the
// transport cannot offer: it sees the compressed bytes only here. It only
// wraps an *http.Transport that would have decompressed by itself.
type gzipTransport struct {
	next         http.RoundTripper
	maxInflation int
}

// guardInflation puts gzipTransport over rt when rt is an *http.Transport
// that decompresses answers by itself; anything else (a recorder, a test
// double) is left as it is.
func guardInflation(rt http.RoundTripper, maxInflation int) http.RoundTripper {
	if t, ok := rt.(*http.Transport); ok && !t.DisableCompression && maxInflation > 0 {
		return &gzipTransport{next: rt, maxInflation: maxInflation}
	}
	return rt
}

func (t *gzipTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept-Encoding") != "" || req.Header.Get("Range") != "" || req.Method == http.MethodHead {
		return t.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.Header.Set("Accept-Encoding", "gzip")
	resp, err := t.next.RoundTrip(out)
	if err != nil || !strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		return resp, err
	}
	wire := &countingReader{r: resp.Body}
	resp.Body = &inflatingBody{wire: wire, closer: resp.Body, max: t.maxInflation}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// CloseIdleConnections closes the idle connections of the transport below.
func (t *gzipTransport) CloseIdleConnections() { closeIdle(t.next) }

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// inflatingBody decompresses lazily (the gzip header is read on the first
// Read, as http.Transport does) and fails once the output outgrows the
// input max times over.
type inflatingBody struct {
	wire   *countingReader
	closer io.Closer
	zr     *gzip.Reader
	out    int64
	max    int
	err    error
}

func (b *inflatingBody) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if b.zr == nil {
		zr, err := gzip.NewReader(b.wire)
		if err != nil {
			b.err = err
			return 0, err
		}
		b.zr = zr
	}
	n, err := b.zr.Read(p)
	b.out += int64(n)
	if b.out > inflationFloor && b.out > int64(b.max)*b.wire.n {
		b.err = &limitError{fmt.Sprintf("the gzip-encoded answer inflated more than %d times (%d bytes from %d): refusing a decompression bomb (AnswerLimits.MaxInflation)",
			b.max, b.out, b.wire.n)}
		return n, b.err
	}
	return n, err
}

func (b *inflatingBody) Close() error { return b.closer.Close() }
