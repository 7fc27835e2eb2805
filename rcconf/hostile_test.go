package rcconf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// hostile are rc.conf files built to exhaust the evaluator. Each must end
// with an error naming the limit it hit and the file:line where.
var hostile = []struct {
	name, rc string
	want     string // prefix of the error
}{
	{"eval-doubling", "a=x\neval \"" + strings.Repeat(`a=\$a\$a;`, 40) + "\"", "/etc/rc.conf:2:1: "},
	{"set-doubling", "set -- x\nwhile :; do set -- \"$@\" \"$@\"; done", "/etc/rc.conf:2:"},
	{"recursion", "f() { f; }\nf", "/etc/rc.conf:"},
	{"loop-growth", "a=x\nwhile :; do a=$a$a; done", "/etc/rc.conf:2:"},
	{"func-growth", "a=x\nf() { a=$a$a; f; }\nf", "/etc/rc.conf:"},
	{"many-refs", "a=" + strings.Repeat("x", 4096) + "\nwhile :; do b=" + strings.Repeat("$a", 2000) + "; done", "/etc/rc.conf:2:"},
	{"strip-big", "a=" + strings.Repeat("xy", 16<<10) + "\nwhile :; do b=${a%%*x} c=${a#*y}; done", "/etc/rc.conf:2:"},
	{"pattern-big", "a=" + strings.Repeat("x", 32<<10) + "\nwhile :; do b=${a#\"$a\"}; done", "/etc/rc.conf:2:"},
	{"heredoc", "a=" + strings.Repeat("x", 1<<10) + "\nwhile :; do read b <<EOF\n" + strings.Repeat("$a", 1000) + "\nEOF\na=$b; done", "/etc/rc.conf:2:"},
	{"many-vars", "i=0\nwhile :; do eval \"v$i=$i\"; i=$((i+1)); done", "/etc/rc.conf:2:"},
	{"glob-loop", "for f in /etc/d/*/*/*/*/*/*/*/*/*; do :; done", "/etc/rc.conf:1:"},
	{"case-pattern-big", "case aaaa in " + strings.Repeat("**", 500000) + ") ;; esac", "/etc/rc.conf:1:"},
	{"strip-pattern-big", "y=a\nz=${y%%" + strings.Repeat("*a", 500000) + "}", "/etc/rc.conf:2:"},
	{"case-pattern-expansions", "p=" + strings.Repeat("*a", 30000) + "\ncase x in $p$p$p) ;; esac", "/etc/rc.conf:2:"},
	// The largest pattern that passes: two expansions of the largest value.
	{"case-pattern-at-limits", "p=" + strings.Repeat("*a", 32000) + "\nwhile :; do case x in $p$p) ;; esac; done", "/etc/rc.conf:2:"},
	// Matches charged by the expanded pattern times the value (match.go):
	// each would run for minutes.
	{"match-expanded", "p=" + strings.Repeat("a", 64<<10) + "\nx=$p\ny=${x%%*$p$p}", "/etc/rc.conf:3:1: limit: "},
	{"match-built-in-statement", "p=" + strings.Repeat("a", 32<<10) + "\nx=$p$p y=${x%%*$p}", "/etc/rc.conf:2:1: limit: "},
	{"match-in-loop-pass", "p=" + strings.Repeat("a", 32<<10) + "\nwhile :; do x=$p$p; y=${x%%*$p}; x=; done", "/etc/rc.conf:2:1: limit: "},
	// The largest single match that passes, then again in a loop.
	{"match-at-limits", "p=" + strings.Repeat("a", 1<<10) + "\nx=" + strings.Repeat("a", 3700) + "\nwhile :; do y=${x%*$p}; done", "/etc/rc.conf:3:1: limit: pattern matches"},
	// Globs: a 400 KB literal pattern (12 s and 286 MiB to compile), and
	// a pattern run over the long names of a directory in a loop.
	{"glob-pattern-huge", ": /etc/" + strings.Repeat("*a", 200_000), "/etc/rc.conf:1:1: limit: pattern matches"},
	{"glob-long-names", "p=" + strings.Repeat("*a", 2<<10) + "\nwhile :; do set -- /etc/d/$p$p; done", "/etc/rc.conf:2:1: limit: pattern matches"},
	// Nesting (parse.go): the parser took 5 s and 525 MiB for 200,000
	// nested braces, and died of a stack overflow in 200,000 nested
	// parentheses; 100,000 commands joined by && took 16 s and 591 MiB to
	// check.
	{"nested-braces", "x=1\n" + strings.Repeat("{ ", 200_000) + ":" + strings.Repeat("; }", 200_000), "/etc/rc.conf:2:"},
	{"nested-parens", "a=$((" + strings.Repeat("(", 200_000) + "1" + strings.Repeat(")", 200_000) + "))", "/etc/rc.conf:1:"},
	{"nested-params", "a=" + strings.Repeat("${a:-", 100_000) + "x" + strings.Repeat("}", 100_000), "/etc/rc.conf:1:"},
	{"and-chain", ":" + strings.Repeat(" && :", 100_000), "/etc/rc.conf:1:"},
	{"nested-if", strings.Repeat("if :; then ", 15_000) + ":" + strings.Repeat("; fi", 15_000), "/etc/rc.conf:1:"},
	{"eval-nested", "a='{ { { { '\n" + strings.Repeat("a=$a$a\n", 13) + "eval \"$a :\"", "/etc/rc.conf (eval):"},
	// Each eval of a function keeps its parsed tree: 8 KiB a pass.
	{"eval-functions", "while :; do eval 'f() { :; }'; done", "/etc/rc.conf:1:"},
	{"value-too-big", "a=" + strings.Repeat("*a", 20000) + "\nb=$a$a", "/etc/rc.conf:1:1: limit: values over 64 KiB"},
	{"positional-refs", "set -- " + strings.Repeat("x", 1<<10) + "\nwhile :; do a=\"$*$*$*$*\"; set -- \"$a\"; done", "/etc/rc.conf:2:"},
}

