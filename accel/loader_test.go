package accel

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/render"
)

// The loader reads loader.conf, then loader.conf.d/*.conf by name, then
// loader.conf.local: the last assignment wins; comments and other
// tunables are not assignments of it.
func TestNextBoot(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, err := fsys.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := NextBoot(root); err != nil || got.Set {
		t.Fatalf("no files: %+v %v", got, err)
	}
	write("boot/loader.conf", "hw.hn.vf_transparent=\"1\"\n")
	write("boot/loader.conf.d/a.conf", "# hw.hn.vf_transparent=\"1\"\nhw.hn.vf_xpnt_attwait=\"9\"\n")
	write("boot/loader.conf.d/hvnetconf.conf", "hw.hn.vf_transparent=\"0\"  # lagg\n")
	got, err := NextBoot(root)
	if err != nil || got != (Tunable{Set: true, Mode: render.ModeLagg, Origin: "/boot/loader.conf.d/hvnetconf.conf:1"}) {
		t.Errorf("conf.d wins over loader.conf: %+v %v", got, err)
	}
	write("boot/loader.conf.local", "\nhw.hn.vf_transparent=1\n")
	if got, _ := NextBoot(root); got.Mode != render.ModeTransparent || got.Origin != "/boot/loader.conf.local:2" {
		t.Errorf("loader.conf.local wins: %+v", got)
	}
}
