//go:build unix

package host

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// pollInterval is how often Lock retries a busy lock: short enough that a
// devd handler waiting behind an apply starts promptly.
const pollInterval = 20 * time.Millisecond

// Lock takes an exclusive flock(2) on path (created if needed), waiting up
// to wait for another holder to let go. flock is released by the kernel
// when the process dies, so a crashed run never leaves the host locked.
// A lock still busy after wait is sysexits.TempFail.
func Lock(path string, wait time.Duration) (unlock func() error, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, sysexits.New(sysexits.CantCreate, err)
	}
	deadline := time.Now().Add(wait)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return func() error { return f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, sysexits.Errorf(sysexits.IOErr, "%s: flock: %v", path, err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, sysexits.Errorf(sysexits.TempFail, "%s: locked by another hvnetconf (waited %s)", path, wait)
		}
		time.Sleep(pollInterval)
	}
}
