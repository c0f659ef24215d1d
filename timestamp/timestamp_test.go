package timestamp

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDecodeBothForms(t *testing.T) {
	for _, tc := range []struct {
		in    string
		want  time.Time
		naive bool
	}{
		{`"2025-11-28T10:14:03.001234Z"`, time.Date(2025, 11, 28, 10, 14, 3, 1234000, time.UTC), false},
		{`"2025-11-27T15:58:40.120000+00:00"`, time.Date(2025, 11, 27, 15, 58, 40, 120000000, time.UTC), false},
		{`"2025-11-27T17:58:40+02:00"`, time.Date(2025, 11, 27, 15, 58, 40, 0, time.UTC), false},
		{`"2025-11-28T10:14:05.482113"`, time.Date(2025, 11, 28, 10, 14, 5, 482113000, time.UTC), true},
		{`"2025-11-28T10:14:05"`, time.Date(2025, 11, 28, 10, 14, 5, 0, time.UTC), true},
		{`"2025-11-28 10:14:05.5"`, time.Date(2025, 11, 28, 10, 14, 5, 500000000, time.UTC), true},
	} {
		var ts Time
		if err := json.Unmarshal([]byte(tc.in), &ts); err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if !ts.Equal(tc.want) || ts.Naive() != tc.naive {
			t.Errorf("%s = %v naive %v, want %v naive %v", tc.in, ts.Time, ts.Naive(), tc.want, tc.naive)
		}
		out, err := json.Marshal(ts)
		if err != nil || string(out) != tc.in {
			t.Errorf("%s encodes back as %s (%v)", tc.in, out, err)
		}
	}
}

// What the server sent comes back byte for byte, whatever it was.
func TestRoundTripKeepsTheBytes(t *testing.T) {
	type doc struct {
		At   Time `json:"at"`
		Opt  Time `json:"opt,omitempty,omitzero"`
		Next int  `json:"next"`
	}
	for _, in := range []string{
		`{"at":"2025-11-28T10:14:03.001234Z","opt":"2025-11-28T10:14:05.482113","next":1}`,
		`{"at":"2025-11-28T10:14:03\u002b00:00","next":1}`, // an escaped +
		`{"at":"yesterday","opt":"","next":1}`,             // no known form: kept as text
		`{"at":"","next":1}`,
	} {
		var d doc
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		out, err := json.Marshal(d)
		if err != nil || string(out) != in {
			t.Errorf("%s re-encoded as %s (%v)", in, out, err)
		}
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"at":"yesterday","opt":null}`), &d); err != nil || !d.At.Time.IsZero() || d.At.Raw() != "yesterday" || !d.Opt.IsZero() {
		t.Errorf("odd text: %+v %v", d, err)
	}
	if err := json.Unmarshal([]byte(`{"at":12}`), &d); err == nil {
		t.Error("a number decoded as a timestamp")
	}
}

func TestNewParseAndIn(t *testing.T) {
	at := time.Date(2025, 11, 28, 11, 14, 3, 1234567, time.FixedZone("CET", 3600))
	ts := New(at)
	if b, _ := json.Marshal(ts); string(b) != `"2025-11-28T10:14:03.001234Z"` || ts.String() != "2025-11-28T10:14:03.001234Z" {
		t.Errorf("New encodes as %s, String %q", b, ts)
	}
	if b, _ := json.Marshal(Time{}); string(b) != `""` || !(Time{}).IsZero() {
		t.Errorf("the zero Time encodes as %s", b)
	}
	naive := MustParse("2025-11-28T10:14:05")
	berlin := time.FixedZone("Berlin", 3600)
	if got := naive.AssumeZone(berlin); got.Hour() != 10 || got.Location() != berlin || !got.Equal(time.Date(2025, 11, 28, 9, 14, 5, 0, time.UTC)) {
		t.Errorf("a naive time placed in Berlin: %v", got)
	}
	if got := naive.In(berlin); got.Hour() != 11 {
		t.Errorf("In converts a naive time read as UTC: %v", got)
	}
	zoned := MustParse("2025-11-28T10:14:05Z")
	if got := zoned.AssumeZone(berlin); !got.Equal(zoned.Time) {
		t.Errorf("a zoned time moved: %v", got)
	}
	if _, err := Parse("28/11/2025"); err == nil {
		t.Error("Parse accepted 28/11/2025")
	}
	var viaText Time
	if err := viaText.UnmarshalText([]byte("2025-11-28T10:14:05.5")); err != nil || !viaText.Naive() || viaText.String() != "2025-11-28T10:14:05.5" {
		t.Errorf("UnmarshalText: %v %v", viaText, err)
	}
	if err := viaText.UnmarshalText([]byte("soon")); err == nil {
		t.Error("UnmarshalText accepted soon")
	}
}
