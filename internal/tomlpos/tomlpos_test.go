package tomlpos

import (
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

const doc = `# comment
top = 1
arr = [
  "a",   # comment inside
  "b",
]
inline = { x = 1,
  y = "two" }
dotted.key = true

[tbl]
k = "v"
[impl.sub]
z = 3
[[aot]]
n = 1
`

func TestLine(t *testing.T) {
	d, _, err := Parse("f.toml", []byte(doc), sysexits.Config)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		want int
	}{
		{"top", 2},
		{"arr", 3},
		{"inline", 7},
		{"inline.x", 7},
		{"inline.y", 8},
		{"dotted", 9}, // implicit: first line of its contents
		{"dotted.key", 9},
		{"tbl", 11},
		{"tbl.k", 12},
		{"impl", 13}, // implicit parent of [impl.sub]
		{"impl.sub", 13},
		{"impl.sub.z", 14},
		{"aot", 15},
		{"missing", 0},
		{"tbl.missing", 11}, // falls back on the nearest existing parent
	}
	for _, tt := range tests {
		if got := d.Line(strings.Split(tt.key, ".")...); got != tt.want {
			t.Errorf("Line(%s) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, _, err := Parse("f.toml", []byte("a = 1\nb = \n"), sysexits.DataErr)
	if err == nil || !strings.HasPrefix(err.Error(), "f.toml:2:") || sysexits.Code(err) != sysexits.DataErr {
		t.Fatalf("got %v (code %d), want f.toml:2:... with code 65", err, sysexits.Code(err))
	}
	_, _, err = Parse("f.toml", []byte("a = 1\na = 2\n"), sysexits.Config)
	if err == nil || !strings.HasPrefix(err.Error(), "f.toml:2:") {
		t.Fatalf("duplicate key: got %v", err)
	}
}

func TestAccessors(t *testing.T) {
	src := "s = \"x\"\ni = 3\nb = true\nl = [\"a\", 2]\nt = 5\n[u]\nq = 1\nr = 2\n"
	_, root, err := Parse("f.toml", []byte(src), sysexits.Config)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		call func() error
		want string // "" = no error
	}{
		{"string ok", func() error { _, _, err := root.String("s"); return err }, ""},
		{"string of int", func() error { _, _, err := root.String("i"); return err }, "f.toml:2: i: want a string, got an integer"},
		{"int of string", func() error { _, _, err := root.Int("s"); return err }, "f.toml:1: s: want an integer, got a string"},
		{"bool of int", func() error { _, _, err := root.Bool("i"); return err }, "f.toml:2: i: want a boolean, got an integer"},
		{"strings mixed", func() error { _, _, err := root.Strings("l"); return err }, "f.toml:4: l: element 2: want a string, got an integer"},
		{"table of int", func() error { _, _, err := root.Table("t"); return err }, "f.toml:5: t: want a table, got an integer"},
		{"absent", func() error { _, ok, err := root.Int("nope"); return okErr(ok, err) }, ""},
		{"unknown key", func() error { u, _, _ := root.Table("u"); return u.Only("q") }, "f.toml:8: u.r: unknown key (known: q)"},
		{"unknown first by line", func() error { return root.Only("b") }, "f.toml:1: s: unknown key (known: b)"},
	}
	for _, tt := range tests {
		err := tt.call()
		got := ""
		if err != nil {
			got = err.Error()
			if sysexits.Code(err) != sysexits.Config {
				t.Errorf("%s: code %d", tt.name, sysexits.Code(err))
			}
		}
		if got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func okErr(ok bool, err error) error {
	if ok {
		return sysexits.Errorf(1, "absent key reported present")
	}
	return err
}
