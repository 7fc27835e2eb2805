package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/spf13/pflag"
)

// inputFlags are the flags every command that renders shares.
type inputFlags struct {
	root    string
	config  string
	state   string
	lenient bool
	json    bool
	quiet   bool
	empty   bool
	strict  bool
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.root, "root", "R", "/", "the system lives under `DIR` (image builds)")
	fs.StringVarP(&f.config, "config", "c", "", "policy `FILE` (default ROOT"+plan.DefaultConfig+", optional)")
	fs.StringVar(&f.state, "state", "", "hn snapshot `FILE` (TOML, see hvnetconf snapshot); default: the live kernel")
	fs.BoolVar(&f.lenient, "lenient", false, "skip rc.conf statements hvnetconf refuses to evaluate (reported as findings)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "do not print informational findings (warnings and errors still print)")
	fs.BoolVar(&f.empty, "allow-empty", false, "accept a --state snapshot without hn (then no file is rendered)")
}

// registerStrict is register plus --strict, for the commands an admin or a
// pipeline runs to render (render, diff, apply, check). The devd handlers
// have none: a warning must never keep a VF out of its lagg.
func (f *inputFlags) registerStrict(fs *pflag.FlagSet) {
	f.register(fs)
	fs.BoolVar(&f.strict, "strict", false, "fail the run (exit 65, before anything is written) when there is a warning finding, not only an error")
}

// lockWait bounds how long a command waits for another hvnetconf to let
// go of the root: an apply takes about a second; a devd handler queued
// behind it must still end well before devd's patience does.
const lockWait = 30 * time.Second

// open opens and locks the root (openRoot) for a render. An image's NICs
// are not this host's: with an image root the hn snapshot must come from
// --state, never from the running system; without --state on the running
// system, a build without live access refuses. Both are decided after the
// command's own refusals (refuse), before the root is locked, so that a
// refused run touches nothing.
func (f *inputFlags) open(ctx context.Context, inv *invocation, wait time.Duration, refuse ...func(image bool) error) (*fsys.Root, func(), error) {
	return openRoot(ctx, inv, f.root, wait, append(refuse, func(image bool) error {
		switch {
		case image && f.state == "":
			return sysexits.Errorf(sysexits.Usage,
				"-R %s is an image, not this running system: give its hn state with --state FILE (hvnetconf snapshot on the VM)", f.root)
		case f.state == "":
			return live.Require(inv.cmd.name + " without --state")
		}
		return nil
	})...)
}

// options are a full render's inputs under root; the hn state is read by
// snapshot.
func (f *inputFlags) options(root *fsys.Root) plan.Options {
	return plan.Options{Root: root, ConfigPath: f.config, Lenient: f.lenient, Strict: f.strict}
}

// snapshot reads the hn state: the --state file, else the running
// system sys's.
func (f *inputFlags) snapshot(sys live.System) (*hn.Snapshot, error) {
	if f.state != "" {
		return plan.ReadState(f.state, f.empty)
	}
	return live.Snapshot(sys)
}

// prepare opens the root and renders from the inputs.
func (f *inputFlags) prepare(ctx context.Context, inv *invocation) (*plan.Result, error) {
	root, _, err := f.open(ctx, inv, lockWait)
	if err != nil {
		return nil, inv.unwritten(err)
	}
	res, err := f.render(ctx, f.options(root), live.New(ctx))
	return res, inv.unwritten(f.refused(inv, err))
}

// render renders o; without an hn state in o (status and check read it
// themselves), it is read by snapshot.
func (f *inputFlags) render(ctx context.Context, o plan.Options, sys live.System) (*plan.Result, error) {
	if o.Snapshot == nil {
		s, err := f.snapshot(sys)
		if err != nil {
			return nil, err
		}
		o.Snapshot = s
	}
	return plan.Prepare(ctx, o)
}

// refused shows every finding of a run that error findings stopped, then
// ends it with exit 65 and one line; other errors pass unchanged.
func (f *inputFlags) refused(inv *invocation, err error) error {
	var fe *plan.FindingsError
	if !errors.As(err, &fe) {
		return err
	}
	f.printFindings(inv.stderr, fe.Findings)
	n, what := 0, "error finding(s)"
	for _, x := range fe.Findings {
		if x.Severity == finding.Error || f.strict && x.Severity == finding.Warning {
			n++
		}
	}
	if f.strict {
		what = "error or warning finding(s) (--strict)"
	}
	return sysexits.Errorf(sysexits.DataErr, "%d %s above", n, what)
}

// printFindings writes findings one per line, after the main output, on
// stderr so that stdout stays a clean diff or file list. -q hides only the
// informational ones: a warning or an error always reaches the user.
func (f *inputFlags) printFindings(w io.Writer, fs []finding.Finding) {
	for _, x := range fs {
		if f.quiet && x.Severity == finding.Info {
			continue
		}
		fmt.Fprintln(w, "hvnetconf: "+x.String())
	}
}
