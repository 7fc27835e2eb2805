package tomlpos

import (
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Limits checked by scan before the decoder sees a document. BurntSushi/toml
// copies the key path of every level into the next one, so its time and
// memory grow with the square of the nesting (10,000 nested "{a=", 40 KB:
// 29 s and 5 GB) and with the number of keys times their depth squared
// (10,000 keys 32 deep, 720 KB: 4 s). Snapshots and policies hold a few
// dozen keys three deep; keys and strings are interface names (IFNAMSIZ is
// 16), MAC addresses and mode words. So the limits are far above any real
// file and keep the worst one under a second.
const (
	MaxSize     = 1 << 20 // bytes in the document
	MaxDepth    = 32      // tables, arrays and dotted-key parts a value is nested in
	MaxKeys     = 1024    // keys set plus [table] headers
	MaxElements = 4096    // array elements, all arrays together
	MaxKey      = 128     // bytes in one key part, quotes included; errors quote keys
	MaxString   = 1024    // bytes in one string, quotes included; errors quote values
)

// mode is what scan expects next.
type mode int

const (
	keyStart mode = iota // start of a top-level line: a key or a [header]
	inKey                // a key, up to "="
	inHeader             // a [header] or [[header]], up to "]"
	inValue              // a value, up to "," or a newline at top level
)

// level is one open inline table or array.
type level struct {
	table bool // "{" rather than "["
	depth int  // nesting of the container itself
}

// scanner checks the limits in one pass. It follows TOML only as far as
// the limits need (strings, comments, brackets, keys) and never fails on bad
// syntax: the decoder reports that, with its position.
type scanner struct {
	name   string
	code   int
	data   []byte
	i      int
	line   int
	mode   mode
	base   int // depth of the current [header] table
	parts  int // parts of the key being read
	part   int // bytes of the key part being read
	depth  int // depth of the value being read
	keys   int // keys and headers so far
	elems  int // array elements so far
	levels []level
}

// scan returns the first limit data exceeds, as "name:line: what (limit:
// ...)" with code, or nil.
func scan(name string, data []byte, code int) error {
	if len(data) > MaxSize {
		return sysexits.Errorf(code, "%s: %d bytes (limit: documents larger than %d bytes)", name, len(data), MaxSize)
	}
	s := &scanner{name: name, code: code, data: data, line: 1}
	for s.i < len(s.data) {
		if err := s.step(); err != nil {
			return err
		}
	}
	return nil
}

func (s *scanner) errorf(what, limit string, n int) error {
	return sysexits.Errorf(s.code, "%s:%d: %s (limit: %s)", s.name, s.line, what, fmt.Sprintf(limit, n))
}

// step consumes one byte, or one whole string or comment.
func (s *scanner) step() error {
	c := s.data[s.i]
	switch {
	case c == '"' || c == '\'':
		return s.str()
	case c == '#':
		for s.i < len(s.data) && s.data[s.i] != '\n' {
			s.i++
		}
		return nil
	case c == '\n':
		s.line++
		if len(s.levels) == 0 {
			s.mode = keyStart
		}
	case s.mode == inValue:
		return s.value(c)
	default:
		return s.key(c)
	}
	s.i++
	return nil
}

// key handles one byte of a key or header outside quotes.
func (s *scanner) key(c byte) error {
	switch {
	case c == '[' && s.mode == keyStart:
		s.mode, s.parts, s.part = inHeader, 0, 0
		if s.i+1 < len(s.data) && s.data[s.i+1] == '[' {
			s.i++
		}
	case c == ']' && s.mode == inHeader:
		if err := s.countKey(); err != nil {
			return err
		}
		s.base = s.parts
		s.mode = inValue // the rest of the line: a comment or nothing
		if s.i+1 < len(s.data) && s.data[s.i+1] == ']' {
			s.i++
		}
	case c == '.':
		s.part = 0
	case c == '=' && s.mode != inHeader:
		if err := s.countKey(); err != nil {
			return err
		}
		s.mode, s.depth = inValue, s.outer()+s.parts
	case c == '}' && len(s.levels) > 0: // "{}" or "{ a = 1, }"
		s.pop()
	case isBare(c):
		if s.mode == keyStart {
			s.mode, s.parts, s.part = inKey, 0, 0
		}
		if err := s.keyBytes(1); err != nil {
			return err
		}
	}
	s.i++
	return nil
}

// keyBytes counts n bytes of a key part, and the part itself if they are its
// first (a"b" is bad syntax, which the decoder reports; one part here).
func (s *scanner) keyBytes(n int) error {
	if s.part == 0 {
		s.parts++
		if s.outer()+s.parts > MaxDepth {
			return s.errorf("nested too deep", "nesting deeper than %d", MaxDepth)
		}
	}
	s.part += n
	if s.part > MaxKey {
		return s.errorf("key too long", "keys longer than %d bytes", MaxKey)
	}
	return nil
}

func (s *scanner) countKey() error {
	if s.keys++; s.keys > MaxKeys {
		return s.errorf("too many keys", "more than %d keys and tables", MaxKeys)
	}
	return nil
}

// outer is the depth of the table the current key is set in.
func (s *scanner) outer() int {
	if s.mode == inHeader {
		return 0
	}
	if n := len(s.levels); n > 0 {
		return s.levels[n-1].depth
	}
	return s.base
}

// value handles one byte of a value outside strings.
func (s *scanner) value(c byte) error {
	switch c {
	case '{', '[':
		if s.depth > MaxDepth {
			return s.errorf("nested too deep", "nesting deeper than %d", MaxDepth)
		}
		s.levels = append(s.levels, level{table: c == '{', depth: s.depth})
		if err := s.next(); err != nil {
			return err
		}
	case '}', ']':
		s.pop()
	case ',':
		if err := s.next(); err != nil {
			return err
		}
	}
	s.i++
	return nil
}

// next sets up for what follows an opening bracket or a comma: a key in an
// inline table, an element in an array (counted even if "]" follows).
func (s *scanner) next() error {
	n := len(s.levels)
	if n == 0 {
		return nil
	}
	l := s.levels[n-1]
	if l.table {
		s.mode, s.parts, s.part = inKey, 0, 0
		return nil
	}
	s.mode, s.depth = inValue, l.depth+1
	if s.elems++; s.elems > MaxElements {
		return s.errorf("too many array elements", "more than %d array elements", MaxElements)
	}
	return nil
}

// pop closes the innermost bracket; a value follows (a comma or the end).
func (s *scanner) pop() {
	if n := len(s.levels); n > 0 {
		s.levels = s.levels[:n-1]
	}
	s.mode = inValue
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// str consumes a string starting at s.i: "basic", 'literal', or their
// """multi-line""" forms. An unterminated one ends at the newline (or, for
// multi-line ones, at the end of the data); the decoder reports it.
func (s *scanner) str() error {
	q := s.data[s.i]
	start, line := s.i, s.line
	multi := s.i+2 < len(s.data) && s.data[s.i+1] == q && s.data[s.i+2] == q
	if multi {
		s.i += 3
		s.multiEnd(q)
	} else {
		s.i++
		s.lineEnd(q)
	}
	n, end := s.i-start, s.line
	s.line = line // errors name the line the string starts on
	if err := s.strLimit(n); err != nil {
		return err
	}
	s.line = end
	return nil
}

// strLimit checks a string of n bytes, quotes included: a value, or a part
// of the key being read.
func (s *scanner) strLimit(n int) error {
	if s.mode == inValue {
		if n > MaxString {
			return s.errorf("string too long", "strings longer than %d bytes", MaxString)
		}
		return nil
	}
	if s.mode == keyStart {
		s.mode, s.parts, s.part = inKey, 0, 0
	}
	return s.keyBytes(n)
}

// lineEnd moves past the closing quote q of a one-line string.
func (s *scanner) lineEnd(q byte) {
	for s.i < len(s.data) {
		switch c := s.data[s.i]; {
		case c == '\n':
			return
		case c == q:
			s.i++
			return
		case c == '\\' && q == '"' && s.i+1 < len(s.data) && s.data[s.i+1] != '\n':
			s.i++
		}
		s.i++
	}
}

// multiEnd moves past the closing qqq (and up to two more q, which belong
// to the content) of a multi-line string.
func (s *scanner) multiEnd(q byte) {
	for s.i < len(s.data) {
		c := s.data[s.i]
		switch {
		case c == '\n':
			s.line++
		case c == '\\' && q == '"':
			s.i++
			if s.i < len(s.data) && s.data[s.i] == '\n' {
				s.line++
			}
		case c == q && s.i+2 < len(s.data) && s.data[s.i+1] == q && s.data[s.i+2] == q:
			s.i += 3
			for k := 0; k < 2 && s.i < len(s.data) && s.data[s.i] == q; k++ {
				s.i++
			}
			return
		}
		s.i++
	}
}
