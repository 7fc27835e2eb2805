package rcconf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"mvdan.cc/sh/v3/interp"
)

// maxFileSize bounds every file rcconf reads: rc.conf files are a few KiB,
// so anything bigger is a mistake (or an attack on the evaluator). It is
// the confined root's cap.
const maxFileSize = fsys.MaxFileSize

// rootFS reads logical absolute paths (/etc/rc.conf) through the confined
// root (links resolved as the booted system would, never out of the root,
// regular files only, capped), with the Overlay map taking precedence over
// the files on disk. Overlay keys are resolved paths, so a file reached
// through a link is masked too.
type rootFS struct {
	root    *fsys.Root
	overlay map[string][]byte
	session *Session  // resolves each path once (nil: every time)
	log     *[]access // when set, every access and its answer (Session.begin)
}

// resolve is the overlay key for logical: its path on the booted system.
func (f *rootFS) resolve(logical string) (string, error) {
	r := f.resolveFixed(logical)
	return r.path, r.err
}

// resolveFixed is resolve, and whether the path is its own resolution
// (fsys.Root.ResolveFixed), which the reads below then take as it is.
func (f *rootFS) resolveFixed(logical string) resolved {
	clean := path.Clean("/" + logical)
	return f.session.resolve(clean, func() resolved {
		p, fixed, err := f.root.ResolveFixed(clean)
		if err != nil {
			return resolved{err: pathCause(err)}
		}
		return resolved{path: p, fixed: fixed}
	})
}

// Accesses, by what the shell and load_rc_config may learn from each.
const (
	opStat    = "stat"
	opRead    = "read"
	opReadDir = "readdir"
)

// stat, readFile and readDir are the accesses, logged when f.log is set.
func (f *rootFS) stat(logical string) (fs.FileInfo, error) {
	info, err := f.statFile(logical)
	if f.log != nil {
		*f.log = append(*f.log, access{opStat, logical, f.logKey(logical), statAnswer(info, err)})
	}
	return info, err
}

func (f *rootFS) readFile(logical string) ([]byte, error) {
	data, err := f.read(logical)
	if f.log != nil {
		*f.log = append(*f.log, access{opRead, logical, f.logKey(logical), readAnswer(data, err)})
	}
	return data, err
}

func (f *rootFS) readDir(logical string) ([]fs.DirEntry, error) {
	entries, err := f.list(logical)
	if f.log != nil {
		*f.log = append(*f.log, access{opReadDir, logical, f.logKey(logical), dirAnswer(entries, err)})
	}
	return entries, err
}

// logKey is the path an access of logical answers from (overlay keys are
// resolved paths), or "/" when logical does not resolve: then every
// overlay difference asks it again.
func (f *rootFS) logKey(logical string) string {
	p, err := f.resolve(logical)
	if err != nil {
		return "/"
	}
	return p
}

// answer is what access op of logical answers now, in the form logged.
func (f *rootFS) answer(op, logical string) []byte {
	switch op {
	case opStat:
		return statAnswer(f.statFile(logical))
	case opRead:
		return readAnswer(f.read(logical))
	}
	return dirAnswer(f.list(logical))
}

// statAnswer holds everything test(1) may ask of a file (-nt compares
// times).
func statAnswer(info fs.FileInfo, err error) []byte {
	if err != nil {
		return []byte("error " + err.Error())
	}
	return fmt.Appendf(nil, "%s %d %v %d %v", info.Name(), info.Size(), info.Mode(), info.ModTime().UnixNano(), info.IsDir())
}

func readAnswer(data []byte, err error) []byte {
	if err != nil {
		return []byte("error " + err.Error())
	}
	return append([]byte("data "), data...)
}

func dirAnswer(entries []fs.DirEntry, err error) []byte {
	if err != nil {
		return []byte("error " + err.Error())
	}
	var b []byte
	for _, e := range entries {
		b = fmt.Appendf(b, "%s %v\n", e.Name(), e.Type())
	}
	return b
}

