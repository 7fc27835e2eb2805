//go:build unix

package fsys

import (
	"os"
	"path"
	"syscall"

	"golang.org/x/sys/unix"
)

// MaxRecord bounds a record file (Record): a few KiB of history, never
// more, whatever its writers do.
const MaxRecord = 64 << 10

// Record rewrites the small file at logical, a record hvnetconf keeps for
// itself (the VF history under /var/db), with update's answer to its
// current content (nil when missing or unreadable: update rebuilds it).
// Writers are serialised by flock(2) on logical+".lock"; the new content
// goes to a temporary file beside it that is renamed over it, so a reader
// sees the whole old or the whole new file. Unlike Apply it keeps no
// journal and does not fsync: it runs on the devd handlers' hot path,
// and a crash loses at most the newest entries or leaves a file the next
// writer rebuilds. Missing directories are created (0755).
func (r *Root) Record(logical string, update func(old []byte) []byte) error {
	rel, err := relPath(logical, 73)
	if err != nil {
		return err
	}
	if err := r.mkdirs(path.Dir(rel)); err != nil {
		return ioErr(logical, "mkdir", err)
	}
	lock, err := r.os.OpenFile(rel+".lock", os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if err != nil {
		return ioErr(logical+".lock", "open", err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return ioErr(logical+".lock", "flock", err)
	}
	old, err := r.ops.ReadRegular(rel, MaxRecord)
	if err != nil {
		old = nil // missing, too big or not a file: rebuilt
	}
	f, tmp, err := r.ops.CreateTemp(path.Dir(rel), path.Base(rel))
	if err != nil {
		return ioErr(logical, "create temporary file", err)
	}
	_, err = f.Write(update(old))
	if err == nil {
		err = f.Chmod(Mode)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = r.ops.Rename(tmp, rel)
	}
	if err != nil {
		_ = r.ops.Remove(tmp)
		return ioErr(logical, "write", err)
	}
	return nil
}

// mkdirs makes dir and its missing parents under the root.
func (r *Root) mkdirs(dir string) error {
	if dir == "." || dir == "" {
		return nil
	}
	if fi, err := r.ops.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	if err := r.mkdirs(path.Dir(dir)); err != nil {
		return err
	}
	if err := r.ops.Mkdir(dir, DirMode); err != nil && !os.IsExist(err) {
		return err
	}
	return nil
}
