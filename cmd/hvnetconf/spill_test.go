package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
)

// closedAfter accepts n bytes, then fails as a pipe whose reader is gone.
type closedAfter struct {
	n   int
	got strings.Builder
}

func (c *closedAfter) Write(p []byte) (int, error) {
	if len(p) <= c.n {
		c.n -= len(p)
		c.got.Write(p)
		return len(p), nil
	}
	k := c.n
	c.got.Write(p[:k])
	c.n = 0
	return k, syscall.EPIPE
}

// TestSpill: once a write fails, what was not printed reaches the log,
// whole lines (a line cut by the failure included), from both streams;
// no write reports an error to the caller.
func TestSpill(t *testing.T) {
	out := &closedAfter{n: 12}
	errw := &closedAfter{n: 1 << 20}
	var log strings.Builder
	stdout, stderr := spillToSyslog(out, errw, &log)
	for i, line := range []string{"created /a\n", "run: ifconfig lagg0 create\n", "run: service netif start lagg0\n"} {
		if n, err := fmt.Fprint(stdout, line); err != nil || n != len(line) {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
	}
	fmt.Fprint(stderr, "[started]  ifconfig lagg0 create\n")
	if got, want := out.got.String(), "created /a\nr"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	if got, want := log.String(), "run: ifconfig lagg0 create\nrun: service netif start lagg0\n"; got != want {
		t.Errorf("syslog got %q, want %q", got, want)
	}
	if errw.got.String() != "[started]  ifconfig lagg0 create\n" {
		t.Errorf("stderr, still open, got %q", errw.got.String())
	}
}
