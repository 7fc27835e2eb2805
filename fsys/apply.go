package fsys

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Mode is the permission of every file hvnetconf writes: rc.conf.d and
// devd files are world-readable configuration, as in the base system.
const Mode fs.FileMode = 0o644

// DirMode is the permission of the directories Apply creates (less umask).
const DirMode fs.FileMode = 0o755

// Change is one file to write (Data) or to remove (Remove, Data nil).
type Change struct {
	Path   string // logical path, e.g. /usr/local/etc/rc.conf.d/network
	Data   []byte
	Remove bool
}

// target is a change checked against what is on disk now.
type target struct {
	Change
	rel     string
	old     []byte
	existed bool
	mode    fs.FileMode
	missing []string // parent directories to create, outermost first
}

// Apply makes every change, or none. First it checks every target: one
// that exists and was not written by hvnetconf (see Owned), or that is not
// a regular file, is a conflict (exit 73) and nothing at all is written.
// Then it writes each file atomically and removes each file to remove.
// If a step fails, what was already changed is restored and the error
// (exit 74) names the path. The Backup returned puts every touched path
// back as it was, for a rollback after a later failure.
func (r *Root) Apply(changes []Change) (*Backup, error) {
	targets, err := r.check(changes)
	if err != nil {
		return nil, err
	}
	b := &Backup{r: r}
	for _, t := range targets {
		if err := r.apply(b, t); err != nil {
			if rerr := b.Restore(); rerr != nil {
				// One line, as every error hvnetconf prints.
				msg := strings.ReplaceAll(rerr.Error(), "\n", "; ")
				return nil, sysexits.Errorf(sysexits.IOErr, "%w; restoring the previous files failed too: %s", err, msg)
			}
			return nil, err
		}
	}
	return b, nil
}

func (r *Root) check(changes []Change) ([]target, error) {
	seen := map[string]bool{}
	var out []target
	for _, c := range changes {
		rel, err := relPath(c.Path, sysexits.CantCreate)
		if err != nil {
			return nil, err
		}
		if seen[rel] {
			return nil, sysexits.Errorf(sysexits.Software, "%s: changed twice in one apply", c.Path)
		}
		seen[rel] = true
		t := target{Change: c, rel: rel}
		if err := r.inspect(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// inspect records the target's present state and refuses to touch what
// hvnetconf does not own.
func (r *Root) inspect(t *target) error {
	conflict := func(format string, args ...any) error {
		return sysexits.Errorf(sysexits.CantCreate, "%s: "+format, append([]any{t.Path}, args...)...)
	}
	fi, err := r.ops.Lstat(t.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if t.Remove {
			return nil
		}
		t.missing, err = r.missingDirs(t.Path, path.Dir(t.rel))
		return err
	case err != nil:
		// Most likely a parent is a file or a link leaving the root:
		// name the parent if so.
		if _, perr := r.missingDirs(t.Path, path.Dir(t.rel)); perr != nil {
			return perr
		}
		return conflict("%v", unwrapPath(err))
	case fi.Mode()&fs.ModeSymlink != 0:
		return conflict("is a symbolic link; hvnetconf writes only regular files")
	case !fi.Mode().IsRegular():
		return conflict("exists and is not a regular file")
	}
	if t.old, err = r.ops.ReadFile(t.rel); err != nil {
		return conflict("%v", unwrapPath(err))
	}
	t.existed, t.mode = true, fi.Mode().Perm()
	if !Owned(t.old) {
		if t.Remove {
			return conflict("was not written by hvnetconf; it will not be removed")
		}
		return conflict("exists and was not written by hvnetconf; move it away or merge it by hand")
	}
	return nil
}

// missingDirs lists the directories above a new file that do not exist
// yet, outermost first; a parent that is not a directory is a conflict.
func (r *Root) missingDirs(logical, dir string) ([]string, error) {
	var missing []string
	for ; dir != "."; dir = path.Dir(dir) {
		fi, err := r.ops.Stat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			missing = append([]string{dir}, missing...)
			continue
		}
		if err == nil && !fi.IsDir() {
			err = errors.New("is not a directory")
		}
		if err != nil {
			return nil, sysexits.Errorf(sysexits.CantCreate, "%s: parent /%s: %v", logical, dir, unwrapPath(err))
		}
		break
	}
	return missing, nil
}

// apply makes one checked change. The backup entry is recorded first, so
// that a change that fails halfway is restored too.
func (r *Root) apply(b *Backup, t target) error {
	if t.Remove {
		if !t.existed {
			return nil
		}
		b.saved = append(b.saved, t)
		if err := r.ops.Remove(t.rel); err != nil {
			return ioErr(t.Path, "remove", err)
		}
		return r.syncDir(t.Path, t.rel)
	}
	if t.existed && t.mode == Mode && bytes.Equal(t.old, t.Data) {
		return nil // already right: leave it, and its mtime, alone
	}
	b.saved = append(b.saved, t)
	for _, dir := range t.missing {
		err := r.ops.Mkdir(dir, DirMode)
		if errors.Is(err, fs.ErrExist) {
			continue // made for an earlier target of this apply
		}
		if err != nil {
			return ioErr(t.Path, "mkdir /"+dir, err)
		}
		b.dirs = append(b.dirs, dir)
	}
	return r.writeAtomic(t.Path, t.rel, t.Data, Mode)
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
