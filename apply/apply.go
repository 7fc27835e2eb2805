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
		return res, nil
	}
	return res, rollback(ctx, x, restore, res, err)
}

// runtime converges every lagg, then restarts what reads changed files.
func runtime(ctx context.Context, x *executor, in Input) error {
	for _, l := range in.Plan.Runtime() {
		if err := converge(ctx, x, l); err != nil {
			return err
		}
	}
	return x.run(ctx, restarts(in.Changed))
}

// restarts: rc.d/routing re-reads the routes only on restart, devd its
// rules only on restart (devd(8) reads its directories only when it starts); undone by the same restart once the
// old files are back.
func restarts(changed []string) []Step {
	var out []Step
	for _, r := range []struct{ file, svc string }{{render.RoutingFile, "routing"}, {render.DevdFile, "devd"}} {
		if slices.Contains(changed, r.file) {
			out = append(out, step(service(r.svc, "restart"), service(r.svc, "restart")))
		}
	}
	return out
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
		created := o.lagg == nil
		for _, ph := range phases {
			steps := ph(l, o, created)
			res.Steps = append(res.Steps, steps...)
			o = predicted(o, steps)
		}
	}
	res.Steps = append(res.Steps, restarts(in.Changed)...)
	return nil
}

// predicted is o as the kernel leaves it after steps, where a later
// phase's decision depends on it: a port that joins the lagg without its
// IPv6 addresses (joinStep), so that no step deletes what FreeBSD has
// already removed.
func predicted(o *observed, steps []Step) *observed {
	for _, s := range steps {
		if s.strips != "" && o.hn != nil && s.strips == o.hn.Name {
			hn := *o.hn
			hn.Inet6 = nil
			p := *o
			p.hn = &hn
			o = &p
		}
	}
	return o
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
