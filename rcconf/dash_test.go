package rcconf

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// dashCorpus: assignment-only files whose values dash and rcconf must
// agree on byte for byte. Each sets some of A..F.
var dashCorpus = []string{
	`A="double $HOSTX quoted" B='single $x "q"' C=plain`,
	`A=a\ b\\c\$d\"e\'f B=\~ C=x\*y`,
	"A=\"ab\\\ncd\"\nB=ab\\\ncd\nC='ab\\\ncd'",
	"A=\"line1\nline2\" B='t\tt' C=\"\t\"",
	`A= B="" C='' D=${A:-dflt} E=${A-dflt} F=${UNSET-dflt}`,
	`: ${A:=one} ${B=two}; B=${B:=three} C=${A:+alt} D=${UNSET:+alt}`,
	`P=/usr/local/etc/rc.d A=${P#*/} B=${P##*/} C=${P%/*} D=${P%%/*} E=${P%/rc.d} F=${#P}`,
	`P=a.b.c.d A=${P#*.} B=${P##*.} C=${P%.*} D=${P%%.*} E=${P#x} F=${P%[bc].*}`,
	`X=1 A="$X$X" B="${X}2" C="pre${X}post" D="${A}${B}" E="$A$B$C"`,
	`A="${UNSET:-"nested $HOSTX quotes"}" B=${UNSET:-'single in default'} C="${UNSET:-a\"b}"`,
	`A="héllo wörld 世界 🙂" B=ça C='ünïcödé'`,
	"A=\"\\\\\" B=\"\\$\" C=\"\\`\" D=\"\\a\\b\" E='\\' F=\\\\",
	`A="$" B="x$" C=$ D="${#}" E="$#"`,
	"A=1 # comment\n#B=2\nB=\"#notcomment\" C=x#y",
	"A=first\nA=second\nB=$A$A",
	`A=${UNSET:-a\ b} B=${UNSET:-a\\b} C="${UNSET:-a\\b}"`,
	`A='it'\''s' B="it's" C=it\'s`,
	`A=" lead and trail " B="  " C=x\ \ y`,
	`HOSTX=h A=${HOSTX:+"$HOSTX set"} B=${HOSTX:-unset}`,
	`A={a,b} B=x{1..3}y C="{a,b}"`,
	`A=~ B=a~b C="~"`,
	`A=*.conf B=[ab] C=?`,
}

// TestDashDifferential: dash and rcconf give the same values.
func TestDashDifferential(t *testing.T) {
	dash := dashPath(t)
	names := []string{"A", "B", "C", "D", "E", "F"}
	dir := t.TempDir()
	for i, src := range dashCorpus {
		file := filepath.Join(dir, "conf")
		if err := os.WriteFile(file, []byte(src+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		script := `f=$1; shift; . "$f"; for n in A B C D E F; do eval "printf '%s=%s\0' \$n \"\${$n-<unset>}\""; done`
		cmd := exec.Command(dash, "-c", script, "sh", file)
		cmd.Env = []string{"HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"} // what /etc/rc gives rc scripts
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("case %d: dash: %v", i, err)
		}
		want := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		e, err := load(t, rcOnly(src))
		if err != nil {
			t.Fatalf("case %d %q: %v", i, src, err)
		}
		for j, name := range names {
			v, ok := e.Get(name)
			if !ok {
				v = "<unset>"
			}
			if got := name + "=" + v; got != want[j] {
				t.Errorf("case %d %q: rcconf %q, dash %q", i, src, got, want[j])
			}
		}
	}
}
