package fsys

import (
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// maxLinks bounds the symbolic links one lookup follows. FreeBSD's namei
// gives up after MAXSYMLINKS (32, sys/sys/param.h) with ELOOP; a loop
// inside an image must end the same way, not spin.
const maxLinks = 32

// errLoop is what the booted system would answer for a link loop.
var errLoop = syscall.ELOOP

// Resolve returns the path the booted system would reach for logical:
// every symbolic link followed, an absolute link target taken from the
// root (the image's "/", not the host's), ".." never above the root.
// The result is clean, absolute and free of links that existed when it
// was computed; a missing last component (or missing directories) is kept
// as named, so a file to create resolves too. Callers then open the
// result through os.Root, which refuses to leave the root should a link
// be swapped in meanwhile.
func (r *Root) Resolve(logical string) (string, error) {
	p, _, err := r.ResolveFixed(logical)
	return p, err
}

// ResolveFixed is Resolve, and reports whether the result is its own
// resolution: every component of it was looked up (none is a link), or
// the first missing one is followed by no ".." that path.Clean took away.
// While the tree does not change, the *Resolved methods may then take the
// result as it is, without looking every component up again.
func (r *Root) ResolveFixed(logical string) (string, bool, error) {
	if logical == "" || logical[0] != '/' {
		return "", false, sysexits.Errorf(sysexits.DataErr, "%s: not an absolute path", logical)
	}
	done := "/" // resolved so far: no links in it
	todo := strings.Split(logical[1:], "/")
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done) // "/.." is "/", as in any root
			continue
		}
		next := path.Join(done, name)
		fi, err := r.ops.Lstat(next[1:])
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			// The rest cannot exist: keep the names as given.
			rest := append([]string{next}, todo...)
			return path.Clean(path.Join(rest...)), !slices.Contains(todo, ".."), nil
		}
		if err != nil {
			return "", false, ioErr(logical, "lookup "+next, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", false, ioErr(logical, "lookup", errLoop)
		}
		target, err := r.ops.Readlink(next[1:])
		if err != nil {
			return "", false, ioErr(logical, "readlink "+next, err)
		}
		if strings.HasPrefix(target, "/") {
			done = "/"
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return done, true, nil
}

// resolveRel is Resolve for os.Root: the path relative to the root.
func (r *Root) resolveRel(logical string) (string, error) {
	p, err := r.Resolve(logical)
	if err != nil {
		return "", err
	}
	if p == "/" {
		return ".", nil
	}
	return p[1:], nil
}

// fixedRel is the os.Root path of p, a fixed result of ResolveFixed.
func fixedRel(p string) string {
	if p == "/" {
		return "."
	}
	return p[1:]
}

// resolveTarget resolves the directory of a file hvnetconf writes, not the
// file itself: a link at the target's own name is refused by inspect
// rather than written through.
func (r *Root) resolveTarget(logical string) (string, error) {
	dir, err := r.Resolve(path.Dir(logical))
	if err != nil {
		return "", err
	}
	return path.Join(dir, path.Base(logical))[1:], nil
}
