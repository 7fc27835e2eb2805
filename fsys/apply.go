package fsys

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Mode is the permission of every file hvnetconf writes: rc.conf.d and
// devd files are world-readable configuration, as in the base system.
const Mode fs.FileMode = 0o644

// DirMode is the permission of the directories Apply creates, whatever
// the umask (osOps.Mkdir).
const DirMode fs.FileMode = 0o755

// Change is one file to write (Data) or to remove (Remove, Data nil).
type Change struct {
	Path   string // logical path, e.g. /usr/local/etc/rc.conf.d/network
	Data   []byte
	Remove bool
	// Seen says the caller planned the change from Old (OldExists):
	// a target that no longer holds exactly that is refused, so an edit
	// made between the caller's read and the write is never lost.
	Seen      bool
	Old       []byte
	OldExists bool
}

// step is one file a transaction replaces or removes, checked against
// the disk: rel is where the booted system finds Path (links resolved).
type step struct {
	logical, rel string
	data         []byte // the new content (nil with remove)
	remove       bool
	mode         fs.FileMode
	// What must be at rel just before the rename or removal: the
	// content seen when the step was planned, or nothing.
	expect       []byte
	expectExists bool
	expectMode   fs.FileMode
	missing      []string // parent directories to create, outermost first
	tmp          string   // the staged new content, once written
}

// Apply makes every change, or none, as one transaction (see transact).
// First it checks every target: one that exists and was not written by
// hvnetconf (see Owned), or that is not a regular file, is a conflict
// (exit 73) and nothing at all is written. A file that already has the
// wanted content and mode is left alone, mtime included. If a step fails,
// what was already changed is restored and the error (exit 74) names the
// path. The Backup returned puts every touched path back as it was, for a
// rollback after a later failure.
func (r *Root) Apply(changes []Change) (*Backup, error) {
	steps, err := r.plan(changes)
	if err != nil {
		return nil, err
	}
	b := &Backup{r: r}
	if err := r.transact(steps, &b.dirs); err != nil {
		return nil, err
	}
	b.steps = steps
	return b, nil
}

// plan checks every change and returns the steps that change something.
func (r *Root) plan(changes []Change) ([]step, error) {
	seen := map[string]string{}
	var out []step
	for _, c := range changes {
		if _, err := relPath(c.Path, sysexits.CantCreate); err != nil {
			return nil, err
		}
		rel, err := r.resolveTarget(c.Path)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[rel]; dup {
			return nil, sysexits.Errorf(sysexits.Software, "%s: changed twice in one apply (also as %s)", c.Path, first)
		}
		seen[rel] = c.Path
		if !c.Remove && !Owned(c.Data) {
			// Recovery relies on it: a staged file without the
			// header is not hvnetconf's (checkJournal).
			return nil, sysexits.Errorf(sysexits.Software, "%s: content without hvnetconf's header", c.Path)
		}
		s := step{logical: c.Path, rel: rel, data: c.Data, remove: c.Remove, mode: Mode}
		if err := r.inspect(&s); err != nil {
			return nil, err
		}
		if c.Seen && (s.expectExists != c.OldExists || !bytes.Equal(s.expect, c.Old)) {
			return nil, sysexits.Errorf(sysexits.CantCreate, "%s: changed since hvnetconf read it; nothing was written (run it again)", c.Path)
		}
		unchanged := s.expectExists && !s.remove && s.expectMode == Mode && bytes.Equal(s.expect, s.data)
		if unchanged || (s.remove && !s.expectExists) {
			continue
		}
		out = append(out, s)
	}
	return out, nil
}

// inspect records the target's present state and refuses to touch what
// hvnetconf does not own.
func (r *Root) inspect(s *step) error {
	conflict := func(format string, args ...any) error {
		return sysexits.Errorf(sysexits.CantCreate, "%s: "+format, append([]any{s.logical}, args...)...)
	}
	fi, err := r.ops.Lstat(s.rel)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if s.remove {
			return nil
		}
		s.missing, err = r.missingDirs(s.logical, path.Dir(s.rel))
		return err
	case err != nil:
		return conflict("%v", unwrapPath(err))
	case fi.Mode()&fs.ModeSymlink != 0:
		return conflict("is a symbolic link; hvnetconf writes only regular files")
	case !fi.Mode().IsRegular():
		return conflict("exists and is %s; hvnetconf writes only regular files", kind(fi.Mode()))
	case links(fi) > 1:
		// Not hvnetconf's (it renames new files in, one name each), and
		// another name may be outside the root (see hardLinked).
		return conflict("has %d hard links; hvnetconf replaces only files with one", links(fi))
	}
	old, err := r.ops.ReadRegular(s.rel, MaxFileSize)
	if err != nil {
		return readErr(s.logical, err)
	}
	s.expect, s.expectExists, s.expectMode = old, true, fi.Mode().Perm()
	if !Owned(old) {
		if s.remove {
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
		fi, err := r.ops.Lstat(dir)
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

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
