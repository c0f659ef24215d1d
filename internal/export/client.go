package export

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"iter"

	"github.com/openhands-go/openhands-v0/api"
	"github.com/openhands-go/openhands-v0/internal/atomicfile"
	"github.com/openhands-go/openhands-v0/wrapper"
)

// FromClient returns the Source of a wrapper client: its V0 conversations,
// sub-conversations included (V1 ones are skipped), trajectories downloaded with DownloadTrajectory and
// events exported with ExportEvents, each from the app host or, when that
// cannot serve them, the conversation's runtime host.
func FromClient(c *wrapper.Client) Source { return clientSource{c: c} }

type clientSource struct{ c *wrapper.Client }

func (s clientSource) BaseURL() string { return s.c.BaseURL() }

func (s clientSource) Conversations(ctx context.Context) iter.Seq2[api.ConversationInfo, error] {
	return s.c.Conversations(ctx, wrapper.ListOptions{IncludeSubConversations: true})
}

func (s clientSource) EventCount(ctx context.Context, id string) (int, error) {
	return s.c.EventCount(ctx, id)
}

func (s clientSource) DownloadTrajectory(ctx context.Context, id, path string) (File, error) {
	res, err := s.c.DownloadTrajectory(ctx, id, path)
	if err != nil {
		return File{}, err
	}
	return File{Bytes: res.Bytes, SHA256: res.SHA256}, nil
}

func (s clientSource) ExportEvents(ctx context.Context, id, path string) (File, error) {
	h := sha256.New()
	var n int64
	err := atomicfile.Write(path, 0o644, func(f io.Writer) error {
		cw := &countingWriter{w: io.MultiWriter(f, h)}
		bw := bufio.NewWriterSize(cw, 256<<10)
		if _, err := s.c.ExportEvents(ctx, id, bw, wrapper.EventRange{}); err != nil {
			return err
		}
		err := bw.Flush()
		n = cw.n
		return err
	})
	if err != nil {
		return File{}, err
	}
	return File{Bytes: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}
