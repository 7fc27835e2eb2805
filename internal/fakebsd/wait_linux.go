//go:build linux

package fakebsd

import (
	"golang.org/x/sys/unix"
)

// stateChanges reports each change of the state file (inotify(7): every
// update truncates and rewrites it in place, IN_MODIFY) and its removal,
// which the caller's next read then finds; the channel is closed if the
// watch cannot be read any longer. Without an inotify instance left
// (fs.inotify.max_user_instances), it polls.
func stateChanges(path string) (<-chan struct{}, func()) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return tickChanges()
	}
	if _, err := unix.InotifyAddWatch(fd, path, unix.IN_MODIFY|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF); err != nil {
		unix.Close(fd)
		return tickChanges()
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		buf := make([]byte, 4096)
		for {
			n, err := unix.Read(fd, buf)
			if n <= 0 && err != unix.EINTR {
				return
			}
			select {
			case ch <- struct{}{}:
			default: // one pending report covers every change before it
			}
		}
	}()
	return ch, func() { unix.Close(fd) }
}
