package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/confirm"
	"github.com/hvnetconf/hvnetconf/devd"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/spf13/pflag"
)

// The bounds of apply --confirm-within: under a second no admin can
// confirm anything; a day is longer than any session that could.
const (
	minConfirm = time.Second
	maxConfirm = 24 * time.Hour
)

func confirmCommand() *command {
	var root string
	wait := lockWait
	return &command{
		name:    "confirm",
		summary: "keep the change that apply --confirm-within applied (it is no longer reverted)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVarP(&root, "root", "R", "/", "the system lives under `DIR`")
			fs.DurationVar(&wait, "lock-wait", lockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "confirm: unexpected argument %q", inv.args[0])
			}
			r, _, err := openRoot(ctx, inv, root, wait, refuseImageRoot("confirm", root))
			if err != nil {
				return err
			}
			rec, err := confirm.Load(r)
			switch {
			case err != nil:
				return err
			case rec == nil:
				return sysexits.Errorf(sysexits.Failure, "confirm: no change is pending confirmation")
			case rec.State == confirm.Reverted:
				return sysexits.Errorf(sysexits.Failure, "confirm: too late: the change applied at %s was reverted at %s; apply it again",
					rec.Started.Format(time.RFC3339), rec.Reverted.Format(time.RFC3339))
			}
			if err := confirm.Remove(r); err != nil {
				return err
			}
			fmt.Fprintf(inv.stdout, "confirmed: the change applied at %s stays (%d file(s), %d runtime step(s))\n",
				rec.Started.Format(time.RFC3339), len(rec.Files), len(rec.Steps))
			return nil
		},
	}
}

// refuseImageRoot: a change on probation is one of the running system;
// an image has none.
func refuseImageRoot(what, dir string) func(bool) error {
	return func(image bool) error {
		if image {
			return sysexits.Errorf(sysexits.Usage, "%s: -R %s is an image; only the running system has changes pending confirmation", what, dir)
		}
		return nil
	}
}

type revertFlags struct {
	root     string
	lockWait time.Duration
	json     bool
	due      int64 // the timer: revert only generation due, once its deadline passed
}

func revertCommand() *command {
	f := &revertFlags{}
	return &command{
		name:    "revert",
		writes:  true,
		holds:   true,
		summary: "undo now the change that apply --confirm-within applied: files and runtime as before it",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVarP(&f.root, "root", "R", "/", "the system lives under `DIR`")
			fs.DurationVar(&f.lockWait, "lock-wait", lockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
			fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
			fs.Int64Var(&f.due, "due", 0, "wait for the deadline of the change numbered `N`, then revert it unless confirmed or superseded (apply --confirm-within starts itself so)")
			_ = fs.MarkHidden("due")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "revert: unexpected argument %q", inv.args[0])
			}
			if f.due > 0 {
				// Detached, its streams on /dev/null: syslog is the log.
				inv.stderr = io.MultiWriter(inv.stderr, devd.Syslog())
				inv.stdout = inv.stderr
				return f.timer(ctx, inv)
			}
			return f.run(ctx, inv)
		},
	}
}

// timer is the detached process apply --confirm-within starts (startTimer):
// in a session of its own, so that the admin's session going (SIGHUP to
// its process groups, the terminal gone, the shell killed) does not reach
// it. It sleeps until its change's deadline, reading the record again
// each time it wakes (without the lock: the record is replaced
// atomically), and reverts under the lock if that change is still pending
// and still its own: confirmed, reverted or superseded by a later apply
// --confirm-within (a new generation, which has its own timer), it ends.
func (f *revertFlags) timer(ctx context.Context, inv *invocation) error {
	for {
		rec, err := f.peek()
		if err != nil || !f.mine(rec) {
			return err
		}
		if left := rec.Left(time.Now()); left > 0 {
			// Real time, also in the emulated build: a deadline is the
			// admin's, not the kernel model's.
			t := time.NewTimer(left)
			select {
			case <-ctx.Done():
				t.Stop()
				return sysexits.Errorf(sysexits.TempFail, "revert: timer for change %d stopped: %v", f.due, context.Cause(ctx))
			case <-t.C:
			}
			continue
		}
		err = f.run(ctx, inv)
		if !errors.Is(err, errNotDue) && (sysexits.Code(err) != sysexits.TempFail || ctx.Err() != nil) {
			return err
		}
		// Not due after all, or the lock is busy (a long apply): the
		// revert must not be given up.
	}
}

// errNotDue: under the lock, the deadline turned out later than the timer
// read without it (the apply that started the timer restarts the clock
// when it ends, see probation.finish).
var errNotDue = errors.New("not due yet")

