package plan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// fuzzSnapshot is a small fixed host: one hn with a VF, one without.
const fuzzSnapshot = `vf_transparent = 0
vflist = ["mce0"]
vfmap = { mce0 = "hn0" }
interfaces = ["hn0", "hn1", "lo0", "mce0"]
[hn.hn0]
vf = "mce0"
mac = "00:15:5d:00:00:01"
[hn.hn1]
`

// FuzzRenderRCConf feeds arbitrary bytes as /etc/rc.conf (over golden's
// defaults/rc.conf, with a fixed snapshot) through Prepare. It must not
// panic; an error must be one line; and when it succeeds, writing the plan
// and preparing again must find nothing to change (the render is a fixed
// point of its own output). Run it with
//
//	go test -run '^$' -fuzz '^FuzzRenderRCConf$' -fuzztime 10m ./plan/
//
// Seeds: the rc.conf of every golden case and of examples/azure. Panics
// inside rcconf belong to its own FuzzEvaluate as well.
func FuzzRenderRCConf(f *testing.F) {
	seeds, _ := filepath.Glob("../golden/*/root/etc/rc.conf")
	for _, path := range append(seeds, "../examples/azure/etc/rc.conf") {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	defaults, err := os.ReadFile("../golden/_defaults/rc.conf")
	if err != nil {
		f.Fatal(err)
	}
	snap, err := hn.Parse("state.toml", []byte(fuzzSnapshot))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rc []byte) {
		dir := t.TempDir()
		testtool.WriteFile(t, filepath.Join(dir, "etc/defaults/rc.conf"), string(defaults))
		testtool.WriteFile(t, filepath.Join(dir, "etc/rc.conf"), string(rc))
		root, err := fsys.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer root.Close()
		// Endless loops in rc.conf end at this deadline, not rcconf's 5 s.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		o := Options{Root: root, Snapshot: snap}
		res, err := Prepare(ctx, o)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if _, err := res.Write(); err != nil {
			t.Fatalf("write: %v", err)
		}
		again, err := Prepare(ctx, o)
		if ctx.Err() != nil {
			return // the deadline, not the render, decided
		}
		if err != nil {
			t.Fatalf("re-render of its own output: %v", err)
		}
		for _, c := range again.Changes {
			t.Errorf("re-render changes %s (%s):\n%s\n---\n%s", c.Path, c.Kind(), c.Old, c.New)
		}
	})
}
