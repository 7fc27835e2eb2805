package fsys

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// transact changes several files so that every reader, and every run after
// a crash at any instant, sees the whole old set or the whole new set:
//
//  1. stage: each new content goes to a temporary file beside its target,
//     fsync'ed and given its mode (a crash here leaves only temporary
//     files, which the next run's Recover deletes: the old set);
//  2. the journal, naming every rename and removal, is written atomically
//     and fsync'ed: from here on Recover finishes the change (the new set);
//  3. each target is checked once more against what plan saw (a file an
//     admin put there meanwhile is not clobbered: the whole change is
//     undone instead), then renamed over or removed;
//  4. the directories are fsync'ed and the journal removed.
//
// Directories it creates are appended to dirs (outermost first), so a
// Restore can take them away again.
func (r *Root) transact(steps []step, dirs *[]string) error {
	if len(steps) == 0 {
		return nil
	}
	return r.transactThen(journalFor(steps), steps, dirs, func() {})
}

// transactThen is transact with its journal at jrel, calling journaled
// once the journal is on disk. steps is never empty: transact returns
// early for none, and abort undoes at least one committed step.
func (r *Root) transactThen(jrel string, steps []step, dirs *[]string, journaled func()) (err error) {
	var created []string
	defer func() {
		if err != nil {
			r.removeDirs(created)
			return
		}
		*dirs = append(*dirs, created...)
	}()
	if err := r.stage(steps, &created); err != nil {
		r.unstage(steps)
		return err
	}
	if err := r.writeJournal(jrel, steps); err != nil {
		r.unstage(steps)
		return err
	}
	journaled()
	for i := range steps {
		if err := r.commitStep(&steps[i]); err != nil {
			return r.abort(jrel, steps, i, err)
		}
	}
	err = r.syncDirs(steps)
	if err == nil {
		err = r.removeJournal(jrel)
	}
	if err != nil {
		// Every rename is done but not known durable, or the journal
		// is still there: undo it all, as for any failed step.
		return r.abort(jrel, steps, len(steps), err)
	}
	return nil
}

// stage writes each new content to a temporary file beside its target.
func (r *Root) stage(steps []step, created *[]string) error {
	for i := range steps {
		s := &steps[i]
		if s.remove {
			continue
		}
		for _, dir := range s.missing {
			err := r.ops.Mkdir(dir, DirMode)
			if errors.Is(err, fs.ErrExist) {
				continue // made for an earlier step of this change
			}
			if err != nil {
				return ioErr(s.logical, "mkdir /"+dir, err)
			}
			*created = append(*created, dir)
		}
		tmp, err := r.writeTemp(s.logical, s.rel, s.data, s.mode)
		if err != nil {
			return err
		}
		s.tmp = tmp
	}
	return nil
}

// writeTemp writes data to a new temporary file in rel's directory, named
// so that Recover knows it as hvnetconf's: fsync'ed, mode set through the
// open file (a name could be swapped for a link in between).
func (r *Root) writeTemp(logical, rel string, data []byte, mode fs.FileMode) (string, error) {
	f, tmp, err := r.ops.CreateTemp(path.Dir(rel), path.Base(rel))
	if err != nil {
		return "", ioErr(logical, "create temporary file", err)
	}
	step, err := "write", writeAll(f, data)
	if err == nil {
		step, err = "fsync", f.Sync()
	}
	if err == nil {
		step, err = "chmod", f.Chmod(mode)
	}
	if cerr := f.Close(); err == nil {
		step, err = "close", cerr
	}
	if err != nil {
		_ = r.ops.Remove(tmp)
		return "", ioErr(logical, step, err)
	}
	return tmp, nil
}

func writeAll(f file, data []byte) error {
	_, err := f.Write(data)
	return err
}

// unstage removes the temporary files of steps not yet renamed.
func (r *Root) unstage(steps []step) {
	for i := range steps {
		if steps[i].tmp != "" {
			_ = r.ops.Remove(steps[i].tmp)
			steps[i].tmp = ""
		}
	}
}

// commitStep checks the target once more and makes the change.
func (r *Root) commitStep(s *step) error {
	if err := r.recheck(s); err != nil {
		return err
	}
	if s.remove {
		if err := r.ops.Remove(s.rel); err != nil {
			return ioErr(s.logical, "remove", err)
		}
		return nil
	}
	if err := r.ops.Rename(s.tmp, s.rel); err != nil {
		return ioErr(s.logical, "rename", err)
	}
	s.tmp = ""
	return nil
}

// recheck refuses to replace a target that changed since plan looked at
// it: only what hvnetconf saw (and so owns) is ever replaced. What remains
// is the window between this check and the rename, a few system calls.
func (r *Root) recheck(s *step) error {
	fi, err := r.ops.Lstat(s.rel)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
		return ioErr(s.logical, "check", err)
	}
	same := exists == s.expectExists
	if same && exists {
		var cur []byte
		if fi.Mode().IsRegular() {
			cur, err = r.ops.ReadRegular(s.rel, MaxFileSize)
		}
		same = err == nil && fi.Mode().IsRegular() && bytes.Equal(cur, s.expect)
	}
	if !same {
		return sysexits.Errorf(sysexits.CantCreate, "%s: changed by someone else while hvnetconf was writing; nothing was changed", s.logical)
	}
	return nil
}

// abort undoes the steps before failed (committed) and drops the rest.
// The undo is a transaction of its own whose journal replaces this one;
// only then are the remaining temporary files dropped, so that a crash in
// between leaves a journal that finishes one change or the other, never
// a mix.
func (r *Root) abort(jrel string, steps []step, failed int, cause error) error {
	if failed == 0 {
		// Nothing was committed: the journal goes first, so a crash
		// cannot finish part of a change that was given up.
		if err := r.removeJournal(jrel); err != nil {
			return errors.Join(cause, err)
		}
		r.unstage(steps)
		return cause
	}
	var undo []step
	for _, s := range slices.Backward(steps[:failed]) {
		undo = append(undo, s.inverse())
	}
	var ignored []string
	// The same journal path: the undo's journal replaces this one.
	if err := r.transactThen(jrel, undo, &ignored, func() { r.unstage(steps[failed:]) }); err != nil {
		msg := strings.ReplaceAll(err.Error(), "\n", "; ")
		return sysexits.Errorf(sysexits.IOErr, "%w; restoring the previous files failed too: %s", cause, msg)
	}
	return cause // the undo's transaction removed the journal at jrel
}

// inverse is the step that puts back what s replaced.
func (s step) inverse() step {
	return step{
		logical: s.logical, rel: s.rel,
		data: s.expect, remove: !s.expectExists, mode: s.expectMode,
		expect: s.data, expectExists: !s.remove, expectMode: s.mode,
	}
}

// syncDirs makes the renames durable: fsync of every directory touched.
func (r *Root) syncDirs(steps []step) error {
	done := map[string]bool{}
	for _, s := range steps {
		dir := path.Dir(s.rel)
		if done[dir] {
			continue
		}
		done[dir] = true
		if err := r.ops.SyncDir(dir); err != nil {
			return ioErr(s.logical, "fsync directory", err)
		}
	}
	return nil
}

// removeDirs removes directories a change created, innermost first, if
// they are still empty.
func (r *Root) removeDirs(dirs []string) {
	for _, dir := range slices.Backward(dirs) {
		_ = r.ops.Remove(dir) // ENOTEMPTY: someone put a file there; keep it
	}
}
