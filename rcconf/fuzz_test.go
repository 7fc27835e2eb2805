package rcconf

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// FuzzEvaluate feeds arbitrary bytes as /etc/rc.conf: Load must return
// (a value or an error) without panicking, hanging or running anything.
func FuzzEvaluate(f *testing.F) {
	seeds := []string{
		"v=\"a b\"\nw='x'\n", "v=a\\ b\\\\c", ": ${v:=x}\nw=${v#?}${v%x}",
		"if [ -z \"$u\" ]; then v=1; fi", "for i in a b; do v=$v$i; done", "f() { local x; v=$1; }\nf y",
		"export c=3", "eval 'v=1'", ". /etc/rc.conf", "v=$(uname)", "rm -rf /", "while :; do :; done",
		"f() { f; }; f", "a=x\nwhile :; do a=$a$a; done", "case x in x) v=1;; esac", "v=\"unterminated",
		"\x00\x01", "v=\xff", "read v < /etc/rc.conf", "set -- a b; v=$2; shift",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	defaults := []byte(defaultsRC(f))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		// A short timeout keeps endless loops cheap for the fuzzer (which
		// re-runs every interesting input many times to minimize it).
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e, err := Load(ctx, Options{Files: testtool.OpenRoot(t, root), Timeout: 300 * time.Millisecond, Overlay: map[string][]byte{
			"/etc/defaults/rc.conf": defaults, "/etc/rc.conf": data,
		}})
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") {
				t.Fatalf("multi-line error %q", msg)
			}
			return
		}
		for _, v := range e.Vars() {
			if v.Origin.File == "" {
				t.Fatalf("%s has no origin", v.Name)
			}
		}
	})
}
