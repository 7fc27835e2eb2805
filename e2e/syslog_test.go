//go:build linux

package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListenSyslogLongRoot: the syslog socket reaches a root whose path is
// longer than a socket's path may be, as t.TempDir's is (named after the
// test: TestApplySurvivesItsSession/parent-killed/k=NN) under a TMPDIR of
// some 30 bytes when /dev/shm is not used (fakebsd.ScratchBase).
func TestListenSyslogLongRoot(t *testing.T) {
	t.Parallel()
	root := filepath.Join(t.TempDir(), strings.Repeat("r", 100), "root")
	run := filepath.Join(root, "var/run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	logs := listenSyslog(t, root)
	// A sender in the root, as the sandbox's hvnetconf is: through its
	// /var/run, whatever the host's path to it.
	d, err := os.Open(run)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	w, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: fmt.Sprintf("/proc/self/fd/%d/log", d.Fd()), Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("hvnetconf: hello")); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if got := logs(); got != "hvnetconf: hello\n" {
		t.Errorf("syslog got %q", got)
	}
}
