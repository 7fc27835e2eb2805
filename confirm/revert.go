package confirm

import (
	"bytes"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// RestoreFiles puts every recorded file back as it was before the first
// unconfirmed apply, as one fsys transaction (all or nothing, across a
// crash too), and returns the paths it changed. A file that holds its old
// content already (a revert interrupted after this step, or a boot after
// one) is left alone; one that holds neither what the last apply wrote
// nor its old content was changed by someone else since: nothing at all
// is written then (exit 73), for hvnetconf never replaces what it did not
// write.
func (r *Record) RestoreFiles(root *fsys.Root) ([]string, error) {
	var changes []fsys.Change
	var changed []string
	for _, f := range r.Files {
		cur, ok, err := root.ReadFile(f.Path)
		if err != nil {
			return nil, err
		}
		switch {
		case ok == f.OldExists && bytes.Equal(cur, f.Old):
			continue
		case ok != f.NewExists || !bytes.Equal(cur, f.New):
			return nil, sysexits.Errorf(sysexits.CantCreate,
				"%s: changed by someone else since the unconfirmed apply; nothing was reverted (put back what it held, or confirm the change)", f.Path)
		}
		changes = append(changes, fsys.Change{Path: f.Path, Data: f.Old, Remove: !f.OldExists,
			Seen: true, Old: f.New, OldExists: f.NewExists})
		changed = append(changed, f.Path)
	}
	if _, err := root.Apply(changes); err != nil {
		return nil, err
	}
	return changed, nil
}

// InForce says whether the files still hold what a revert put back: then
// the reverted record stands (see Reverted); else an apply or an admin has
// changed them since, and the record no longer says anything.
func (r *Record) InForce(root *fsys.Root) (bool, error) {
	for _, f := range r.Files {
		cur, ok, err := root.ReadFile(f.Path)
		if err != nil {
			return false, err
		}
		if ok != f.OldExists || !bytes.Equal(cur, f.Old) {
			return false, nil
		}
	}
	return true, nil
}

// MarkReverted turns the record into the mark of a revert at now: the old
// files stay recorded (InForce), the steps are done with.
func (r *Record) MarkReverted(root *fsys.Root, now time.Time) error {
	r.State, r.Reverted, r.Steps = Reverted, now, nil
	return r.Save(root)
}
