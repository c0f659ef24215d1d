// Package clean makes text a server sent safe to print: on a terminal (no
// escape sequence, no control character, no bidi or zero-width trick) and
// in a Markdown report (no HTML, link or image). It is the one cleaner of
// every server string the SDK's errors and the command print.
package clean

import (
	"strings"
	"unicode/utf8"
)

const (
	esc = 0x1b
	bel = 0x07
	csi = 0x9b // C1 control sequence introducer
	osc = 0x9d // C1 operating system command
	st  = 0x9c // C1 string terminator
	dcs = 0x90 // C1 device control string
	pm  = 0x9e // C1 privacy message
	apc = 0x9f // C1 application program command
)

// Line returns s as one line that cannot drive a terminal or mislead its
// reader: escape sequences (CSI, OSC with its payload: window titles,
// hyperlinks; DCS, PM, APC) are removed whole; every other C0 or C1
// control, DEL, and the line and paragraph separators become a space; bidi
// embeddings, overrides, isolates and marks (U+202A-202E, U+2066-2069,
// U+200E, U+200F, U+061C) and zero-width characters (U+200B-200D, U+2060,
// U+FEFF, U+180E) are removed; invalid UTF-8 becomes U+FFFD.
func Line(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		switch {
		case r == esc:
			i = skipEscape(s, i+size)
			continue
		case r == csi:
			i = skipCSI(s, i+size)
			continue
		case r == osc || r == dcs || r == pm || r == apc:
			i = skipString(s, i+size)
			continue
		case hidden(r):
		case control(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// safe reports whether s needs no cleaning (the common case costs no copy).
func safe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || control(r) || hidden(r) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// control: C0, DEL, C1, and the Unicode line and paragraph separators.
func control(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// hidden: bidi controls and zero-width characters, removed outright.
func hidden(r rune) bool {
	switch {
	case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
		return true
	case r == '\u200e', r == '\u200f', r == '\u061c':
		return true
	case r >= '\u200b' && r <= '\u200d', r == '\u2060', r == '\ufeff', r == '\u180e':
		return true
	}
	return false
}

// skipEscape skips what follows an ESC at s[i:]: a CSI or a string
// sequence whole, else one character.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '[':
		return skipCSI(s, i+1)
	case ']', 'P', '^', '_', 'X':
		return skipString(s, i+1)
	}
	_, size := utf8.DecodeRuneInString(s[i:])
	return i + size
}

// skipCSI skips parameter (0x30-0x3f) and intermediate (0x20-0x2f) bytes
// and the final byte (0x40-0x7e). Any other byte ends the sequence
// unconsumed, to be cleaned on its own.
func skipCSI(s string, i int) int {
	for i < len(s) {
		c := s[i]
		switch {
		case c >= 0x20 && c <= 0x3f:
			i++
		case c >= 0x40 && c <= 0x7e:
			return i + 1
		default:
			return i
		}
	}
	return i
}

// skipString skips an OSC/DCS/PM/APC payload up to its terminator (BEL,
// ESC \ or ST), or to the end of s when it has none.
func skipString(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == bel, r == st:
			return i + size
		case r == esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i + 1
		}
		i += size
	}
	return i
}

// Code returns s as a Markdown code span, cleaned by Line: whatever it
// holds (HTML, a link, an image, emphasis) renders as the literal text. In a
// table cell a '|' is escaped, which GitHub's tables require even in code.
func Code(s string) string {
	s = strings.ReplaceAll(Line(s), "|", `\|`)
	run, longest := 0, 0
	for _, c := range s {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}
