//go:build unix

package host

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func TestLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hvnetconf.lock")
	unlock, err := Lock(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// flock conflicts between open file descriptions, even in one process.
	start := time.Now()
	_, err = Lock(path, 100*time.Millisecond)
	want := path + ": locked by another hvnetconf (waited 100ms)"
	if err == nil || err.Error() != want || sysexits.Code(err) != sysexits.TempFail {
		t.Fatalf("second Lock: err = %v, want %s (75)", err, want)
	}
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("gave up after %s, before the deadline", waited)
	}

	// Released while a second caller waits: it gets the lock.
	done := make(chan error, 1)
	go func() {
		u, err := Lock(path, 5*time.Second)
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

	if _, err := Lock(filepath.Join(path, "sub", "x"), 0); sysexits.Code(err) != sysexits.CantCreate {
		t.Errorf("uncreatable path: err = %v (code %d)", err, sysexits.Code(err))
	}
}
