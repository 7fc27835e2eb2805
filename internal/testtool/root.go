package testtool

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/conformance"
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

// FreeBSDDefaults is FreeBSD's own /etc/defaults/rc.conf of tree ("12.1",
// "main") from ../shared/freebsd-rc, the file the conformance tests boot
// with. Without it the benchmark or test is skipped, or fails with CI set.
func FreeBSDDefaults(tb testing.TB, tree string) []byte {
	tb.Helper()
	shared := conformance.SharedDir()
	if shared == "" {
		msg := "no ../shared/freebsd-rc beside the repository: FreeBSD's defaults/rc.conf is needed"
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	b, err := os.ReadFile(filepath.Join(shared, tree, "etc/defaults/rc.conf"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
