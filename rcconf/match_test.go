package rcconf

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestMatchCost: the work of a pattern match is the pattern as expanded
// times the value it runs over, charged when the match is about to run:
// values built earlier in the same statement, or earlier in the same pass
// of a loop, count at their size then, and the error names the
// statement's own line. Each input here matches a 4 KiB pattern over an
// 8 KiB value at most once, which the interpreter's regular expressions
// turn into about 2^25 steps: within the budget of the whole run by the
// old count (literal bytes), over it by this one.
func TestMatchCost(t *testing.T) {
	p := "p=" + strings.Repeat("a", 4<<10) + "\n"
	x := "x=" + strings.Repeat("a", 8<<10) + "\n"
	tests := []struct{ name, rc, want string }{
		{"statement", p + x + "y=${x%%*$p}\n", "/etc/rc.conf:3:1: limit: "},
		{"same statement", p + "a=1\na=$p$p y=${a%%*$p}\n", "/etc/rc.conf:3:1: limit: "},
		{"case", p + x + "case $x in *$p) ;; esac\n", "/etc/rc.conf:3:1: limit: "},
		{"loop pass", p + x + "i=0\nwhile [ $i = 0 ]; do a=$x; b=${a%%*$p}; a=; i=1; done\n", "/etc/rc.conf:4:1: limit: "},
		{"function", p + x + "f() { a=$x; b=${a%%*$p}; }\nf\n", "/etc/rc.conf:4:1: limit: "},
		{"eval", p + x + "eval 'y=${x%%*$p}'\n", "/etc/rc.conf:3:1: limit: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, rcOnly(tt.rc))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !oneLine(err.Error()) {
				t.Fatalf("err = %v, want %s...", err, tt.want)
			}
		})
	}
}

// TestMatchSmall: the patterns real files use cost next to nothing, in
// loops too, and give sh's results.
func TestMatchSmall(t *testing.T) {
	rc := `list="lo0 hn0 hn1 mce0"
out=
for i in $list; do
	case " $out " in *" ${i%%[0-9]*} "*) ;; *) out="$out ${i%%[0-9]*}" ;; esac
done
tail=${list##* } head=${list%% *}
`
	env, err := load(t, rcOnly(rc))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"out": " lo hn mce", "tail": "mce0", "head": "lo0"} {
		if got, _ := env.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestMatchOrigin: a plain assignment that matches runs on its own, and
// still names itself as the origin when the value it assigns is the same.
func TestMatchOrigin(t *testing.T) {
	env, err := load(t, rcOnly("a=hn0\np=x\na=${a%%$p}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := env.Lookup("a"); v.Value != "hn0" || v.Origin.Line != 3 {
		t.Errorf("a = %q from line %d, want hn0 from line 3", v.Value, v.Origin.Line)
	}
}

// TestMatchGlob: a glob's patterns are charged like other matches: a
// literal pattern of 400 KB (seconds and hundreds of MiB to compile) and a
// 4 KiB pattern against the long names of a large directory (its listing
// charged by the pattern times the names) both end at their statement
// with the limit; small globs give sh's results.
func TestMatchGlob(t *testing.T) {
	root := writeRoot(t, map[string]string{"/etc/rc.conf.d/b": "", "/etc/rc.conf.d/a": ""})
	d := filepath.Join(root, "etc/d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if err := os.WriteFile(filepath.Join(d, strings.Repeat("a", 250)+strconv.Itoa(i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct{ name, rc, want string }{
		{"huge literal", ": /etc/" + strings.Repeat("*a", 200_000) + "\n", "/etc/rc.conf:1:1: limit: pattern matches"},
		{"long names", "p=" + strings.Repeat("*a", 2<<10) + "\nwhile :; do set -- /etc/d/$p; done\n", "/etc/rc.conf:2:1: limit: pattern matches"},
		{"small", "n=0\nfor f in /etc/rc.conf.d/*; do n=\"$n ${f##*/}\"; done\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(root, "etc/rc.conf"), []byte(tt.rc), 0o644); err != nil {
				t.Fatal(err)
			}
			env, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Timeout: 5 * time.Second})
			if tt.want == "" {
				if v, _ := env.Get("n"); err != nil || v != "0 a b" {
					t.Fatalf("n = %q, %v; want \"0 a b\"", v, err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !oneLine(err.Error()) {
				t.Fatalf("err = %v, want %s...", err, tt.want)
			}
		})
	}
}

// TestMatchTickStatus: the tick before a statement that matches leaves
// what sh would see: $? of the command before (zero or not), and no
// failure of its own that set -e would stop at.
func TestMatchTickStatus(t *testing.T) {
	rc := `set -e
f() { return 1; }
g() { return 3; }
f || case x in x) a=ran ;; esac
f || b=${a%n}
g || c=$?
f || case $? in 1) d=one ;; esac
`
	env, err := load(t, rcOnly(rc))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "ran", "b": "ra", "c": "3", "d": "one"} {
		if got, _ := env.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestShellFindings: set -x shows the file's commands, not rcconf's
// internal ones, and a statement's output makes at most maxShellLines
// findings and one that counts the rest.
func TestShellFindings(t *testing.T) {
	env, err := load(t, rcOnly("set -x\nv=x\ncase $v in x) a=1 ;; esac\nset +x\ni=0\nwhile [ $i -lt 50 ]; do echo $i >&2; i=$((i+1)); done\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range env.Findings() {
		got = append(got, strconv.Itoa(f.Line)+": "+f.Message)
	}
	want := []string{"2: sh: + v=x", "3: sh: + case $v in", "3: sh: + a=1", "4: sh: + set +x"}
	for i := range maxShellLines {
		want = append(want, "6: sh: "+strconv.Itoa(i))
	}
	want = append(want, "6: sh: ... 30 more lines")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestInternalCommandsNotCallable: a computed command name that spells one
// of rcconf's internal commands is refused like any unknown command (one
// of them crashed the evaluation with missing arguments).
func TestInternalCommandsNotCallable(t *testing.T) {
	for _, name := range []string{cmdTick, cmdEnter, cmdLeave, cmdMatch, cmdProbe, cmdStatus, cmdReturn} {
		_, err := load(t, rcOnly("x="+name+"\n$x\n"))
		want := "/etc/rc.conf:2:1: command " + name + " is not allowed"
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: err = %v, want %s", name, err, want)
		}
	}
}
