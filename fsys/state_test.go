package fsys

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// The state file: created with its directory (0700, the file 0600),
// replaced whole, removed; a link or a directory at its name is refused
// and never written through.
func TestWriteState(t *testing.T) {
	dir := t.TempDir()
	r := open(t, dir)
	for _, data := range []string{"one\n", "two\n"} {
		if err := r.WriteState("x.json", []byte(data)); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := r.ReadState("x.json"); err != nil || !ok || string(got) != data {
			t.Errorf("read back %q %v %v, want %q", got, ok, err, data)
		}
	}
	for name, want := range map[string]os.FileMode{StateDir: 0o700 | os.ModeDir, StateDir + "/x.json": 0o600} {
		if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.Mode() != want {
			t.Errorf("%s: %v %v, want mode %v", name, fi.Mode(), err, want)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, StateDir)); len(ents) != 1 {
		t.Errorf("left beside it: %v", ents)
	}
	if err := r.RemoveState("x.json"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.ReadState("x.json"); ok {
		t.Error("still there after RemoveState")
	}
	if err := r.RemoveState("x.json"); err != nil {
		t.Errorf("removing what is gone: %v", err)
	}

	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.Symlink(outside, filepath.Join(dir, StateDir, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, StateDir, "dir.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"link.json", "dir.json"} {
		if err := r.WriteState(name, []byte("x\n")); sysexits.Code(err) != sysexits.CantCreate {
			t.Errorf("%s: %v, want exit 73", name, err)
		}
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Errorf("written through the link: %v", err)
	}
}
