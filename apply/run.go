package apply

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/live"
)

// Env is how apply reaches the system: the runner for ifconfig and service,
// and where it logs each step (stderr, syslog: the caller decides).
type Env struct {
	Runner live.Runner
	Log    io.Writer
}

func (e Env) logf(format string, a ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, format+"\n", a...)
	}
}

// StepError is a step that failed; its text names the step.
type StepError struct {
	Step Step
	Err  error
}

// Error names the command first, once: a CmdError already reads
// "ARGV: exit status N: first line of stderr".
func (e *StepError) Error() string {
	var ce *live.CmdError
	if errors.As(e.Err, &ce) {
		return ce.Error()
	}
	return e.Step.String() + ": " + e.Err.Error()
}

func (e *StepError) Unwrap() error { return e.Err }

// executor runs steps, logging each as ignition does, and remembers the
// ones that ran for the rollback.
type executor struct {
	env    Env
	done   []Step
	failed *Step // a Partial step that failed: undone first, best effort
}

// rollbackTimeout bounds a rollback: about 20 commands, each a few
// milliseconds, or a service restart of a few seconds.
const rollbackTimeout = 60 * time.Second

func (x *executor) run(ctx context.Context, steps []Step) error {
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			// SIGTERM or SIGINT (main cancels ctx): stop here; the
			// caller rolls back what ran.
			return &StepError{Step: s, Err: fmt.Errorf("not started: %w", context.Cause(ctx))}
		}
		x.env.logf("[started]  %s", s)
		if err := x.runStep(ctx, s); err != nil {
			x.env.logf("[failed]   %s: %v", s, err)
			if s.Partial {
				x.failed = &s
			}
			return &StepError{Step: s, Err: err}
		}
		x.done = append(x.done, s)
		x.env.logf("[finished] %s", s)
	}
	return nil
}

// stepTimeout bounds one changing command: a service start whose rc.d
// script waits for a DHCP lease (SYNCDHCP: dhclient gives up after its
// 60 s timeout, dhclient.conf(5)) and some slack.
const stepTimeout = 90 * time.Second

// runStep runs one changing command to its end even if the run is
// cancelled meanwhile (SIGTERM, SIGINT): killed half-way, a command such
// as `service devd restart` or `service netif start` would leave work
// neither done nor undone (devd stopped, never started again); the
// executor stops before the next step instead and the rollback undoes
// this one with the rest. stepTimeout bounds it, and so does the caller's
// deadline, which is a bound and no interruption: the devd fast path's
// joinTimeout must cut short a stuck `ifconfig LAGG laggport VF`, not wait
// stepTimeout (context.WithoutCancel drops the deadline with the
// cancellation).
func (x *executor) runStep(ctx context.Context, s Step) error {
	deadline := time.Now().Add(stepTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	ctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	defer cancel()
	_, err := x.env.Runner.Run(ctx, s.Argv...)
	return err
}

// rollback undoes every step that ran, last first. It keeps going after a
// failure, so that as much as possible is put back, and returns what it
// ran and every failure.
func (x *executor) rollback(ctx context.Context) (undone []string, err error) {
	// A rollback runs to its end even when the run was interrupted (that
	// is when it matters most), within its own bound.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	if x.failed != nil {
		// It may have done part of its work; undo failures here only mean
		// that part was not done.
		for _, argv := range x.failed.Undo {
			line := strings.Join(argv, " ")
			if _, e := x.env.Runner.Run(ctx, argv...); e == nil {
				undone = append(undone, line)
			}
		}
		x.failed = nil
	}
	var errs []error
	for _, s := range slices.Backward(x.done) {
		for _, argv := range s.Undo {
			line := strings.Join(argv, " ")
			x.env.logf("[started]  undo: %s", line)
			if _, e := x.env.Runner.Run(ctx, argv...); e != nil {
				x.env.logf("[failed]   undo: %s: %v", line, e)
				errs = append(errs, fmt.Errorf("undo %q: %w", line, e))
				continue
			}
			x.env.logf("[finished] undo: %s", line)
			undone = append(undone, line)
		}
	}
	x.done = nil
	return undone, errors.Join(errs...)
}
