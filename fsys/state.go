package fsys

import (
	"errors"
	"io/fs"
	"path"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// StateDir is where hvnetconf keeps state of its own on a live system (a
// change waiting for confirmation): /var/db is where FreeBSD keeps state
// that survives a reboot (hier(7)), unlike /var/run, which rc clears at
// boot. Nothing in it is configuration; nothing on the booted system but
// hvnetconf reads it.
const StateDir = "/var/db/hvnetconf"

// stateMode: the state records file contents and the commands that undo
// a change; only root reads it.
const stateMode fs.FileMode = 0o600

// ReadState reads the state file name in StateDir: (nil, false, nil) when
// there is none.
func (r *Root) ReadState(name string) ([]byte, bool, error) {
	return r.ReadFile(path.Join(StateDir, name))
}

// WriteState replaces the state file name in StateDir atomically: the new
// content is staged beside it and fsync'ed, renamed over it, and the
// directory fsync'ed, so a crash at any instant leaves the old content or
// the new one. StateDir is created (0700) when missing. Anything but a
// regular file at the name is refused, never written through.
func (r *Root) WriteState(name string, data []byte) error {
	logical := path.Join(StateDir, name)
	rel, err := r.stateRel(logical)
	if err != nil {
		return err
	}
	missing, err := r.missingDirs(logical, path.Dir(rel))
	if err != nil {
		return err
	}
	for _, dir := range missing {
		if err := r.ops.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return ioErr(logical, "mkdir /"+dir, err)
		}
	}
	if _, err := r.sweep(path.Dir(rel)); err != nil {
		return err // a crashed write's leftover, removed first
	}
	tmp, err := r.writeTemp(logical, rel, data, stateMode)
	if err != nil {
		return err
	}
	if err := r.ops.Rename(tmp, rel); err != nil {
		_ = r.ops.Remove(tmp)
		return ioErr(logical, "rename", err)
	}
	if err := r.ops.SyncDir(path.Dir(rel)); err != nil {
		return ioErr(logical, "fsync directory", err)
	}
	return nil
}

// RemoveState removes the state file name, durably; none is no error.
func (r *Root) RemoveState(name string) error {
	logical := path.Join(StateDir, name)
	rel, err := r.stateRel(logical)
	if err != nil {
		return err
	}
	if err := r.ops.Remove(rel); errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil
	} else if err != nil {
		return ioErr(logical, "remove", err)
	}
	if err := r.ops.SyncDir(path.Dir(rel)); err != nil {
		return ioErr(logical, "fsync directory", err)
	}
	return nil
}

// stateRel resolves a state file's directory (a link at the name itself
// is refused) and refuses what is not a regular file there.
func (r *Root) stateRel(logical string) (string, error) {
	rel, err := r.resolveTarget(logical)
	if err != nil {
		return "", err
	}
	fi, err := r.ops.Lstat(rel)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return rel, nil
	case err != nil:
		return "", ioErr(logical, "lookup", err)
	case !fi.Mode().IsRegular():
		return "", sysexits.Errorf(sysexits.CantCreate, "%s: exists and is %s; move it away", logical, kind(fi.Mode()))
	}
	return rel, nil
}
