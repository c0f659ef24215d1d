package wrapper

import (
	"bytes"
	"errors"
	"fmt"
)

// trajectoryKey is the key a getTrajectory answer holds its events under.
const trajectoryKey = "trajectory"

// trajectoryShape checks, as a body streams through it, that the body is one
// JSON object with a "trajectory" key whose value is a list, and nothing
// after that object. It keeps a few counters, never the document, so it
// costs no memory whatever the size. It checks structure (strings, nesting,
// the top-level keys), not the full JSON grammar: enough to tell a
// trajectory from an HTML page, another JSON answer or a cut-off body.
type trajectoryShape struct {
	started   bool // the first non-space byte was seen
	done      bool // the top-level object closed
	depth     int
	inString  bool
	escaped   bool
	expectKey bool // at depth 1, the next string is a key
	isKey     bool // the current string is a top-level key
	keyPos    int  // how much of trajectoryKey the key matched so far (-1: no match)
	want      wantState
	found     bool
	offset    int64
	err       error
}

type wantState int

const (
	wantNothing wantState = iota
	wantColon             // after the "trajectory" key
	wantList              // after its colon
)

var errShapeEmpty = errors.New("the body is empty")

// Write checks p; it fails at the first byte that cannot belong to a trajectory.
func (s *trajectoryShape) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	for i := 0; i < len(p); i++ {
		if s.inString && !s.escaped && !s.isKey {
			// Inside a value string only a quote or a backslash matters:
			// jump to the next one (most of a trajectory is string text).
			j := stringEnd(p[i:])
			if j < 0 {
				break
			}
			i += j
		}
		if err := s.step(p[i]); err != nil {
			s.err = fmt.Errorf("byte %d: %w", s.offset+int64(i), err)
			return i, s.err
		}
	}
	s.offset += int64(len(p))
	return len(p), nil
}

// stringEnd is the index of the first quote or backslash in p, or -1.
func stringEnd(p []byte) int {
	q := bytes.IndexByte(p, '"')
	if q < 0 {
		q = len(p)
	}
	if b := bytes.IndexByte(p[:q], '\\'); b >= 0 {
		return b
	}
	if q == len(p) {
		return -1
	}
	return q
}

func (s *trajectoryShape) step(b byte) error {
	if s.inString {
		s.stringByte(b)
		return nil
	}
	if b == ' ' || b == '\t' || b == '\n' || b == '\r' {
		return nil
	}
	switch {
	case s.done:
		return fmt.Errorf("data after the JSON object: %q", b)
	case !s.started:
		if b != '{' {
			return fmt.Errorf("the body does not start with a JSON object but %q", b)
		}
		s.started, s.depth, s.expectKey = true, 1, true
		return nil
	case s.want == wantList:
		if b != '[' {
			return fmt.Errorf("%q is not a list", trajectoryKey)
		}
		s.want, s.found = wantNothing, true
	}
	switch b {
	case '"':
		s.inString = true
		s.isKey = s.depth == 1 && s.expectKey
		s.keyPos = 0
	case ':':
		if s.depth == 1 {
			s.expectKey = false
			if s.want == wantColon {
				s.want = wantList
			}
		}
	case ',':
		if s.depth == 1 {
			s.expectKey = true
		}
	case '{', '[':
		s.depth++
	case '}', ']':
		s.depth--
		if s.depth == 0 {
			s.done = true
		}
	}
	return nil
}

// stringByte advances through a string, matching a top-level key against
// trajectoryKey (an escaped key never matches; the server escapes none).
func (s *trajectoryShape) stringByte(b byte) {
	switch {
	case s.escaped:
		s.escaped = false
		return
	case b == '\\':
		s.escaped = true
		s.keyPos = -1
		return
	case b == '"':
		s.inString = false
		if s.isKey && s.keyPos == len(trajectoryKey) {
			s.want = wantColon
		}
		return
	}
	if s.isKey && s.keyPos >= 0 {
		if s.keyPos < len(trajectoryKey) && b == trajectoryKey[s.keyPos] {
			s.keyPos++
		} else {
			s.keyPos = -1
		}
	}
}

// finish reports whether the whole body was a trajectory.
func (s *trajectoryShape) finish() error {
	switch {
	case s.err != nil:
		return s.err
	case !s.started:
		return errShapeEmpty
	case !s.done:
		return fmt.Errorf("the body ended after %d bytes, inside the JSON object (cut off?)", s.offset)
	case !s.found:
		return fmt.Errorf("the JSON object has no %q list", trajectoryKey)
	}
	return nil
}
