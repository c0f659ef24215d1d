// Package timestamp is the type of every timestamp the OpenHands V0 API
// sends: a time.Time that also keeps the server's own text, so that a value
// decoded and encoded again gives back the same bytes.
//
// The server writes two forms. A zoned one, with "Z" or an offset
// ("2025-11-28T10:14:03.001234Z", "2025-11-27T15:58:40.120000+00:00"), names
// an instant. A naive one, without a zone ("2025-11-28T10:14:05.482113":
// Python's datetime.now().isoformat(), every event's timestamp and some
// conversations' last_updated_at), is the wall clock of the server's host,
// whose zone the API never says: it decodes as that wall-clock reading in
// UTC, and Naive reports it, so that a caller who knows the server's zone can
// place it with AssumeZone. On the hosted service and in the usual container the
// host runs on UTC, so the reading is right as it is.
package timestamp

import (
	"encoding/json"
	"strings"
	"time"
)

// Time is a timestamp from the server. The embedded time.Time is the parsed
// value (zero when the text is empty or in no known form); the server's text
// is kept and written back unchanged by MarshalJSON.
type Time struct {
	time.Time
	raw   string // the JSON string token exactly as received, quotes included; "" when made by New
	naive bool
}

// Layouts the server writes: with a zone (RFC 3339, any fraction) and
// without one (Python's isoformat: seconds, optional fraction).
const (
	zonedLayout = time.RFC3339Nano
	naiveLayout = "2006-01-02T15:04:05.999999999"
)

// New returns t as a zoned timestamp in UTC, written with microseconds as
// the server writes them ("2025-11-28T10:14:03.001234Z").
func New(t time.Time) Time {
	return Time{Time: t.UTC()}
}

// Parse reads a timestamp in either form. Text in no known form is an
// error; the returned Time keeps the text all the same.
func Parse(s string) (Time, error) {
	out := Time{raw: quote(s)}
	var err error
	if out.Time, out.naive, err = parse(s); err != nil {
		return out, err
	}
	return out, nil
}

func parse(s string) (time.Time, bool, error) {
	if t, err := time.Parse(zonedLayout, s); err == nil {
		return t, false, nil
	}
	s2 := strings.Replace(s, " ", "T", 1) // str(datetime) uses a space
	if t, err := time.Parse(zonedLayout, s2); err == nil {
		return t, false, nil
	}
	t, err := time.ParseInLocation(naiveLayout, s2, time.UTC)
	if err != nil {
		return time.Time{}, false, &time.ParseError{Layout: zonedLayout + " or " + naiveLayout, Value: s, Message: ": not an ISO-8601 timestamp"}
	}
	return t, true, nil
}

// Naive reports whether the server wrote the time without a zone: the
// server host's wall clock, read as UTC (see the package documentation and
// AssumeZone).
func (t Time) Naive() bool { return t.naive }

// AssumeZone returns a naive time as the same wall-clock reading in loc
// (the server's zone, when the caller knows it); a zoned time names an
// instant already and is returned as is. (In, from time.Time, converts as
// usual: a naive time counts as UTC there.)
func (t Time) AssumeZone(loc *time.Location) time.Time {
	if !t.naive {
		return t.Time
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, t.Nanosecond(), loc)
}

// Raw returns the server's text ("" for a Time made by New or the zero Time).
func (t Time) Raw() string {
	if t.raw == "" {
		return ""
	}
	var s string
	_ = json.Unmarshal([]byte(t.raw), &s)
	return s
}

// IsZero reports whether t holds neither a time nor any text, so that an
// absent optional timestamp stays absent when encoded (omitzero).
func (t Time) IsZero() bool { return t.raw == "" && t.Time.IsZero() }

// String returns the server's text, or for a Time made by New the zoned
// form.
func (t Time) String() string {
	if t.raw != "" {
		return t.Raw()
	}
	if t.Time.IsZero() {
		return ""
	}
	return t.format()
}

func (t Time) format() string {
	return t.Time.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

// MarshalJSON writes the server's text exactly as it came, or for a Time
// made by New the zoned form with microseconds.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.raw != "" {
		return []byte(t.raw), nil
	}
	if t.Time.IsZero() {
		return []byte(`""`), nil
	}
	return []byte(quote(t.format())), nil
}

// UnmarshalJSON reads a JSON string in either form and keeps its bytes. A
// string in no known form is kept as text with a zero time rather than
// failing the whole answer; null leaves t zero.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Time{raw: string(b)}
	if s == "" {
		return nil
	}
	t.Time, t.naive, _ = parse(s)
	return nil
}

// MarshalText and UnmarshalText let a Time be a map key or a flag value.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads either form; unlike UnmarshalJSON it refuses text in
// no known form.
func (t *Time) UnmarshalText(b []byte) error {
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// MustParse is Parse for text known to be good (tests, fixtures); it panics
// on text in no known form.
func MustParse(s string) Time {
	t, err := Parse(s)
	if err != nil {
		panic("timestamp: " + err.Error())
	}
	return t
}
