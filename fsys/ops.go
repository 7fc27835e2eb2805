package fsys

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
)

// ops is every file operation Apply and Restore perform, so that tests can
// make any one of them fail and check what is left behind.
type ops interface {
	Lstat(name string) (fs.FileInfo, error)
	Stat(name string) (fs.FileInfo, error)
	Readlink(name string) (string, error)
	// ReadRegular reads a regular file, at most limit bytes, without
	// blocking and without following a last link (see readRegular).
	ReadRegular(name string, limit int64) ([]byte, error)
	// ReadDir lists at most n entries of a directory, sorted by name:
	// a directory from a hostile tree may hold millions.
	ReadDir(name string, n int) ([]fs.DirEntry, error)
	Mkdir(name string, perm fs.FileMode) error
	Rename(oldname, newname string) error
	Remove(name string) error
	// CreateTemp creates a new file in dir, open for writing, named
	// after base so a leftover is recognisable.
	CreateTemp(dir, base string) (file, string, error)
	// SyncDir makes a directory's entries (a rename) durable.
	SyncDir(dir string) error
}

// file is the part of *os.File a write uses.
type file interface {
	io.Writer
	Sync() error
	Chmod(mode fs.FileMode) error
	Close() error
}

// osOps performs the operations inside an os.Root.
type osOps struct{ *os.Root }

func (o osOps) CreateTemp(dir, base string) (file, string, error) {
	for {
		var rnd [6]byte
		_, _ = rand.Read(rnd[:]) // never fails (crypto/rand docs)
		name := path.Join(dir, "."+base+".hvnetconf-"+hex.EncodeToString(rnd[:]))
		// 0600 until written: nobody reads a half-written file.
		f, err := o.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, name, nil
	}
}

func (o osOps) ReadRegular(name string, limit int64) ([]byte, error) {
	return readRegular(o.Root, name, limit)
}

func (o osOps) ReadDir(name string, n int) ([]fs.DirEntry, error) {
	d, err := o.Open(name)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	entries, err := d.ReadDir(n)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, nil
}

// Mkdir makes a directory with exactly perm: mkdir(2) takes the umask
// away (0700 under umask 077), and the booted system's daemons and users
// expect 0755 for /usr/local/etc and its subdirectories, as the base
// system ships them (etc/mtree/BSD.local.dist). The mode is set through
// the opened directory (O_NOFOLLOW), so a name swapped for a link
// meanwhile is never changed.
func (o osOps) Mkdir(name string, perm fs.FileMode) error {
	if err := o.Root.Mkdir(name, perm); err != nil {
		return err
	}
	d, err := o.OpenFile(name, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	err = d.Chmod(perm)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

func (o osOps) SyncDir(dir string) error {
	d, err := o.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
