package main

import (
	"strings"
	"sync"
	"syscall"
	"testing"
)

// closedAfter takes n bytes, then fails as a pipe whose reader is gone.
type closedAfter struct {
	n   int
	got strings.Builder
}

func (c *closedAfter) Write(p []byte) (int, error) {
	k := min(c.n, len(p))
	c.got.Write(p[:k])
	c.n -= k
	if k < len(p) {
		return k, syscall.EPIPE
	}
	return k, nil
}

// stuck never returns from a write until the test ends: a terminal
// stopped with ^S, a reader that hangs.
type stuck struct{ entered, release chan struct{} }

func (s stuck) Write(p []byte) (int, error) {
	s.entered <- struct{}{}
	<-s.release
	return 0, syscall.EIO
}

// lockedLog is syslog for the test.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// TestOutbox: lines reach their stream in order; once a stream fails,
// its lines (the one cut by the failure included) reach the log; a stream
// that never returns holds nothing up, and what it has not printed when
// the run ends reaches the log; no write reports an error to the run.
func TestOutbox(t *testing.T) {
	t.Run("closed", func(t *testing.T) {
		out, errw, log := &closedAfter{n: 12}, &closedAfter{n: 1 << 20}, &lockedLog{}
		o := newOutbox(out, errw, log)
		for _, line := range []string{"created /a\n", "run: ifconfig lagg0 create\n", "run: service netif ", "start lagg0\n"} {
			if n, err := o.stdout().Write([]byte(line)); err != nil || n != len(line) {
				t.Fatalf("write %q: %d, %v", line, n, err)
			}
		}
		o.stderr().Write([]byte("[started]  ifconfig lagg0 create\n"))
		o.close(outboxWait) // everything written: returns at once
		if got, want := out.got.String(), "created /a\nr"; got != want {
			t.Errorf("printed %q, want %q", got, want)
		}
		if got, want := log.b.String(), "run: ifconfig lagg0 create\nrun: service netif start lagg0\n"; got != want {
			t.Errorf("syslog got %q, want %q", got, want)
		}
		if errw.got.String() != "[started]  ifconfig lagg0 create\n" {
			t.Errorf("stderr, still open, got %q", errw.got.String())
		}
	})
	t.Run("stuck", func(t *testing.T) {
		s := stuck{entered: make(chan struct{}, 1), release: make(chan struct{})}
		defer close(s.release)
		log := &lockedLog{}
		o := newOutbox(s, s, log)
		lines := []string{"[started]  service dhclient forcestop hn0\n", "[finished] service dhclient forcestop hn0\n", "run: service netif start lagg0\n"}
		for i, line := range lines {
			if i == 2 {
				o.stdout().Write([]byte(line))
			} else {
				o.stderr().Write([]byte(line))
			}
			if i == 0 {
				<-s.entered // the writer is stuck on the first line
			}
		}
		o.close(0) // the run has ended; its terminal still does not read
		if got, want := log.b.String(), strings.Join(lines, ""); got != want {
			t.Errorf("syslog got %q, want %q", got, want)
		}
		o.stderr().Write([]byte("late\n"))
		if !strings.HasSuffix(log.b.String(), "late\n") {
			t.Errorf("a line after close: syslog got %q", log.b.String())
		}
	})
}
