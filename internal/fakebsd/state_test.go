package fakebsd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestKilledWriterLeavesWholeState: an emulated program killed at any
// moment (hvnetconf kills the commands still running when one of a batch
// fails) leaves the state as it was before its change or after it, never
// cut: hn0 is still there and the command record never shrinks. With the
// state truncated and rewritten in place, a kill between the two left an
// empty file, read as a host with nothing.
func TestKilledWriterLeavesWholeState(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:01")
	h.Update(func(s *State) { // a large state, so that a write takes a while
		for i := range 5000 {
			s.Commands = append(s.Commands, Command{Argv: []string{"ifconfig", "hn0", fmt.Sprint(i)}})
		}
	})
	ifconfig := filepath.Join(filepath.Dir(Binary(t)), "ifconfig")
	run := func() *exec.Cmd {
		cmd := exec.Command(ifconfig, "hn0", "up")
		cmd.Env = append(os.Environ(), h.Env()...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// How long one takes whole: the kills sweep the second half of it and
	// a little after, where it writes.
	start := time.Now()
	if err := run().Wait(); err != nil {
		t.Fatal(err)
	}
	whole := time.Since(start)
	records := len(h.State().Commands)
	const kills = 100
	for i := range kills {
		after := whole/2 + whole*time.Duration(i)/kills*3/4
		cmd := run()
		time.Sleep(after)
		cmd.Process.Kill()
		cmd.Wait()
		s, err := read(h.StatePath)
		if err != nil {
			t.Fatalf("kill %d after %v (a whole run: %v): %v", i, after, whole, err)
		}
		if s.Ifaces["hn0"] == nil || len(s.Commands) < records {
			t.Fatalf("kill %d after %v (a whole run: %v): hn0 there %v, %d commands recorded (was %d)", i, after, whole, s.Ifaces["hn0"] != nil, len(s.Commands), records)
		}
		records = len(s.Commands)
	}
}
