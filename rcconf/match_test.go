package rcconf

import (
	"strings"
	"testing"
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
