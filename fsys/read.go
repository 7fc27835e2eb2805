package fsys

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// MaxFileSize caps every file hvnetconf reads: rc.conf files, the policy,
// firewall rule files and its own targets are a few KiB, so anything near
// the cap is a mistake (or an attack on the memory of a boot-time run).
const MaxFileSize = 1 << 20

// ReadFile returns the content of the regular file the booted system
// reaches at logical (see Resolve) and whether it exists; a missing file
// is (nil, false, nil). Anything else at the path (a FIFO, a device, a
// socket, a directory) is refused without opening it, so a read never
// blocks; a file over MaxFileSize is refused without reading past the cap.
func (r *Root) ReadFile(logical string) ([]byte, bool, error) {
	rel, err := r.resolveRel(logical)
	if err != nil {
		return nil, false, err
	}
	return r.readFileAt(logical, rel)
}

// ReadFileResolved is ReadFile of p, a result of ResolveFixed that is
// fixed (the tree has not changed since): it looks no component up again.
func (r *Root) ReadFileResolved(p string) ([]byte, bool, error) {
	return r.readFileAt(p, fixedRel(p))
}

func (r *Root) readFileAt(logical, rel string) ([]byte, bool, error) {
	ok, err := r.regularAt(logical, rel, "read")
	if err != nil || !ok {
		return nil, false, err
	}
	data, err := r.ops.ReadRegular(rel, MaxFileSize)
	if err != nil {
		return nil, false, readErr(logical, err)
	}
	return data, true, nil
}

// Stat describes what the booted system reaches at logical, links
// followed (test -f, test -d); missing is an error wrapping fs.ErrNotExist.
func (r *Root) Stat(logical string) (fs.FileInfo, error) {
	rel, err := r.resolveRel(logical)
	if err != nil {
		return nil, err
	}
	return r.ops.Lstat(rel)
}

// StatResolved is Stat of p, a fixed result of ResolveFixed (see
// ReadFileResolved).
func (r *Root) StatResolved(p string) (fs.FileInfo, error) {
	return r.ops.Lstat(fixedRel(p))
}

// MaxDirEntries bounds one directory listing: an rc.conf.d or a glob's
// directory holds a handful of entries; a hostile tree's may hold
// millions, which are refused before they are all read.
const MaxDirEntries = 65536

// ReadDir lists the directory the booted system reaches at logical,
// sorted by name; one with more than MaxDirEntries entries is refused
// (exit 65) naming it.
func (r *Root) ReadDir(logical string) ([]fs.DirEntry, error) {
	rel, err := r.resolveRel(logical)
	if err != nil {
		return nil, err
	}
	return r.readDirAt(logical, rel)
}

// ReadDirResolved is ReadDir of p, a fixed result of ResolveFixed (see
// ReadFileResolved).
func (r *Root) ReadDirResolved(p string) ([]fs.DirEntry, error) {
	return r.readDirAt(p, fixedRel(p))
}

func (r *Root) readDirAt(logical, rel string) ([]fs.DirEntry, error) {
	entries, err := r.ops.ReadDir(rel, MaxDirEntries+1)
	if err == nil && len(entries) > MaxDirEntries {
		return nil, sysexits.New(sysexits.DataErr, &PathError{Path: logical,
			Err: fmt.Errorf("more than %d entries; hvnetconf lists no directory that large", MaxDirEntries)})
	}
	return entries, err
}

// regular refuses everything but a regular file, by what Lstat saw.
func regular(logical string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return sysexits.New(sysexits.DataErr, &PathError{Path: logical,
		Err: fmt.Errorf("is %s, not a regular file; hvnetconf reads only regular files", kind(fi.Mode()))})
}

// kind names a file type for a message.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// errTooBig marks a file over the cap.
var errTooBig = fmt.Errorf("larger than the %d KiB limit on files hvnetconf reads", MaxFileSize>>10)

// errWaits marks a read that would block: not a file on disk.
var errWaits = errors.New("a read from it waits for data: not a file on disk")

// IsTooBig reports whether err is a read refused for its size.
func IsTooBig(err error) bool { return errors.Is(err, errTooBig) }

func readErr(logical string, err error) error {
	var se *sysexits.Error
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, errTooBig) {
		return sysexits.New(sysexits.DataErr, &PathError{Path: logical, Err: errTooBig})
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return sysexits.New(sysexits.DataErr, &PathError{Path: logical, Err: errWaits})
	}
	var hl hardLinked
	if errors.As(err, &hl) {
		return sysexits.New(sysexits.DataErr, &PathError{Path: logical, Err: hl})
	}
	var nr notRegular
	if errors.As(err, &nr) {
		return sysexits.New(sysexits.DataErr, &PathError{Path: logical, Err: nr})
	}
	return ioErr(logical, "read", err)
}

