package fsys

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// faulty passes every operation to the real ops but fails the one that
// changes something at step failAt (counting from 1), once: the
// restore that follows runs on working operations. With dies, it stands
// for a process killed there instead: every later change fails too, so
// nothing the dying run would do afterwards reaches the disk (reads still
// work, as they change nothing).
type faulty struct {
	ops
	steps, failAt int
	failed        string
	dies          bool
}

var errDead = errors.New("killed")

func (f *faulty) step(what string) error {
	if f.dies && f.failed != "" {
		return errDead
	}
	f.steps++
	if f.steps == f.failAt {
		f.failed = what
		return fmt.Errorf("injected fault in %s", what)
	}
	return nil
}

func (f *faulty) Mkdir(name string, perm fs.FileMode) error {
	if err := f.step("mkdir " + name); err != nil {
		return err
	}
	return f.ops.Mkdir(name, perm)
}

func (f *faulty) Rename(oldname, newname string) error {
	if err := f.step("rename " + newname); err != nil {
		return err
	}
	return f.ops.Rename(oldname, newname)
}

func (f *faulty) Remove(name string) error {
	if err := f.step("remove " + name); err != nil {
		return err
	}
	return f.ops.Remove(name)
}

func (f *faulty) SyncDir(dir string) error {
	if err := f.step("fsync " + dir); err != nil {
		return err
	}
	return f.ops.SyncDir(dir)
}

func (f *faulty) CreateTemp(dir, base string) (file, string, error) {
	if err := f.step("create in " + dir); err != nil {
		return nil, "", err
	}
	fl, name, err := f.ops.CreateTemp(dir, base)
	if err != nil {
		return nil, "", err
	}
	return faultyFile{fl, f}, name, nil
}

type faultyFile struct {
	file
	f *faulty
}

// Write fails after writing half, as a full disk would.
func (ff faultyFile) Write(p []byte) (int, error) {
	if err := ff.f.step("write"); err != nil {
		n, _ := ff.file.Write(p[:len(p)/2])
		return n, err
	}
	return ff.file.Write(p)
}

func (ff faultyFile) Sync() error {
	if err := ff.f.step("fsync"); err != nil {
		return err
	}
	return ff.file.Sync()
}

func (ff faultyFile) Chmod(mode fs.FileMode) error {
	if err := ff.f.step("chmod"); err != nil {
		return err
	}
	return ff.file.Chmod(mode)
}

func (ff faultyFile) Close() error {
	err := ff.file.Close()
	if ferr := ff.f.step("close"); ferr != nil {
		return ferr
	}
	return err
}

// TestApplyFailsAtEveryStep makes each step of an apply fail in turn. Each
// time, Apply must return exit 74 naming the path it was writing, and the
// tree must be exactly as before, without temporary files or new
// directories. Past the last step, Apply succeeds.
func TestApplyFailsAtEveryStep(t *testing.T) {
	for k := 1; ; k++ {
		dir := build(t, base())
		before := snapshot(t, dir)
		r := open(t, dir)
		f := &faulty{ops: r.ops, failAt: k}
		r.ops = f
		_, err := r.Apply(changes())
		if f.failed == "" {
			if err != nil {
				t.Fatalf("no fault injected, but %v", err)
			}
			if k < 20 {
				t.Fatalf("apply took only %d steps; the test no longer covers it", k-1)
			}
			t.Logf("faults injected at each of %d steps", k-1)
			return
		}
		if sysexits.Code(err) != sysexits.IOErr || !namesTarget(err) || !strings.Contains(err.Error(), "injected fault") {
			t.Errorf("fault in %s (step %d): got %v (exit %d), want exit 74 naming the path", f.failed, k, err, sysexits.Code(err))
		}
		if got := snapshot(t, dir); got != before {
			t.Errorf("fault in %s (step %d): tree\n%s\nwant\n%s", f.failed, k, got, before)
		}
	}
}

func namesTarget(err error) bool {
	if strings.Contains(err.Error(), JournalName+": ") {
		return true
	}
	for _, c := range changes() {
		if strings.HasPrefix(err.Error(), c.Path+": ") {
			return true
		}
	}
	return false
}

// TestApplyUnchangedFileIsLeftAlone: a file that already has the wanted
// content and mode is not rewritten (no step at all).
func TestApplyUnchangedFileIsLeftAlone(t *testing.T) {
	dir := build(t, tree{"usr/local/etc/devd/hvnetconf.conf": {owned("x\n"), 0}})
	r := open(t, dir)
	f := &faulty{ops: r.ops}
	r.ops = f
	if _, err := r.Apply([]Change{{Path: devd, Data: []byte(owned("x\n"))}, {Path: routing, Remove: true}}); err != nil {
		t.Fatal(err)
	}
	if f.steps != 0 {
		t.Errorf("%d steps taken, want none", f.steps)
	}
}