// overlayDir reports whether some overlay file lives below dir, which makes
// dir exist even when it is absent on disk.
func (f *rootFS) overlayDir(dir string) bool {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	for p, data := range f.overlay {
		if data != nil && strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// statFile follows symlinks, like test -f and test -d.
func (f *rootFS) statFile(logical string) (fs.FileInfo, error) {
	r := f.resolveFixed(logical)
	p, err := r.path, r.err
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: logical, Err: err}
	}
	if data, ok := f.overlay[p]; ok {
		if data == nil {
			return nil, &fs.PathError{Op: "stat", Path: logical, Err: fs.ErrNotExist}
		}
		return memInfo{name: path.Base(p), size: int64(len(data))}, nil
	}
	info, err := f.diskStat(r)
	if err != nil && f.overlayDir(p) {
		return memInfo{name: path.Base(p), dir: true}, nil
	}
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: logical, Err: pathCause(err)}
	}
	return info, nil
}

// read returns a regular file's content, refusing directories, other
// non-regular files and anything larger than maxFileSize.
func (f *rootFS) read(logical string) ([]byte, error) {
	r := f.resolveFixed(logical)
	p, err := r.path, r.err
	if err != nil {
		return nil, err
	}
	if data, ok := f.overlay[p]; ok {
		if data == nil {
			return nil, fs.ErrNotExist
		}
		if len(data) > maxFileSize {
			return nil, errTooBig
		}
		return data, nil
	}
	data, ok, err := f.diskRead(r)
	switch {
	case fsys.IsTooBig(err):
		return nil, errTooBig
	case err != nil:
		return nil, pathCause(err)
	case !ok && f.overlayDir(p):
		return nil, errIsDir
	case !ok:
		return nil, fs.ErrNotExist
	}
	return data, nil
}

