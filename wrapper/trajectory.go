package wrapper

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
)

// GetTrajectory returns every non-hidden event of a conversation in the
// trajectory form (spec: getTrajectory), from the app host or, when that
// cannot serve it, the conversation's runtime host. The whole answer is
// decoded in memory; for a large conversation use DownloadTrajectory or
// ExportEvents.
//
// openhands-ai 0.62.0 and older serve the trajectory of a running
// conversation only: for a conversation that is not running they answer 404,
// as for one that does not exist, and the error (ErrNotFound) says so.
func (c *Client) GetTrajectory(ctx context.Context, id string, opts ...Option) (*api.Trajectory, error) {
	ctx = c.withCall(ctx, "GetTrajectory", opts)
	const op = api.OpGetTrajectory
	var out api.Trajectory
	if _, err := c.callConversation(ctx, op, id, &out, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetTrajectory(ctx, id)
	}); err != nil {
		return nil, trajectoryNotFound(err)
	}
	return &out, nil
}

// trajectoryHint is what a getTrajectory 404 adds to the server's message.
const trajectoryHint = "openhands-ai 0.62.0 and older serve the trajectory of a running conversation only: " +
	"if the conversation exists, start it, or read its events instead (ExportEvents; the CLI's `events ID --all`)"

// trajectoryNotFound adds trajectoryHint to a getTrajectory 404.
func trajectoryNotFound(err error) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound {
		if apiErr.Message == "" {
			apiErr.Message = trajectoryHint
		} else {
			apiErr.Message += " (" + trajectoryHint + ")"
		}
	}
	return err
}

type downloadConfig struct {
	progress func(written, total int64)
}

// WithProgress sets a function called as the download advances, with the
// bytes written so far and the total (the Content-Length, or -1 when the
// server did not send one). written never decreases, and the last call has
// the final size.
func WithProgress(fn func(written, total int64)) Option {
	return func(c *config) error { c.download.progress = fn; return nil }
}

// DownloadResult describes a finished download.
type DownloadResult struct {
	// Path is the file written.
	Path string
	// Bytes is its size.
	Bytes int64
	// SHA256 is the hex SHA-256 of its content.
	SHA256 string
	// Host is the host that served it: "app" or "runtime".
	Host string
}

// DefaultTrajectoryPath is the file DownloadTrajectory writes when given no
// path, in the working directory: trajectory_<id>.json, as the seed client.
func DefaultTrajectoryPath(id string) string { return "trajectory_" + id + ".json" }

// DownloadTrajectory saves a conversation's trajectory (spec:
// getTrajectory) to path (DefaultTrajectoryPath when empty) exactly as the
// server sent it, from the app host or, when that cannot serve it, the
// conversation's runtime host.
//
// The body streams to disk in constant memory whatever its size. It is
// written through a temporary file that replaces path only once the whole
// body has arrived and looks like a trajectory (one JSON object with a
// "trajectory" list and nothing after it): a failed, cut or cancelled
// download leaves no partial file, and any file already at path untouched.
// A 404 for a conversation that is not running is explained as in
// GetTrajectory.
func (c *Client) DownloadTrajectory(ctx context.Context, id, path string, opts ...Option) (*DownloadResult, error) {
	const op = api.OpGetTrajectory
	ctx = c.withCall(ctx, "DownloadTrajectory", opts)
	cfg := c.callSettings(ctx).download
	if path == "" {
		path = DefaultTrajectoryPath(id)
	}
	resp, host, err := c.onConversation(ctx, op, id, func(ctx context.Context, h *api.Client) (*http.Response, error) {
		return h.GetTrajectory(ctx, id)
	})
	if err != nil {
		return nil, trajectoryNotFound(err)
	}
	if !isJSON(mediaType(resp.Header)) {
		return nil, errorFromResponse(op, host, resp)
	}
	defer resp.Body.Close()

	shape := &trajectoryShape{}
	sum := sha256.New()
	progress := &progressWriter{total: resp.ContentLength, report: cfg.progress, reported: -1}
	err = atomicfile.Write(path, 0o644, func(file io.Writer) error {
		buf := make([]byte, 128<<10)
		if _, err := io.CopyBuffer(io.MultiWriter(shape, file, sum, progress), resp.Body, buf); err != nil {
			if shape.err != nil {
				return shapeError(op, host, resp, shape.err)
			}
			if e, ok := brokeLimit(op, host, resp, err); ok {
				return e
			}
			return fmt.Errorf("openhands: %s: downloading the trajectory: %w", op, err)
		}
		if err := shape.finish(); err != nil {
			return shapeError(op, host, resp, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	progress.final()
	return &DownloadResult{Path: path, Bytes: progress.written, SHA256: hexSum(sum), Host: host}, nil
}

func shapeError(op, host string, resp *http.Response, err error) error {
	return &APIError{Operation: op, Host: host, StatusCode: resp.StatusCode, ContentType: mediaType(resp.Header),
		Message: "not a trajectory: " + err.Error(), kinds: []error{ErrUnexpectedResponse}}
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// progressWriter counts bytes and reports them.
type progressWriter struct {
	written, total, reported int64
	report                   func(written, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.written += int64(len(b))
	p.final()
	return len(b), nil
}

// final reports the count unless it was reported already.
func (p *progressWriter) final() {
	if p.report != nil && p.reported != p.written {
		p.reported = p.written
		p.report(p.written, p.total)
	}
}
