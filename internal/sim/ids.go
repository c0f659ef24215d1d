package sim

import (
	"github.com/openhands-go/openhands-v0/timestamp"

	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// digest derives 32 bytes from the salt and parts; the simulator's only
// source of "randomness".
func digest(salt string, parts ...string) [32]byte {
	return sha256.Sum256([]byte(salt + "\x00" + strings.Join(parts, "\x00")))
}

// hexID derives n hex digits (n <= 64) from the salt and parts.
func hexID(salt string, n int, parts ...string) string {
	d := digest(salt, parts...)
	return hex.EncodeToString(d[:])[:n]
}

// keyFrom derives a url-safe base64 key without padding, the shape of the
// docker-nested runtime's session keys.
func keyFrom(salt string, parts ...string) string {
	d := digest(salt, parts...)
	return base64.RawURLEncoding.EncodeToString(d[:])
}

// numberFrom derives a number in [0, n) from the salt and parts.
func numberFrom(salt string, n int, parts ...string) int {
	d := digest(salt, parts...)
	var v uint64
	for _, b := range d[:8] {
		v = v<<8 | uint64(b)
	}
	return int(v % uint64(n))
}

// base62 derives an alphanumeric string of length n, the shape of LLM tool
// call ids.
func base62(salt string, n int, parts ...string) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	d := digest(salt, parts...)
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[int(d[i%len(d)]+byte(i/len(d)))%len(alphabet)]
	}
	return string(out)
}

// uuidFrom derives a canonical 8-4-4-4-12 UUID string.
func uuidFrom(salt string, parts ...string) string {
	h := hexID(salt, 32, parts...)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }

// isoNaive formats t the way Python's datetime.isoformat() formats a naive
// datetime: no zone, microseconds only when non-zero. Event timestamps look so.
func isoNaive(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05")
	}
	return t.Format("2006-01-02T15:04:05.000000")
}

// isoUTC formats t the way pydantic serialises an aware UTC datetime:
// microseconds when non-zero, and a Z.
func isoUTC(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

// stamp is a timestamp as the server writes it: the given text, kept.
func stamp(text string) timestamp.Time {
	t, _ := timestamp.Parse(text)
	return t
}
