//go:build unix

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// envHoldChild makes the test binary act as a run that holds on
// (holdChild) instead of running tests.
const envHoldChild = "HVNETCONF_TEST_HOLD_CHILD"

// TestHoldOn: a run that holds on is neither stopped nor ended nor
// cancelled by what a session delivers (SIGHUP, SIGPIPE from a closed
// pipe on its standard output, ^Z, a background write's SIGTTOU, SIGTTIN),
// and SIGQUIT cancels it as SIGTERM does. The child is this test binary;
// wait4(2) with WUNTRACED sees a stop as well as an end.
func TestHoldOn(t *testing.T) {
	if os.Getenv(envHoldChild) != "" {
		t.Skip("the child's own run")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestHoldOnChild$")
	cmd.Env = append(os.Environ(), envHoldChild+"=1")
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = w, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	r.Close() // its standard output is a pipe nobody reads
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(cmd.Process.Pid, &ws, syscall.WUNTRACED, nil); err != nil {
		t.Fatal(err)
	}
	if ws.Stopped() {
		cmd.Process.Kill()
		syscall.Wait4(cmd.Process.Pid, &ws, 0, nil)
		t.Fatalf("the run was stopped by %v\n%s", ws.StopSignal(), stderr.String())
	}
	cmd.Wait() // the streams' copy
	if !ws.Exited() || ws.ExitStatus() != 0 || !strings.Contains(stderr.String(), "cancelled by SIGQUIT received") {
		t.Fatalf("child: %v, want exit 0 after SIGQUIT cancelled it:\n%s", ws, stderr.String())
	}
}

// TestHoldOnChild is TestHoldOn's child; alone it does nothing.
func TestHoldOnChild(t *testing.T) {
	if os.Getenv(envHoldChild) == "" {
		t.Skip("run by TestHoldOn")
	}
	// Never stopped: the test framework's last words go to the closed
	// pipe too, and must fail quietly as in a run.
	ctx, _ := watchSignals(context.Background())
	notes := &noteWriter{seen: make(chan string, 8)}
	holdOn(ctx, notes)
	self := os.Getpid()
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTSTP} {
		syscall.Kill(self, sig)
		if got := <-notes.seen; !strings.Contains(got, signalName(sig)+" ignored") {
			t.Fatalf("after %v: noted %q", sig, got)
		}
	}
	// SIG_IGN: nothing to wait for; a stop would show in the parent's wait4.
	syscall.Kill(self, syscall.SIGTTOU)
	syscall.Kill(self, syscall.SIGTTIN)
	if _, err := os.Stdout.Write([]byte("to nobody\n")); err != syscall.EPIPE && !strings.Contains(fmt.Sprint(err), "broken pipe") {
		t.Fatalf("write to a closed pipe: %v, want EPIPE", err)
	}
	if got := <-notes.seen; !strings.Contains(got, "SIGPIPE ignored") {
		t.Fatalf("after a write to a closed pipe: noted %q", got)
	}
	if ctx.Err() != nil {
		t.Fatalf("cancelled by %v", context.Cause(ctx))
	}
	syscall.Kill(self, syscall.SIGQUIT)
	<-ctx.Done()
	fmt.Fprintf(os.Stderr, "cancelled by %v\n", context.Cause(ctx))
}

// noteWriter hands each note to the test.
type noteWriter struct {
	mu   sync.Mutex
	seen chan string
}

func (n *noteWriter) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.seen <- string(p)
	return len(p), nil
}
