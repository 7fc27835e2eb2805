package fsys

import "slices"

// Backup is what one Apply changed, to put back.
type Backup struct {
	r     *Root
	steps []step   // in the order they were made
	dirs  []string // directories Apply created, outermost first
}

// Restore puts every path Apply touched back to its exact previous bytes
// and mode, as one transaction like Apply's (all or nothing, even across a
// crash), and removes the directories Apply created if they are empty. A
// path changed by someone else since Apply is left alone and makes the
// whole restore fail (exit 73).
func (b *Backup) Restore() error {
	if b == nil || b.r == nil {
		return nil
	}
	var undo []step
	for _, s := range slices.Backward(b.steps) {
		undo = append(undo, s.inverse())
	}
	var ignored []string
	if err := b.r.transact(undo, &ignored); err != nil {
		return err
	}
	b.r.removeDirs(b.dirs)
	b.steps, b.dirs = nil, nil
	return nil
}
