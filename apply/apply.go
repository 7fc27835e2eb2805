// Package apply brings a running FreeBSD host in line with a rendered plan:
// it writes the files, then changes the runtime through ifconfig and
// service, working from the delta between what `ifconfig` shows and what
// the plan wants, so that a converged host sees no command at all. It
// verifies by re-reading and, on any failure, restores the files and
// undoes the runtime steps in reverse. JoinVF is the devd handlers' fast
// path through the same executor. It never builds a shell string and never
// decides what the configuration should be: it reads the plan render made.
package apply

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/render"
)

// Input is a prepared run: the plan, the files the write changes, and the
// write itself (plan.Result.Write), whose restore puts them back.
type Input struct {
	Plan    *render.Plan
	Changed []string
	Write   func() (restore func() error, err error)
}

// Options select how far apply goes.
type Options struct {
	DryRun    bool // observe and print the steps; change nothing
	FilesOnly bool // write the files and stop (firstboot, image builds)
	NoVerify  bool
	Retry     Retry
}

// Result says what happened, for the command's output.
type Result struct {
	Steps    []Step   `json:"steps"`              // run, or planned with DryRun
	Failed   []string `json:"failed,omitempty"`   // the failed step or expectations
	Restored []string `json:"restored,omitempty"` // what the rollback put back
	Note     string   `json:"note,omitempty"`
	// Deferred is what the caller must run once it has let go of the
	// root's lock (RunDeferred; a devd handler hands it to a detached
	// child): `service devd restart`, see devdRestart.
	Deferred []Step `json:"-"`
}

// Apply runs the plan. Its error carries the exit code: 1 when something
// failed (everything that changed was rolled back), 70 when the rollback
// was not complete either, and an input's own code (73: a file cannot be
// written) when nothing was changed.
func Apply(ctx context.Context, env Env, in Input, o Options) (*Result, error) {
	res := &Result{Steps: []Step{}}
	if o.DryRun && o.FilesOnly {
		return res, nil
	}
	if o.DryRun {
		return res, sysexits.Failed("apply --dry-run", predict(ctx, env, in, res))
	}
	restore, err := in.Write()
	if err != nil {
		return res, sysexits.Failed("apply: write files", err)
	}
	if o.FilesOnly {
		res.Note = "files only: runtime left alone"
		return res, nil
	}
	if in.Plan.Mode.Reboot {
		res.Note = "the VF mode changes at the next boot: files written, runtime left alone"
		return res, nil
	}
	x := &executor{env: env}
	err = runtime(ctx, x, in)
	if err == nil && !o.NoVerify {
		var failed []string
		if failed, err = Verify(ctx, env, in.Plan.Runtime(), o.Retry); err == nil && len(failed) > 0 {
			res.Failed = failed
			err = fmt.Errorf("verification failed: %s", strings.Join(failed, "; "))
		}
	}
	res.Steps = x.done
	if err == nil {
		res.Deferred = devdRestart(in.Changed)
		return res, nil
	}
	return res, rollback(ctx, x, restore, res, err)
}

// runtime converges every lagg, then restarts what reads changed files
// (devd aside: devdRestart).
func runtime(ctx context.Context, x *executor, in Input) error {
	for _, l := range in.Plan.Runtime() {
		if err := converge(ctx, x, l); err != nil {
			return err
		}
	}
	return x.run(ctx, restarts(in.Changed))
}

// restarts: rc.d/routing re-reads the routes only on restart; undone by
// the same restart once the old files are back.
func restarts(changed []string) []Step {
	if slices.Contains(changed, render.RoutingFile) {
		return []Step{step(service("routing", "restart"), service("routing", "restart"))}
	}
	return nil
}

// devdRestart: devd reads its rules only when it starts (sbin/devd/devd.cc
// config::parse; SIGHUP makes it exit, not reload: gensighand), so a
// changed rules file needs `service devd restart`. It is never a step of
// the run, for two reasons. devd runs each action and waits for it
// (my_system), and its SIGTERM only sets a flag looked at between events,
// while rc.subr's stop waits for the pid with no timeout (wait_for_pids):
// run from anything devd is waiting for (vf-up), the restart waits for
// devd and devd for it, for ever. And a starting devd handles every queued
// event before it daemonizes (event_loop), so the restart waits for those
// handlers, which wait for the lock this run holds. So it runs after the
// run, once the lock is let go: Result.Deferred. A rollback needs no
// restart at all: devd still has the rules the restored file holds.
func devdRestart(changed []string) []Step {
	if slices.Contains(changed, render.DevdFile) {
		return []Step{step(service("devd", "restart"))}
	}
	return nil
}

// RunDeferred runs what Apply left for after the lock (Result.Deferred),
// logged like its steps, and reports each among res.Steps. Files and
// runtime stay as applied if it fails: devd then still runs the old rules,
// which the error says (exit 1).
func RunDeferred(ctx context.Context, env Env, res *Result) error {
	x := &executor{env: env}
	err := x.run(ctx, res.Deferred)
	res.Steps = append(res.Steps, x.done...)
	res.Deferred = nil
	if err != nil {
		res.Failed = append(res.Failed, err.Error())
		return sysexits.Failed("apply: files and runtime applied, but devd still runs the old rules", err)
	}
	return nil
}

// converge runs the phases of one lagg, observing again after each phase
// that changed something, so that each decides from the real state.
func converge(ctx context.Context, x *executor, l render.Lagg) error {
	o, err := observe(ctx, x.env.Runner, l)
	if err != nil {
		return err
	}
	created := o.lagg == nil
	for _, ph := range phases {
		steps := ph(l, o, created)
		if len(steps) == 0 {
			continue
		}
		if err := x.run(ctx, steps); err != nil {
			return err
		}
		if o, err = observe(ctx, x.env.Runner, l); err != nil {
			return err
		}
	}
	return nil
}

// predict is the dry run: every phase decided from one observation, which
// is what a real run does up to what the earlier steps change.
func predict(ctx context.Context, env Env, in Input, res *Result) error {
	if in.Plan.Mode.Reboot {
		res.Note = "the VF mode changes at the next boot: apply would write the files only"
		return nil
	}
	for _, l := range in.Plan.Runtime() {
		o, err := observe(ctx, env.Runner, l)
		if err != nil {
			return err
		}
		for _, ph := range phases {
			res.Steps = append(res.Steps, ph(l, o, o.lagg == nil)...)
		}
	}
	res.Steps = append(res.Steps, restarts(in.Changed)...)
	res.Steps = append(res.Steps, devdRestart(in.Changed)...)
	return nil
}

// rollback restores the files first, so that the rc.d scripts the undo
// steps run (dhclient start) read the configuration they were written for,
// then undoes the runtime steps, last first.
func rollback(ctx context.Context, x *executor, restore func() error, res *Result, cause error) error {
	if len(res.Failed) == 0 {
		res.Failed = []string{cause.Error()}
	}
	ferr := restore()
	if ferr == nil {
		res.Restored = append(res.Restored, "files")
	}
	undone, rerr := x.rollback(ctx)
	res.Restored = append(res.Restored, undone...)
	if ferr != nil || rerr != nil {
		return sysexits.Errorf(sysexits.Software, "apply: %v; rollback incomplete: %v", cause, joinErr(ferr, rerr))
	}
	return sysexits.Errorf(sysexits.Failure, "apply: %v; rolled back (files restored, %d runtime command(s) undone)", cause, len(undone))
}

func joinErr(a, b error) error {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return fmt.Errorf("%v; %v", a, b)
}