// readRegular opens name without following a last link and without
// blocking (O_NONBLOCK: a FIFO swapped in after the Lstat still does not
// wait for a writer), checks again on the open file that it is regular,
// and reads at most limit bytes.
func readRegular(root *os.Root, name string, limit int64) ([]byte, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && links(fi) > 1 {
		return nil, hardLinked(links(fi))
	}
	return readOpen(f, limit)
}

// hardLinked is a file under the root with more than one name. A hard
// link is the same file as every other name it has, which may be outside
// the root: a user who can write a directory of an image on the build
// host's file system can link a file there that only root may read (on
// FreeBSD, security.bsd.hardlink_check_uid=0 by default lets anyone link
// a file they do not own), and hvnetconf, running as root, would read it
// and could echo it (vars prints values). Nothing tells such a link from
// one made inside the root, so no file with more than one link is read.
// A stock FreeBSD has none among the files hvnetconf reads: base installs
// its hard links for programs only (LINKS in bin/ and sbin/ Makefiles);
// /etc/defaults/rc.conf is installed as a file of its own
// (libexec/rc/Makefile, CONFETCDEFAULTS, 15.0), and rc.conf, rc.conf.d,
// loader.conf and pf.conf are written by editors, sysrc and bsdinstall,
// which replace or write a file, never link one.
type hardLinked uint64

func (n hardLinked) Error() string {
	return fmt.Sprintf("has %d hard links; hvnetconf reads only files with one (another name may be outside the root): give it a copy of its own (cp it, then mv the copy over it)", uint64(n))
}

// notRegular is an open file that turned out not to be a regular file
// (swapped in after the Lstat, or a host path naming a device).
type notRegular struct{ mode fs.FileMode }

func (e notRegular) Error() string {
	return "is " + kind(e.mode) + ", not a regular file; hvnetconf reads only regular files"
}

// readOpen is the one capped read every file goes through: it checks on
// the open file that it is regular and not over limit, bounds the read in
// time (see bound) and in size.
func readOpen(f *os.File, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular{fi.Mode()}
	}
	if fi.Size() > limit {
		return nil, errTooBig
	}
	bound(f)
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooBig
	}
	return data, nil
}

// ReadHostFile reads a file the user named on the command line (--state,
// --config, a --golden tree's files): a host path, not one under the root,
// with the same rules as ReadFile: links followed, a regular file only
// (checked before opening, and again on the open file), at most
// MaxFileSize bytes.
func ReadHostFile(name string) ([]byte, error) {
	fi, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, sysexits.Errorf(sysexits.NoInput, "%s: no such file", name)
	}
	if err != nil {
		return nil, sysexits.Errorf(sysexits.IOErr, "%s: %v", name, unwrapPath(err))
	}
	if err := regular(name, fi); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, sysexits.Errorf(sysexits.IOErr, "%s: %v", name, unwrapPath(err))
	}
	defer f.Close()
	data, err := readOpen(f, MaxFileSize)
	if err != nil {
		return nil, readErr(name, err)
	}
	return data, nil
}

// readTimeout bounds one file read. A file on disk never waits; one that
// only looks regular (Linux's /proc/kmsg, a pseudo-file that waits for
// data) is pollable, and its read fails after this instead of blocking
// the run forever (even past SIGTERM: a blocked read is not interrupted).
const readTimeout = 2 * time.Second

// bound sets the read deadline. For a plain disk file, which the runtime
// poller does not handle, it is refused (os.ErrNoDeadline) and needed not.
func bound(f *os.File) {
	_ = f.SetReadDeadline(time.Now().Add(readTimeout))
}

// links is the number of names fi's file has (st_nlink).
func links(fi fs.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}

// OpenRegular opens the regular file the booted system reaches at logical
// for reading, for a file too big for ReadFile that is read in parts (the
// kernel's ELF sections); a missing file is (nil, false, nil), anything
// but a regular file with one link is refused as ReadFile refuses it.
func (r *Root) OpenRegular(logical string) (*os.File, bool, error) {
	rel, err := r.resolveRel(logical)
	if err != nil {
		return nil, false, err
	}
	ok, err := r.regularAt(logical, rel, "open")
	if err != nil || !ok {
		return nil, false, err
	}
	f, err := r.os.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, false, ioErr(logical, "open", err)
	}
	if fi, err := f.Stat(); err != nil || links(fi) > 1 {
		f.Close()
		return nil, false, readErr(logical, hardLinked(links(fi)))
	}
	return f, true, nil
}

// regularAt says whether a regular file is at rel, logical resolved
// (false: nothing is); anything else there is an error naming step.
func (r *Root) regularAt(logical, rel, step string) (bool, error) {
	fi, err := r.ops.Lstat(rel)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return false, nil
	}
	if err != nil {
		return false, ioErr(logical, step, err)
	}
	return true, regular(logical, fi)
}