// list lists a directory, disk entries merged with the overlay, sorted
// by name as sh sorts a glob.
func (f *rootFS) list(logical string) ([]fs.DirEntry, error) {
	r := f.resolveFixed(logical)
	p, err := r.path, r.err
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: logical, Err: err}
	}
	byName := map[string]fs.DirEntry{}
	disk, err := f.diskReadDir(r)
	if err != nil && !f.overlayDir(p) {
		return nil, &fs.PathError{Op: "readdir", Path: logical, Err: pathCause(err)}
	}
	for _, d := range disk {
		byName[d.Name()] = d
	}
	prefix := strings.TrimSuffix(p, "/") + "/"
	for op, data := range f.overlay {
		rest, ok := strings.CutPrefix(op, prefix)
		if !ok || rest == "" {
			continue
		}
		name, _, sub := strings.Cut(rest, "/")
		switch {
		case sub:
			byName[name] = fs.FileInfoToDirEntry(memInfo{name: name, dir: true})
		case data == nil:
			delete(byName, name)
		default:
			byName[name] = fs.FileInfoToDirEntry(memInfo{name: name, size: int64(len(data))})
		}
	}
	out := make([]fs.DirEntry, 0, len(byName))
	for _, d := range byName {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// diskStat, diskRead and diskReadDir answer from the disk, through the
// Session: the root does not change during one, so it keeps each answer
// for the Loads after (each Load looks for the same rc.conf.d files, and
// each kept start asks its accesses again).
func (f *rootFS) diskStat(r resolved) (fs.FileInfo, error) {
	a := f.session.disk(opStat, r, func() (a diskAnswer) {
		a.info, a.err = r.stat(f.root)
		return a
	})
	return a.info, a.err
}

func (f *rootFS) diskRead(r resolved) ([]byte, bool, error) {
	a := f.session.disk(opRead, r, func() (a diskAnswer) {
		a.data, a.ok, a.err = r.readFile(f.root)
		return a
	})
	return a.data, a.ok, a.err
}

func (f *rootFS) diskReadDir(r resolved) ([]fs.DirEntry, error) {
	a := f.session.disk(opReadDir, r, func() (a diskAnswer) {
		a.entries, a.err = r.readDir(f.root)
		return a
	})
	return a.entries, a.err
}

// stat, readFile and readDir reach r.path under root, without looking its
// components up again when r is fixed.
func (r resolved) stat(root *fsys.Root) (fs.FileInfo, error) {
	if r.fixed {
		return root.StatResolved(r.path)
	}
	return root.Stat(r.path)
}

func (r resolved) readFile(root *fsys.Root) ([]byte, bool, error) {
	if r.fixed {
		return root.ReadFileResolved(r.path)
	}
	return root.ReadFile(r.path)
}

func (r resolved) readDir(root *fsys.Root) ([]fs.DirEntry, error) {
	if r.fixed {
		return root.ReadDirResolved(r.path)
	}
	return root.ReadDir(r.path)
}

// pathCause drops the path the confined root puts in front of its errors
// (rcconf names the file itself, with a line) and os.Root's relative one.
func pathCause(err error) error {
	var pe *fsys.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return unwrapPathErr(err)
}

var (
	errTooBig = errors.New("file is larger than the 1 MiB limit")
	errIsDir  = errors.New("is a directory")
)

// unwrapPathErr drops os.Root's path (relative to the root, which the user
// never sees) and keeps the cause.
func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// memInfo describes an overlay file or an implied overlay directory.
type memInfo struct {
	name string
	size int64
	dir  bool
}

func (m memInfo) Name() string       { return m.name }
func (m memInfo) Size() int64        { return m.size }
func (m memInfo) ModTime() time.Time { return time.Time{} }
func (m memInfo) IsDir() bool        { return m.dir }
func (m memInfo) Sys() any           { return ownerSys() }
func (m memInfo) Mode() fs.FileMode {
	if m.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}

// memFile serves file content to the interpreter (read-only), or swallows
// writes for /dev/null.
type memFile struct{ *bytes.Reader }

func (memFile) Write(p []byte) (int, error) { return len(p), nil }
func (memFile) Close() error                { return nil }

// handlers confine the interpreter's file access to the root (read-only).
type handlers struct{ fs *rootFS }

var errNoWrite = errors.New("writing files is not allowed")

func (h handlers) open(_ context.Context, p string, flag int, _ os.FileMode) (io.ReadWriteCloser, error) {
	if p == "/dev/null" {
		return memFile{bytes.NewReader(nil)}, nil
	}
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_TRUNC) != 0 {
		return nil, &fs.PathError{Op: "open", Path: p, Err: errNoWrite}
	}
	data, err := h.fs.readFile(p)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: p, Err: err}
	}
	// Only read consumes an opened file, and FreeBSD's read skips NUL
	// bytes (bin/sh/miscbltin.c, readcmd): no sh variable can hold one.
	// mvdan's read would keep them, and its set -x tracing panics on them.
	if bytes.IndexByte(data, 0) >= 0 {
		data = bytes.ReplaceAll(data, []byte{0}, nil)
	}
	return memFile{bytes.NewReader(data)}, nil
}

func (h handlers) stat(_ context.Context, p string, _ bool) (fs.FileInfo, error) {
	info, err := h.fs.stat(p)
	if err != nil {
		return nil, err
	}
	return ownedInfo{info}, nil
}

// ownedInfo reports every file as the current user's: see ownerSys.
type ownedInfo struct{ fs.FileInfo }

func (ownedInfo) Sys() any { return ownerSys() }

func (h handlers) access(_ context.Context, p string, mode interp.AccessMode) error {
	info, err := h.fs.stat(p)
	if err != nil {
		return err
	}
	if mode&interp.AccessWrite != 0 {
		return &fs.PathError{Op: "access", Path: p, Err: errNoWrite}
	}
	if mode&interp.AccessExec != 0 && !info.IsDir() && info.Mode().Perm()&0o111 == 0 {
		return &fs.PathError{Op: "access", Path: p, Err: fs.ErrPermission}
	}
	return nil
}

func (h handlers) readDir(_ context.Context, p string) ([]fs.DirEntry, error) {
	return h.fs.readDir(p)
}
