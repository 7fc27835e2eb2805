package rcconf

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"mvdan.cc/sh/v3/syntax"
)

// checkText refuses binary content and invalid UTF-8, naming the line.
func checkText(logical string, data []byte) error {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return errAt(logical, lineAt(data, i), "binary data (NUL byte) is not a shell script")
	}
	if i := bytes.Index(data, []byte(crMark)); i >= 0 {
		return errAt(logical, lineAt(data, i), "character U+E00D (private use) is not expected in a shell script")
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return errAt(logical, lineAt(data, i), "invalid UTF-8")
	}
	return nil
}

func lineAt(data []byte, i int) syntax.Pos {
	line := 1 + bytes.Count(data[:i], []byte("\n"))
	return syntax.NewPos(uint(i), uint(line), 0)
}

// parse validates src as POSIX sh (refusing bash-only syntax), and parses
// it as bash for running: the interpreter only implements export, readonly
// and local for the bash variant. The bash parse comes first; the POSIX
// parse, which would refuse or accept the same bytes, runs only when the
// bash parse fails or its tree may hold bash-only syntax (bashOnly), so
// every refusal and its message are the POSIX parser's as before, for the
// cost of one parse of a clean file.
func parse(name string, src []byte) (*syntax.File, error) {
	if err := openersLimit(name, src); err != nil {
		return nil, err
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil || bashOnly(f, src) {
		if _, perr := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(bytes.NewReader(src), name); perr != nil {
			return nil, parseErr(name, src, perr)
		}
	}
	if err != nil {
		return nil, parseErr(name, src, err)
	}
	return f, depthLimit(name, f)
}

// Nesting. The parser descends once for every construct nested in
// another, at a few KiB of stack a level (measured: 200,000 nested ${a:-
// or { took 5 s and 525 MiB to parse; 200,000 nested ( in $(( )) ended
// the process with a stack overflow), and the checks after it walk the
// tree, some of them per word below each word. Both are bounded: before
// parsing, by what could nest at all (each level needs an opener of its
// own, whatever the quoting: a ( or { byte, a backquote, or a compound
// command's keyword), and after, by the depth of the tree.
const (
	maxOpeners   = 20_000 // openers in one file; defaults/rc.conf has about 400
	maxTreeDepth = 200    // syntax tree depth; real files stay under 40
)

// openersLimit refuses src when it holds more than maxOpeners openers,
// naming the line of the one past the limit. It looks at each word once,
// as a whole: a word is an opener only if it is one of the opener words.
func openersLimit(name string, src []byte) error {
	n := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '(' || c == '{' || c == '`':
			n++
		case isWordByte(c) && (i == 0 || !isWordByte(src[i-1])):
			j := i + 1
			for j < len(src) && isWordByte(src[j]) {
				j++
			}
			if openerWord(src[i:j]) {
				n++
			}
			i = j - 1
		}
		if n > maxOpeners {
			return errAt(name, lineAt(src, i), "limit: more than %d of ( { ` and compound commands in one file (nesting is bounded before parsing)", maxOpeners)
		}
	}
	return nil
}

// openerWord reports whether w starts a compound command (or its next
// branch, elif), each a level of nesting.
func openerWord(w []byte) bool {
	switch string(w) {
	case "if", "elif", "while", "until", "for", "case", "select", "function", "coproc", "time":
		return true
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// depthLimit refuses a tree deeper than maxTreeDepth, naming where.
func depthLimit(name string, f *syntax.File) error {
	depth := 0
	var deep syntax.Node
	walk(f, func(n syntax.Node) bool {
		if n == nil {
			depth--
			return true
		}
		if depth++; depth > maxTreeDepth {
			deep = n
			return false
		}
		return deep == nil
	})
	if deep != nil {
		return errAt(name, deep.Pos(), "limit: constructs nest deeper than %d levels", maxTreeDepth)
	}
	return nil
}

// parseErr keeps the parser's "name:line:col: text" on one line, with the
// name escaped. A quote left open to the end of the file is blamed where it
// opens: the parser reports whatever it tripped on inside the runaway
// string (a `$(` three lines on, the end of the file), which is not where
// the fix goes.
func parseErr(name string, src []byte, err error) error {
	var pe syntax.ParseError
	if pp, ok := err.(*syntax.ParseError); ok {
		pe, err = *pp, nil
	} else if p, ok := err.(syntax.ParseError); ok {
		pe, err = p, nil
	}
	if err != nil {
		// A LangError: "name:line:col: text".
		if rest, ok := strings.CutPrefix(err.Error(), name+":"); ok {
			return sysexits.Errorf(sysexits.DataErr, "%s:%s", termsafe.Path(name), termsafe.Line(rest))
		}
		return errAt(name, syntax.Pos{}, "%s", err)
	}
	q, at, ok := unclosedQuote(src)
	if ok && at.Offset() <= pe.Pos.Offset() && at.Line() < pe.Pos.Line() {
		return errAt(name, at, "quote `%c` opened here is never closed (the parser read on to line %d: %s)", q, pe.Pos.Line(), pe.Text)
	}
	// `a="x` then `b="y"`: the string opened on a's line closes at b's
	// first quote, and b's last quote is the one left open at EOF. The
	// line to fix is where the string that ends there opened.
	if opened := spanEndingAt(src, at); ok && at.Offset() == pe.Pos.Offset() && opened > 0 {
		return errAt(name, pe.Pos, "%s; the quoted string opened on line %d runs on to this line: is its closing quote missing on line %d?", pe.Text, opened, opened)
	}
	return errAt(name, pe.Pos, "%s", pe.Text)
}

// spanEndingAt returns the line where a quoted string opened that runs
// into the line of at (so closes on it, before at); 0 if none does.
func spanEndingAt(src []byte, at syntax.Pos) int {
	start := bytes.LastIndexByte(src[:at.Offset()], '\n') + 1
	if _, open, ok := unclosedQuote(src[:start]); ok {
		return int(open.Line())
	}
	return 0
}

// unclosedQuote finds a ' or " still open at the end of src, and where it
// opened: a simple scan of sh's quoting (backslash escapes outside single
// quotes, # comments at the start of a word), enough for rc.conf.
func unclosedQuote(src []byte) (byte, syntax.Pos, bool) {
	var open byte
	at := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case open == '\'':
			if c == '\'' {
				open = 0
			}
		case open == '"':
			if c == '\\' {
				i++
			} else if c == '"' {
				open = 0
			}
		case c == '\\':
			i++
		case c == '#' && (i == 0 || strings.IndexByte(" \t\n;&|()", src[i-1]) >= 0):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			open, at = c, i
		}
	}
	if open == 0 {
		return 0, syntax.Pos{}, false
	}
	line := 1 + bytes.Count(src[:at], []byte("\n"))
	col := at - bytes.LastIndexByte(src[:at], '\n')
	return open, syntax.NewPos(uint(at), uint(line), uint(col)), true
}
