package fsys

import (
	"errors"
	"io/fs"
	"slices"
)

// Backup holds what Apply replaced or removed, to put it back.
type Backup struct {
	r     *Root
	saved []target // in the order they were changed
	dirs  []string // directories Apply created, outermost first
}

// Restore puts every path Apply touched back to its exact previous bytes
// and mode (written atomically, like Apply writes), removes the files that
// did not exist before and then the directories Apply created, if they
// are empty. It goes on after a failure and returns all failures.
func (b *Backup) Restore() error {
	if b == nil {
		return nil
	}
	var errs []error
	for _, t := range slices.Backward(b.saved) {
		errs = append(errs, b.r.restore(t))
	}
	for _, dir := range slices.Backward(b.dirs) {
		err := b.r.ops.Remove(dir)
		// ErrExist (ENOTEMPTY): someone put a file there since; keep it.
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrExist) {
			errs = append(errs, ioErr("/"+dir, "remove directory", err))
		}
	}
	return errors.Join(errs...)
}

func (r *Root) restore(t target) error {
	if t.existed {
		return r.writeAtomic(t.Path, t.rel, t.old, t.mode)
	}
	if err := r.ops.Remove(t.rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr(t.Path, "remove", err)
	}
	return nil
}
