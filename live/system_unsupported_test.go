//go:build !freebsd && !fakebsd

package live

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// TestNoLiveOffFreeBSD: a release build for another OS runs no program at
// all, even one named like FreeBSD's that is on PATH, and says why in one
// line with exit 69.
func TestNoLiveOffFreeBSD(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	script := "#!/bin/sh\ntouch " + marker + "\n"
	if err := os.WriteFile(filepath.Join(dir, "ifconfig"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := ExecRunner{Path: dir}.Run(context.Background(), "ifconfig", "-l")
	if sysexits.Code(err) != sysexits.Unavailable || strings.Contains(err.Error(), "\n") ||
		!strings.HasPrefix(err.Error(), "ifconfig needs the running FreeBSD system") {
		t.Errorf("got %v (exit %d), want one line, exit 69", err, sysexits.Code(err))
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the host's ifconfig ran")
	}
}

// The unsupported system's kernel reads refuse too: the hn snapshot of a
// release build for another OS is never read from this host.
func TestUnsupportedSystemRefuses(t *testing.T) {
	sys := New(context.Background())
	_, _, err1 := sys.Sysctl("hw.hn.vflist")
	_, _, err2 := sys.SysctlInt("hw.hn.vf_transparent")
	_, err3 := sys.Interfaces()
	_, err4 := Snapshot(sys)
	for i, err := range []error{err1, err2, err3, err4} {
		if sysexits.Code(err) != sysexits.Unavailable {
			t.Errorf("read %d: %v (exit %d), want exit 69", i+1, err, sysexits.Code(err))
		}
	}
}
