package testtool

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/fsys"
)

// CopyRoot copies the root at from (examples/azure, golden/NAME/root) to
// a temporary directory, adding defaults as etc/defaults/rc.conf where
// the root has none (golden scenarios share golden/_defaults/rc.conf).
func CopyRoot(t testing.TB, from, defaults string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "etc/defaults/rc.conf")
	if _, err := os.Stat(target); err == nil {
		return dir
	}
	data, err := os.ReadFile(defaults)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(target), 0o755)
	}
	if err == nil {
		err = os.WriteFile(target, data, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// OpenRoot opens dir as the confined root that plan and rcconf read
// (fsys.Open), closed when the test ends.
func OpenRoot(tb testing.TB, dir string) *fsys.Root {
	tb.Helper()
	r, err := fsys.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}