// hostileRoot builds a root with cfg as rc.conf and a directory whose ten
// symlinks point back at itself.
func hostileRoot(t *testing.T, rc string) string {
	root := writeRoot(t, rcOnly(rc))
	d := filepath.Join(root, "etc", "d")
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b", "c", "e", "f", "g", "h", "i", "j", "k"} {
		if err := os.Symlink(".", filepath.Join(d, n)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// TestHostileChild is the child process of TestHostile: it loads one root.
func TestHostileChild(t *testing.T) {
	root := os.Getenv("RCCONF_HOSTILE_ROOT")
	if root == "" {
		t.Skip("run by TestHostile")
	}
	_, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Timeout: 60 * time.Second})
	if err == nil {
		os.Stdout.WriteString("RESULT: no error\n")
		return
	}
	os.Stdout.WriteString("RESULT: " + err.Error() + "\n")
}

// TestHostile runs each hostile input in a child process and checks the
// error and the child's peak memory (rusage, not wall time). The child is
// built without the race detector (testtool.Self): it measures the
// evaluator users run; the race detector would only multiply the CPU of
// a single Load, whose goroutines the in-process tests check already.
func TestHostile(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	self, err := testtool.Self(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(self, "-test.run=^TestHostileChild$", "-test.v")
			cmd.Env = append(os.Environ(), "RCCONF_HOSTILE_ROOT="+hostileRoot(t, tt.rc))
			start := time.Now()
			out, err := cmd.CombinedOutput()
			wall := time.Since(start)
			ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
			var msg string
			if _, rest, ok := strings.Cut(string(out), "RESULT: "); ok {
				msg, _, _ = strings.Cut(rest, "\n")
			}
			rss := int64(0)
			if ru != nil {
				rss = ru.Maxrss >> 10 // KiB on Linux and FreeBSD
			}
			t.Logf("%-16s wall %6.2fs cpu %6.2fs maxrss %5d MiB: %.150s", tt.name, wall.Seconds(),
				cpuSeconds(ru), rss, msg)
			if err != nil && msg == "" {
				t.Fatalf("child failed: %v\n%.2000s", err, out)
			}
			if !strings.HasPrefix(msg, tt.want) || !strings.Contains(msg, "limit: ") {
				t.Errorf("error %q, want %q... naming a limit", msg, tt.want)
			}
			if rss > 512 {
				t.Errorf("peak RSS %d MiB, want under 512", rss)
			}
		})
	}
}

func cpuSeconds(ru *syscall.Rusage) float64 {
	if ru == nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
