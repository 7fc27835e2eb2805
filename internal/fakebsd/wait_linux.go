//go:build linux

package fakebsd

import (
	"bytes"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// stateChanges reports each change of the state file (inotify(7)): every
// write renames a new file over it (save), so the watch is on its
// directory, for that name arriving (IN_MOVED_TO) or going; the
// directory's own removal closes the channel, as does a watch that cannot
// be read any longer. Without an inotify instance left
// (fs.inotify.max_user_instances), it polls.
func stateChanges(path string) (<-chan struct{}, func()) {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC)
	if err != nil {
		return tickChanges()
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if _, err := unix.InotifyAddWatch(fd, dir, unix.IN_ONLYDIR|unix.IN_MOVED_TO|unix.IN_CREATE|unix.IN_MODIFY|unix.IN_DELETE|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF); err != nil {
		unix.Close(fd)
		return tickChanges()
	}
	ch := make(chan struct{}, 1)
	go func() {
		defer close(ch)
		buf := make([]byte, 64<<10)
		for {
			n, err := unix.Read(fd, buf)
			if n <= 0 && err != unix.EINTR {
				return
			}
			if n > 0 && !namesFile(buf[:n], name) {
				continue
			}
			select {
			case ch <- struct{}{}:
			default: // one pending report covers every change before it
			}
		}
	}()
	return ch, func() { unix.Close(fd) }
}

// namesFile says whether the inotify events in b concern name, or the
// watched directory itself (an event with no name: its removal, or the
// queue overflowing, after which anything may have changed).
func namesFile(b []byte, name string) bool {
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		end := unix.SizeofInotifyEvent + int(ev.Len)
		if end > len(b) {
			return true
		}
		n := b[unix.SizeofInotifyEvent:end]
		if i := bytes.IndexByte(n, 0); i >= 0 {
			n = n[:i]
		}
		if len(n) == 0 || string(n) == name {
			return true
		}
		b = b[end:]
	}
	return false
}
