// Package tomlpos reads a TOML document into plain values and says on which
// line any key was set, so that callers can reject bad input with one
// "FILE:LINE: key: what" error. BurntSushi/toml keeps key positions private;
// this package recovers them through the library's own parser (see Line), so
// the lines are exactly the ones the parser saw. It never writes TOML.
package tomlpos

import (
	"errors"
	"fmt"
	"math"

	"github.com/BurntSushi/toml"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Doc is a parsed TOML document.
type Doc struct {
	name string // the file name errors are reported against
	code int    // the exit code every error about this document carries
	data string
}

// Parse parses data and returns its root table. A syntax error (including a
// duplicate key) is reported as "name:line:col: message" with code.
func Parse(name string, data []byte, code int) (*Doc, Table, error) {
	d := &Doc{name: name, code: code, data: string(data)}
	var root map[string]any
	if _, err := toml.Decode(d.data, &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Table{}, sysexits.Errorf(code, "%s:%d:%d: %s",
				name, pe.Position.Line, pe.Position.Col, pe.Message)
		}
		return nil, Table{}, sysexits.Errorf(code, "%s: %v", name, err)
	}
	return d, Table{doc: d, m: root}, nil
}

// Errorf reports a problem with the value at key as "name:line: key: msg".
// Without a known line (which the parser always provides for keys that are
// set) it falls back to "name: key: msg" rather than inventing one.
func (d *Doc) Errorf(key []string, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line := d.Line(key...); line > 0 {
		return sysexits.Errorf(d.code, "%s:%d: %s: %s", d.name, line, toml.Key(key), msg)
	}
	return sysexits.Errorf(d.code, "%s: %s: %s", d.name, toml.Key(key), msg)
}

// errProbe is what probe returns so that the decoder reports a position.
var errProbe = errors.New("position probe")

// probe makes the decoder fail on purpose at one key: BurntSushi/toml then
// returns a ParseError positioned at that key (MetaData.parseErr), which is
// the only public way to learn where a key is.
type probe struct{}

func (probe) UnmarshalTOML(any) error { return errProbe }

// Line is the line on which key was set: the line of its value for
// "key = value", of the header for "[table]". An implicit table ("a" in
// "a.b = 1" or "[a.b]") takes the first line of its contents. 0 if the key
// does not exist. Errors are rare, so this re-decodes the document each time.
func (d *Doc) Line(key ...string) int {
	var root map[string]toml.Primitive
	md, err := toml.Decode(d.data, &root)
	if err != nil || len(key) == 0 {
		return 0
	}
	return lineIn(&md, root, key)
}

func lineIn(md *toml.MetaData, m map[string]toml.Primitive, key []string) int {
	p, ok := m[key[0]]
	if !ok {
		return 0
	}
	if len(key) > 1 {
		var sub map[string]toml.Primitive
		if md.PrimitiveDecode(p, &sub) == nil {
			if line := lineIn(md, sub, key[1:]); line > 0 {
				return line
			}
		}
	}
	return primLine(md, p)
}

// primLine is the line of one value, or the first line inside an implicit
// table (which the parser records no position for).
func primLine(md *toml.MetaData, p toml.Primitive) int {
	var pe toml.ParseError
	if err := md.PrimitiveDecode(p, probe{}); errors.As(err, &pe) && pe.Position.Line > 0 {
		return pe.Position.Line
	}
	var sub map[string]toml.Primitive
	if md.PrimitiveDecode(p, &sub) != nil {
		return 0
	}
	first := math.MaxInt
	for _, c := range sub {
		if line := primLine(md, c); line > 0 && line < first {
			first = line
		}
	}
	if first == math.MaxInt {
		return 0
	}
	return first
}
