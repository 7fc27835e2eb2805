// Package termsafe makes text from the inputs (file names from rc.conf
// directories and `.` lines, values) safe to print on a terminal: no raw
// control character reaches it, so a file named with ESC cannot recolour
// or rewrite the screen, and one named with a newline cannot forge a
// second line of output. It never changes text that is already safe.
package termsafe

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Path returns name as it is when every rune is printable (spaces
// included), else Go-quoted ("/etc/rc.conf.d/\x1b[31m"), as ls -b and
// strconv.Quote do, so the reader sees the bytes that are there.
func Path(name string) string {
	if safe(name) {
		return name
	}
	return strconv.Quote(name)
}

// Line escapes each control character and invalid byte of s (\n, \r, \x1b,
// ...) and leaves the rest: a message stays one line, readable as it was.
func Line(s string) string {
	if safe(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i]), 16))
		case unicode.IsPrint(r) || r == '\t':
			b.WriteRune(r)
		default:
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		}
	}
	return b.String()
}

func safe(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
