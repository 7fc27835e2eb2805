//go:build unix

package fsys

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// LockPath is the lock of a live system: every hvnetconf that reads or
// writes "/" (render, apply, check, the devd handlers) holds it, so runs
// never interleave. /var/run is where FreeBSD keeps such files (hier(7)).
const LockPath = "/var/run/hvnetconf.lock"

// pollInterval is how often Lock retries a busy lock: short enough that a
// devd handler waiting behind an apply starts promptly.
const pollInterval = 20 * time.Millisecond

// Lock takes the root's exclusive lock, waiting up to wait for another
// hvnetconf to let go (then exit 75). On a live system it is flock(2) on
// LockPath (created if needed, a regular file only); in an image it is
// flock(2) on the root directory itself, so nothing is created in the
// image. flock is dropped by the kernel when the process dies: a crashed
// run never leaves the root locked.
// A cancelled ctx (SIGTERM, SIGINT) ends the wait at once, exit 75.
func (r *Root) Lock(ctx context.Context, wait time.Duration) (unlock func() error, err error) {
	f, name, err := r.lockFile()
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return f.Close, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, sysexits.Errorf(sysexits.IOErr, "%s: flock: %v", name, err)
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, sysexits.Errorf(sysexits.TempFail, "%s: locked by another hvnetconf (waited %s)", name, wait)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, sysexits.Errorf(sysexits.TempFail, "%s: interrupted while waiting for another hvnetconf", name)
		case <-time.After(pollInterval):
		}
	}
}

// lockFile opens what Lock locks, and its name for messages.
func (r *Root) lockFile() (*os.File, string, error) {
	if r.image {
		f, err := r.os.Open(".")
		if err != nil {
			return nil, r.dir, ioErr(r.dir, "open for locking", err)
		}
		return f, r.dir, nil
	}
	rel, err := r.resolveRel(LockPath)
	if err != nil {
		return nil, LockPath, err
	}
	f, err := r.os.OpenFile(rel, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		return nil, LockPath, ioErr(LockPath, "open", err)
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, LockPath, sysexits.Errorf(sysexits.CantCreate, "%s: not a regular file; move it away", LockPath)
	}
	return f, LockPath, nil
}
