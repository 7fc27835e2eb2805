// Package tomlpos reads a TOML document into plain values and says on which
// line any key was set, so that callers can reject bad input with one
// "FILE:LINE: key: what" error. BurntSushi/toml keeps key positions private;
// this package recovers them through the library's own parser (see Line), so
// the lines are exactly the ones the parser saw. It never writes TOML.
package tomlpos

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Doc is a parsed TOML document.
type Doc struct {
	name string // the file name errors are reported against
	code int    // the exit code every error about this document carries
	data string
	// positions decodes the document once more, keeping each value's
	// position, the first time a line is asked for.
	positions func() *positions
}

// Parse parses data and returns its root table. A syntax error (including a
// duplicate key) is reported as "name:line:col: message" with code, a
// document over the limits (MaxSize, MaxDepth, MaxKey, MaxString) as
// "name:line: what (limit: ...)", before the decoder sees it.
func Parse(name string, data []byte, code int) (*Doc, Table, error) {
	if err := scan(name, data, code); err != nil {
		return nil, Table{}, err
	}
	d := &Doc{name: name, code: code, data: string(data)}
	d.positions = sync.OnceValue(d.decodePositions)
	var root map[string]any
	if _, err := toml.Decode(d.data, &root); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, Table{}, sysexits.Errorf(code, "%s:%d:%d: %s",
				name, pe.Position.Line, pe.Position.Col, oneLine(pe.Message))
		}
		return nil, Table{}, sysexits.Errorf(code, "%s: %s", name, oneLine(err.Error()))
	}
	return d, Table{doc: d, m: root}, nil
}

// Errorf reports a problem with the value at key as "name:line: key: msg".
// Without a known line (which the parser always provides for keys that are
// set) it falls back to "name: key: msg" rather than inventing one.
func (d *Doc) Errorf(key []string, format string, args ...any) error {
	msg := oneLine(fmt.Sprintf(format, args...))
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
// "a.b = 1" or "[a.b]") takes the line of its first key in the document. A
// missing key takes the line of its nearest existing parent; 0 if there is
// none. The first call decodes the document again (errors are rare); every
// call then costs a few probes, each a copy of the document made by the
// library, so callers ask for one line per error, not one per key.
func (d *Doc) Line(key ...string) int {
	pos := d.positions()
	if pos == nil {
		return 0
	}
	n, p := pos.deepest(key)
	if n == 0 {
		return 0
	}
	if line := pos.md.probeLine(p); line > 0 {
		return line
	}
	first := pos.first(key[:n], nil)
	if first == nil {
		return 0
	}
	_, p = pos.deepest(first)
	return pos.md.probeLine(p)
}

// positions is the document decoded with every value kept as a
// toml.Primitive, which is what a position probe needs.
type positions struct {
	md   *metaData
	root map[string]toml.Primitive
}

// metaData adds the position probe to the decoder's MetaData.
type metaData struct{ toml.MetaData }

func (d *Doc) decodePositions() *positions {
	var root map[string]toml.Primitive
	md, err := toml.Decode(d.data, &root)
	if err != nil {
		return nil
	}
	return &positions{md: &metaData{md}, root: root}
}

// deepest returns how many leading parts of key exist, and the value of
// the last of them.
func (pos *positions) deepest(key []string) (int, toml.Primitive) {
	var last toml.Primitive
	m := pos.root
	for n, k := range key {
		p, ok := m[k]
		if !ok {
			return n, last
		}
		last = p
		var sub map[string]toml.Primitive // fresh: decoding into m would merge
		if n+1 < len(key) && pos.md.PrimitiveDecode(p, &sub) != nil {
			return n + 1, last // an array or a value: nothing below it
		}
		m = sub
	}
	return len(key), last
}

// first returns the first key in document order below prefix whose next
// part passes ok (any part if ok is nil), or nil. The decoder lists only
// the keys that were set (no implicit tables), in the order it met them.
func (pos *positions) first(prefix []string, ok func(string) bool) []string {
	for _, k := range pos.md.Keys() {
		if len(k) > len(prefix) && slices.Equal(k[:len(prefix)], prefix) && (ok == nil || ok(k[len(prefix)])) {
			return k
		}
	}
	return nil
}

// probeLine is the line of one value, 0 for an implicit table (the parser
// records no position for it).
func (md *metaData) probeLine(p toml.Primitive) int {
	var pe toml.ParseError
	if err := md.PrimitiveDecode(p, probe{}); errors.As(err, &pe) {
		return pe.Position.Line
	}
	return 0
}

// first is positions.first for the document, nil if it does not decode.
func (d *Doc) first(prefix []string, ok func(string) bool) []string {
	if pos := d.positions(); pos != nil {
		return pos.first(prefix, ok)
	}
	return nil
}

// oneLine keeps an error on one line: the decoder quotes the offending
// input in its messages, and that input may hold line breaks.
func oneLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}
