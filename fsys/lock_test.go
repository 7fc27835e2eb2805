//go:build unix

package fsys

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// TestLock: the lock excludes a second holder (even in one process: flock
// conflicts between open file descriptions), times out with exit 75, and
// goes to a waiter once released. In an image it creates nothing.
func TestLock(t *testing.T) {
	dir := build(t, tree{"etc": {"dir", 0}})
	before := snapshot(t, dir)
	r := open(t, dir)
	unlock, err := r.Lock(context.Background(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, err = open(t, dir).Lock(context.Background(), 100*time.Millisecond)
	want := dir + ": locked by another hvnetconf (waited 100ms)"
	if err == nil || err.Error() != want || sysexits.Code(err) != sysexits.TempFail {
		t.Fatalf("second Lock: err = %v, want %s (75)", err, want)
	}
	done := make(chan error, 1)
	go func() {
		u, err := open(t, dir).Lock(context.Background(), 5*time.Second)
		if err == nil {
			err = u()
		}
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("waiting Lock: %v", err)
	}
	if got := snapshot(t, dir); got != before {
		t.Errorf("locking an image changed it:\n%s", got)
	}
}

// TestLockInterrupted: a signal (a cancelled context) ends the wait at
// once, exit 75, instead of after the whole wait.
func TestLockInterrupted(t *testing.T) {
	dir := build(t, tree{"etc": {"dir", 0}})
	unlock, err := open(t, dir).Lock(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = open(t, dir).Lock(ctx, time.Hour)
	if sysexits.Code(err) != sysexits.TempFail || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("got %v, want exit 75 saying it was interrupted", err)
	}
}