// peek reads the record without the lock.
func (f *revertFlags) peek() (*confirm.Record, error) {
	r, err := fsys.Open(f.root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return confirm.Load(r)
}

// mine: the record is the timer's change, still pending.
func (f *revertFlags) mine(rec *confirm.Record) bool {
	return rec != nil && rec.State == confirm.Pending && rec.Generation == f.due
}

func (f *revertFlags) run(ctx context.Context, inv *invocation) error {
	root, unlock, err := openRoot(ctx, inv, f.root, f.lockWait, refuseImageRoot("revert", f.root),
		func(bool) error { return live.Require("revert") })
	if err != nil {
		return inv.unwritten(err)
	}
	rec, err := confirm.Load(root)
	switch {
	case err != nil:
		return inv.unwritten(err)
	case f.due > 0 && !f.mine(rec):
		return nil // confirmed, reverted or superseded while waiting for the lock
	case f.due > 0 && rec.Left(time.Now()) > 0:
		unlock()
		return errNotDue
	case rec == nil || rec.State != confirm.Pending:
		return inv.unwritten(sysexits.Errorf(sysexits.Failure, "revert: no change is pending confirmation"))
	}
	sys := live.New(ctx)
	var log io.Writer = inv.stderr
	if f.json {
		log = nil
	}
	env := apply.Env{Runner: sys, Log: log}
	out, err := revertRecord(ctx, env, root, rec, true)
	if err == nil && len(out.Deferred) > 0 {
		unlock() // see applyFlags.run
		err = apply.RunDeferred(ctx, env, out)
	}
	if f.json {
		if jerr := writeJSON(inv.stdout, struct {
			Version string        `json:"version"`
			Root    string        `json:"root"`
			Revert  *apply.Result `json:"revert"`
		}{version.Version, f.root, out}); jerr != nil && err == nil {
			err = jerr
		}
	} else if out != nil {
		why := "on request"
		if f.due > 0 {
			why = "not confirmed by " + rec.Deadline.Format(time.RFC3339)
		}
		fmt.Fprintf(inv.stdout, "reverted the change applied at %s (%s)\n", rec.Started.Format(time.RFC3339), why)
		for _, x := range out.Restored {
			fmt.Fprintf(inv.stdout, "restored: %s\n", x)
		}
	}
	return err
}

// revertRecord puts back the files of a pending change and marks it
// reverted, then, with runtime, undoes its runtime steps (apply.Revert).
// The files come first, as in apply's rollback; the mark follows them, so
// that a crash at any point leaves a record that a boot or a revert
// finishes (RestoreFiles skips what is back already). At boot the
// runtime is the boot's own: files only.
func revertRecord(ctx context.Context, env apply.Env, root *fsys.Root, rec *confirm.Record, runtime bool) (*apply.Result, error) {
	changed, err := rec.RestoreFiles(root)
	if err != nil {
		return nil, err
	}
	steps := rec.Steps
	if err := rec.MarkReverted(root, time.Now()); err != nil {
		return nil, err
	}
	if !runtime {
		return &apply.Result{Steps: []apply.Step{}, Restored: changed}, nil
	}
	return apply.Revert(ctx, env, steps, changed)
}

// probation is the part of apply --confirm-within around apply.Apply: the
// record written before any file is (so that a crash from then on boots
// the old files, see revertRecord), the timer started before the change
// (so that an apply killed half-way is still reverted), and the record
// completed with the steps that ran, or put back if the apply rolled
// itself back.
type probation struct {
	root      *fsys.Root
	prev, rec *confirm.Record
	within    time.Duration
}

func startProbation(root *fsys.Root, dir string, prev *confirm.Record, changes []plan.Change, within time.Duration) (*probation, error) {
	p := &probation{root: root, prev: prev, rec: confirm.Next(prev, time.Now(), within), within: within}
	p.rec.AddFiles(changes)
	if err := p.rec.Save(root); err != nil {
		return nil, err
	}
	if err := devd.Detach("revert", "--root", dir, "--due", strconv.FormatInt(p.rec.Generation, 10)); err != nil {
		p.undo()
		return nil, err
	}
	return p, nil
}

// finish records the steps of a successful apply, or puts the record back
// as it was when the apply failed (rolled back: nothing of it is left to
// revert). The clock starts again now: the admin has the whole duration
// from the apply's end, however long it took (a DHCP lease, a loaded
// host). A change that changed nothing on top of nothing pending leaves
// no record: there is nothing to confirm.
func (p *probation) finish(out *apply.Result, applied bool) error {
	if !applied {
		return p.undo()
	}
	p.rec.Steps = append(p.rec.Steps, out.Steps...)
	p.rec.Deadline = time.Now().Add(p.within)
	if len(p.rec.Files) == 0 && len(p.rec.Steps) == 0 {
		return confirm.Remove(p.root)
	}
	return p.rec.Save(p.root)
}

func (p *probation) undo() error {
	if p.prev == nil {
		return confirm.Remove(p.root)
	}
	return p.prev.Save(p.root)
}
