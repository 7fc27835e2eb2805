package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/confirm"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/spf13/pflag"
)

type applyFlags struct {
	in                       inputFlags
	dryRun, filesOnly, noVer bool
	lockWait                 time.Duration
	confirmWithin            time.Duration // apply on probation (confirm.go)
	boot                     bool          // rc.d/hvnetconf at boot (atBoot)
}

func applyCommand() *command {
	f := &applyFlags{}
	return &command{
		name:    "apply",
		writes:  true,
		holds:   true,
		summary: "write the files, bring the running system in line, verify; roll back on failure",
		flags: func(fs *pflag.FlagSet) {
			f.in.registerStrict(fs)
			fs.BoolVarP(&f.dryRun, "dry-run", "n", false, "print the file changes and the exact commands, change nothing")
			fs.BoolVar(&f.filesOnly, "files-only", false, "write the files and stop (firstboot, image builds)")
			fs.BoolVar(&f.noVer, "no-verify", false, "do not verify the runtime afterwards")
			fs.DurationVar(&f.lockWait, "lock-wait", lockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
			fs.DurationVar(&f.confirmWithin, "confirm-within", 0, "revert files and runtime unless hvnetconf confirm runs within `DURATION` (1s to 24h)")
			fs.BoolVar(&f.boot, "boot", false, "as rc.d/hvnetconf runs it before netif: files only; a change pending confirmation is reverted, a reverted one kept")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "apply: unexpected argument %q", inv.args[0])
			}
			return f.run(ctx, inv)
		},
	}
}

func (f *applyFlags) run(ctx context.Context, inv *invocation) error {
	if err := f.usable(); err != nil {
		return inv.unwritten(err)
	}
	f.filesOnly = f.filesOnly || f.boot
	// An image is files only: nothing on the host building it changes.
	// Decided on the root that is then locked, before it is, so that a
	// refused run touches nothing at all.
	root, unlock, err := f.in.open(ctx, inv, f.lockWait, func(image bool) error {
		if f.confirmWithin > 0 {
			if err := refuseImageRoot("apply --confirm-within", f.in.root)(image); err != nil {
				return err
			}
		}
		if !f.filesOnly && !image {
			return live.Require("apply")
		}
		return nil
	})
	if err != nil {
		return inv.unwritten(err)
	}
	o := f.in.options(root)
	image := o.Root.IsImage()
	rec, err := loadRecord(o.Root)
	if err != nil {
		return inv.unwritten(err)
	}
	if f.boot {
		if done, err := f.atBoot(ctx, inv, o.Root, rec); done || err != nil {
			return err
		}
	}
	sys := live.New(ctx)
	res, err := f.in.render(ctx, o, sys)
	if err != nil {
		return inv.unwritten(f.in.refused(inv, err))
	}
	if err := f.onePending(rec); err != nil {
		return inv.unwritten(err)
	}
	var p *probation
	if f.confirmWithin > 0 {
		if p, err = startProbation(o.Root, f.in.root, rec, res.Changes, f.confirmWithin); err != nil {
			return inv.unwritten(err)
		}
	}
	var log io.Writer = inv.stderr
	if f.in.quiet || f.in.json {
		log = nil
	}
	env := apply.Env{Runner: sys, Log: log}
	out, err := apply.Apply(ctx, env, applyInput(res),
		apply.Options{DryRun: f.dryRun, FilesOnly: f.filesOnly || image, NoVerify: f.noVer, Retry: apply.DefaultRetry})
	switch {
	case p != nil:
		if perr := p.finish(out, err == nil); perr != nil && err == nil {
			err = perr
		}
	case err == nil && !f.dryRun && rec != nil:
		// Applied, not on probation: a reverted change's mark is done with.
		err = confirm.Remove(o.Root)
	}
	// The report reads the record: before the root is let go.
	rep, pending := newReport(f.in.root, res), new(strings.Builder)
	printPending(pending, o.Root)
	if err == nil && len(out.Deferred) > 0 {
		// devd's restart waits for the handlers of every queued event,
		// which wait for this lock: let go of it first (apply.RunDeferred).
		unlock()
		err = apply.RunDeferred(ctx, env, out)
	}
	if image && out != nil && err == nil {
		out.Note = "-R " + f.in.root + " is an image: files only, nothing on this running system was changed"
	}
	if f.in.json {
		if jerr := writeJSON(inv.stdout, struct {
			*report
			Apply *apply.Result `json:"apply"`
		}{rep, out}); jerr != nil && err == nil {
			err = jerr
		}
	} else {
		f.print(inv.stdout, res, out)
		printStale(inv.stderr, res, err == nil && !f.dryRun)
		io.WriteString(inv.stderr, pending.String())
		f.in.printFindings(inv.stderr, res.Findings)
	}
	return err
}

func applyInput(res *plan.Result) apply.Input {
	in := apply.Input{Plan: res.Plan, Write: func() (func() error, error) {
		b, err := res.Write()
		return b.Restore, err
	}}
	for _, c := range res.Changes {
		in.Changed = append(in.Changed, c.Path)
	}
	return in
}

func (f *applyFlags) print(w io.Writer, res *plan.Result, out *apply.Result) {
	if out == nil {
		return
	}
	verb := map[bool]string{true: "would ", false: ""}[f.dryRun]
	for _, c := range res.Changes {
		if f.dryRun {
			io.WriteString(w, unified(c))
		}
		fmt.Fprintf(w, "%s%s %s\n", verb, map[bool]string{true: c.Kind(), false: pastTense[c.Kind()]}[f.dryRun], c.Path)
	}
	for _, s := range out.Steps {
		fmt.Fprintf(w, "%srun: %s\n", verb, strings.Join(s.Argv, " "))
		if s.Effect != "" {
			fmt.Fprintf(w, "  (%s)\n", s.Effect)
		}
	}
	if out.Note != "" {
		fmt.Fprintf(w, "note: %s\n", out.Note)
	}
	for _, x := range out.Failed {
		fmt.Fprintf(w, "failed: %s\n", x)
	}
	for _, x := range out.Restored {
		fmt.Fprintf(w, "restored: %s\n", x)
	}
	if len(res.Changes) == 0 && len(out.Steps) == 0 && len(out.Failed) == 0 {
		fmt.Fprintln(w, "up to date: nothing to change")
	}
}
