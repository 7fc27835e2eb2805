//go:build unix

package fsys

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestApplyModesIgnoreUmask: under umask 077 (a hardened root shell), the
// directories Apply makes are still 0755 and the files 0644, as the booted
// system expects them; the umask is the process's, so this test does not
// run in parallel with others.
func TestApplyModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	dir := build(t, base())
	if _, err := open(t, dir).Apply(changes()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		want os.FileMode
	}{
		{"usr/local/etc/devd", os.ModeDir | 0o755},
		{"boot/loader.conf.d", os.ModeDir | 0o755},
		{"usr/local/etc/devd/hvnetconf.conf", 0o644},
		{"boot/loader.conf.d/hvnetconf.conf", 0o644},
		{"usr/local/etc/rc.conf.d/network", 0o644},
	} {
		fi, err := os.Lstat(filepath.Join(dir, tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tt.want {
			t.Errorf("%s: mode %v, want %v", tt.path, fi.Mode(), tt.want)
		}
	}
}
