package clean

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "RUNNING ok", "RUNNING ok"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"screen clear", "a\x1b[2J\x1b[Hb", "ab"},
		{"osc title bel", "x\x1b]0;pwned\x07y", "xy"},
		{"osc hyperlink st", "\x1b]8;;https://evil.test\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"osc unterminated", "ok\x1b]0;title to the end", "ok"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d0;t\u009cb", "ab"},
		{"bel and newline", "a\x07b\nc\r\td", "a b c  d"},
		{"bidi override", "abc\u202edcb\u202c", "abcdcb"},
		{"bidi isolates", "\u2066x\u2067y\u2068z\u2069", "xyz"},
		{"zero width", "a\u200bb\u200dc\ufeffd\u2060e", "abcde"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"line separator", "a\u2028b", "a b"},
		{"lone esc", "a\x1b", "a"},
		{"esc then letter", "a\x1bcb", "ab"},
		{"csi cut by utf8", "a\x1b[1é", "aé"},
	} {
		if got := Line(tc.in); got != tc.want {
			t.Errorf("%s: Line(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestCode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"field", "`field`"},
		{"<img src=x onerror=alert(1)>", "`<img src=x onerror=alert(1)>`"},
		{"a`b", "``a`b``"},
		{"`x`", "`` `x` ``"},
		{"a|b", "`a\\|b`"},
		{"[x](javascript:alert(1))", "`[x](javascript:alert(1))`"},
	} {
		if got := Code(tc.in); got != tc.want {
			t.Errorf("Code(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzLine: whatever the input, the output is valid UTF-8 on one line
// with no control, bidi or zero-width character, and cleaning it again
// changes nothing.
func FuzzLine(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[31mred", "\x1b]0;t\x07", "\x1b]8;;u\x1b\\x", "\u202e\u2066\u200b", "\xff\xfe", "\u009b1m\u009d2\u009c", "\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Line(s)
		if !utf8.ValidString(out) {
			t.Fatalf("Line(%q) = %q: invalid UTF-8", s, out)
		}
		for _, r := range out {
			if control(r) || hidden(r) {
				t.Fatalf("Line(%q) = %q keeps %U", s, out, r)
			}
		}
		if again := Line(out); again != out {
			t.Fatalf("Line is not idempotent: %q then %q", out, again)
		}
		code := Code(s)
		if strings.ContainsAny(code, "\n\r\x1b") {
			t.Fatalf("Code(%q) = %q spans lines or escapes", s, code)
		}
	})
}
