package rcconf

import (
	"context"
	"reflect"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestConstructs pins sh semantics of rc.conf constructs: value and origin
// line of one variable after evaluating /etc/rc.conf alone.
func TestConstructs(t *testing.T) {
	tests := []struct {
		name, src, want string
		line            int
	}{
		{"double quotes", `v="a b  c"`, "a b  c", 1},
		{"single quotes", `v='$x \n "q"'`, `$x \n "q"`, 1},
		{"backslashes", `v=a\ b\\c\$d`, `a b\c$d`, 1},
		{"escapes in double quotes", `v="\$x \" \\ \a"`, `$x " \ \a`, 1},
		{"line continuation", "v=\"ab\\\ncd\"", "abcd", 1},
		{"newline in quotes", "v=\"ab\ncd\"", "ab\ncd", 1},
		{"earlier var", "a=1\nv=\"${a}2$a\"", "121", 2},
		{"default unset", `v=${nope:-x}`, "x", 1},
		{"default empty", "e=\nv=${e:-x}", "x", 2},
		{"dash no colon keeps empty", "e=\nv=${e-x}", "", 2},
		{"assign default", ": ${v:=fallback}", "fallback", 1},
		{"assign default keeps value", "v=old\n: ${v:=new}", "old", 1},
		{"strip prefix", "p=/usr/local/etc/rc.d\nv=${p#*/}", "usr/local/etc/rc.d", 2},
		{"strip longest prefix", "p=/usr/local/etc/rc.d\nv=${p##*/}", "rc.d", 2},
		{"strip suffix", "p=/usr/local/etc/rc.d\nv=${p%/rc.d}", "/usr/local/etc", 2},
		{"strip longest suffix", "p=a.b.c\nv=${p%%.*}", "a", 2},
		{"length", "p=abcd\nv=${#p}", "4", 2},
		{"if", "if [ -z \"$u\" ]; then\n v=empty\nelse\n v=full\nfi", "empty", 1},
		{"case", "h=hn0\ncase $h in\nhn*) v=hyperv;;\n*) v=other;;\nesac", "hyperv", 2},
		{"for", "for i in a b c; do v=\"$v$i\"; done", "abc", 1},
		{"while", "n=0\nwhile [ $n -lt 3 ]; do n=$((n+1)); v=$n; done", "3", 2},
		{"function", "f() {\n v=\"in $1\"\n}\nf x", "in x", 4},
		{"function local", "v=g\nf() { local v; v=l; }\nf", "g", 1},
		{"export", "export v=3", "3", 1},
		{"readonly", "readonly v=ro", "ro", 1},
		{"eval", `eval "v=\"e val\""`, "e val", 1},
		{"test and", "[ 1 = 1 ] && v=yes", "yes", 1},
		{"unicode", `v="héllo 世界"`, "héllo 世界", 1},
		{"tab", "v=\"a\tb\"", "a\tb", 1},
		{"brace not expanded", "for i in {a,b}; do v=$i; done", "{a,b}", 1},
		{"printf harmless", "printf '%s\\n' hi >/dev/null\nv=1", "1", 2},
		{"read from file", "read v < /etc/rc.conf", "read v < /etc/rc.conf", 1},
		{"last assignment wins", "v=1\nv=2\nv=3", "3", 3},
		{"comment", "v=1 # comment\n# v=2", "1", 1},
		{"unquoted continuation", "v=ab\\\ncd", "abcd", 1},
		{"escaped brace", `v=\{a,b\}`, "{a,b}", 1},
		{"escape in default", `v=${u:-a\ b}`, "a b", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := load(t, rcOnly(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			v, ok := e.Lookup("v")
			if !ok {
				t.Fatalf("v unset; vars %v", e.Vars())
			}
			want := Var{Name: "v", Value: tt.want, Origin: Origin{File: "/etc/rc.conf", Line: tt.line}}
			if v != want {
				t.Errorf("got %+v, want %+v", v, want)
			}
		})
	}
}

// TestSourceUnderRoot: . resolves under the root, origins point into the
// sourced file, and the file is listed.
func TestSourceUnderRoot(t *testing.T) {
	e, err := load(t, map[string]string{
		"/etc/rc.conf":        "a=1\n. /etc/more.conf\nc=$b$a",
		"/etc/more.conf":      "\nb=2\nsource /etc/sub/third.conf",
		"/etc/sub/third.conf": "d=4",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []Var{
		{"a", "1", Origin{"/etc/rc.conf", 1}},
		{"b", "2", Origin{"/etc/more.conf", 2}},
		{"c", "21", Origin{"/etc/rc.conf", 3}},
		{"d", "4", Origin{"/etc/sub/third.conf", 1}},
	}
	if got := e.Vars(); !reflect.DeepEqual(got, want) {
		t.Errorf("vars:\n got %v\nwant %v", got, want)
	}
	wantFiles := []string{"/etc/rc.conf", "/etc/more.conf", "/etc/sub/third.conf"}
	if got := e.Files(); !reflect.DeepEqual(got, wantFiles) {
		t.Errorf("files %v, want %v", got, wantFiles)
	}
}

// TestVarsOnlyFromFiles: the interpreter's own variables are not reported,
// function locals do not leak out of defaults/rc.conf.
func TestVarsOnlyFromFiles(t *testing.T) {
	e, err := load(t, withDefaults(t, map[string]string{"/etc/rc.conf": "x=1"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"HOME", "PWD", "IFS", "OPTIND", "UID", "i", "sourced_files"} {
		if v, ok := e.Lookup(name); ok {
			t.Errorf("%s reported: %+v", name, v)
		}
	}
	if _, ok := e.Get("x"); !ok {
		t.Error("x missing")
	}
}

// TestOverlay: overlay content replaces a file, nil hides one.
func TestOverlay(t *testing.T) {
	root := writeRoot(t, map[string]string{"/etc/rc.conf": "a=disk", "/etc/rc.conf.d/network": "n=disk"})
	e, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Overlay: map[string][]byte{
		"/etc/rc.conf":                     []byte("a=overlay\nlocal_startup=/usr/local/etc/rc.d"),
		"/etc/rc.conf.d/network":           nil,
		"/usr/local/etc/rc.conf.d/network": []byte("m=new"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range e.Vars() {
		got[v.Name] = v.Value
	}
	want := map[string]string{"a": "overlay", "local_startup": "/usr/local/etc/rc.d", "m": "new"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
