//go:build fakebsd

package fakebsd

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestKilledWriterLeavesWholeState: an emulated program that dies while it
// writes the state (hvnetconf kills the commands still running when one of
// a batch fails) leaves the state as it was before its change: hn0 still
// there and down, in a state that decodes. When the state was truncated
// and rewritten in place, a kill between the two left an empty file, read
// as a host with nothing (TestApplyFaultInjection, one run in ten).
func TestKilledWriterLeavesWholeState(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:01")
	ifconfig := filepath.Join(filepath.Dir(Binary(t)), "ifconfig")
	die := exec.Command(ifconfig, "hn0", "up")
	die.Env = append(os.Environ(), append(h.Env(), EnvDieInSave+"=1")...)
	if out, err := die.CombinedOutput(); err == nil || die.ProcessState.ExitCode() != 137 {
		t.Fatalf("ifconfig hn0 up with %s: %v, want exit 137: %s", EnvDieInSave, err, out)
	}
	// Read back by the emulation itself: an empty state has no hn0
	// (exit 1), a cut one does not decode (exit 70).
	look := exec.Command(ifconfig, "hn0")
	look.Env = append(os.Environ(), h.Env()...)
	out, err := look.CombinedOutput()
	if err != nil {
		t.Fatalf("after a death while writing: ifconfig hn0: %v: %s", err, out)
	}
	if i := h.State().Ifaces["hn0"]; i == nil || i.Up {
		t.Errorf("hn0 after a death while writing its change: %+v, want it as before (down)", i)
	}
}
