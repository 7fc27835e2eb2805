package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/confirm"
	"github.com/hvnetconf/hvnetconf/devd"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/spf13/pflag"
)

// handlerFlags are the devd handlers' flags: devd passes none, tests and
// admins may point them at a root.
type handlerFlags struct {
	in       inputFlags
	verbose  bool
	lockWait time.Duration
}

func (f *handlerFlags) register(fs *pflag.FlagSet) {
	f.in.register(fs)
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also log to stderr (devd discards it; syslog always gets it)")
	fs.DurationVar(&f.lockWait, "lock-wait", lockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
}

// handlerLock is a devd handler's hold on the root: its first plan takes
// the lock, later plans render under it, unlock lets go (vf-attach, while
// it waits for a VF), and the next plan takes it again. The command's end
// lets go of it too (openRoot).
type handlerLock struct {
	open    func(ctx context.Context) (*fsys.Root, func(), error)
	root    *fsys.Root // while held
	release func()
}

// hold returns the locked root, taking the lock if it is not held.
func (l *handlerLock) hold(ctx context.Context) (*fsys.Root, error) {
	if l.root == nil {
		root, release, err := l.open(ctx)
		if err != nil {
			return nil, err
		}
		l.root, l.release = root, release
	}
	return l.root, nil
}

// unlock lets go of the root's lock, if held.
func (l *handlerLock) unlock() {
	if l.release != nil {
		l.release()
		l.root, l.release = nil, nil
	}
}

// handler builds the devd handler: syslog (tag hvnetconf) is the log, plus
// stderr with -v. Its plans are rendered under the root's lock
// (handlerLock).
func (f *handlerFlags) handler(ctx context.Context, inv *invocation) *devd.Handler {
	logs := []io.Writer{devd.Syslog()}
	if f.verbose {
		logs = append(logs, inv.stderr)
	}
	sys := live.New(ctx)
	cache := new(rcconf.ParseCache) // the handler's plans read the same files
	lock := &handlerLock{open: func(ctx context.Context) (*fsys.Root, func(), error) {
		return f.in.open(ctx, inv, f.lockWait)
	}}
	// snapshot is the hn state a plan renders from: the handler's own
	// read, unless --state names one.
	snapshot := func(s *hn.Snapshot) (*hn.Snapshot, error) {
		if f.in.state == "" {
			return s, nil
		}
		return f.in.snapshot(sys)
	}
	return &devd.Handler{
		Sys:     sys,
		Log:     io.MultiWriter(logs...),
		Unlock:  lock.unlock,
		Later:   devd.Spawn,
		History: rootHistory{f.in.root},
		Reverted: func() bool {
			// Read without the lock: the record is replaced atomically.
			root, err := fsys.Open(f.in.root)
			if err != nil {
				return false
			}
			defer root.Close()
			rec, err := inForce(root)
			return err == nil && rec != nil && rec.State == confirm.Reverted
		},
		// The fast path only reads: it is lenient (a statement a render
		// refuses is skipped rather than stopping every hot-plug); a
		// full apply keeps the flags.
		Runtime: func(ctx context.Context, s *hn.Snapshot) (*render.Plan, error) {
			root, err := lock.hold(ctx)
			if err != nil {
				return nil, err
			}
			if s, err = snapshot(s); err != nil {
				return nil, err
			}
			res, err := plan.PrepareRuntime(ctx, plan.RuntimeOptions{Root: root, ConfigPath: f.in.config, Snapshot: s, Lenient: true, Cache: cache})
			if err != nil {
				return nil, err
			}
			return res.Plan, nil
		},
		Plan: func(ctx context.Context, s *hn.Snapshot) (apply.Input, error) {
			root, err := lock.hold(ctx)
			if err != nil {
				return apply.Input{}, err
			}
			if s, err = snapshot(s); err != nil {
				return apply.Input{}, err
			}
			o := f.in.options(root)
			o.Snapshot, o.Cache = s, cache
			res, err := plan.Prepare(ctx, o)
			if err != nil {
				return apply.Input{}, err
			}
			return applyInput(res), nil
		},
	}
}

func vfUpCommand() *command {
	f := &handlerFlags{}
	return &command{
		name:    "vf-up",
		holds:   true,
		args:    "hnN",
		summary: "devd handler for HYPERV_NIC_VF/VF_UP: make hnN's VF a port of its lagg",
		flags:   f.register,
		run: func(ctx context.Context, inv *invocation) error {
			name, err := handlerArg(inv.args, devd.ValidName)
			if err != nil {
				return err
			}
			if err := f.refuseImage("vf-up"); err != nil {
				return err
			}
			h := f.handler(ctx, inv)
			return logged(h, h.VFUp(ctx, name))
		},
	}
}

// refuseImage: the handlers act on the running system only, never on an
// image (-R): devd runs them for this host's own interfaces. The check
// comes first, so nothing is read or run for a refused call.
func (f *handlerFlags) refuseImage(what string) error {
	if err := live.Require(what); err != nil {
		return err
	}
	image, err := isImage(f.in.root)
	if err != nil {
		return err
	}
	if image {
		return sysexits.Errorf(sysexits.Usage, "%s: -R %s is an image; the devd handlers act on the running system only", what, f.in.root)
	}
	return nil
}

// handlerArg takes the one interface name devd passes and refuses a bad
// one (valid says which are good) before anything else sees it.
func handlerArg(args []string, valid func(string) error) (string, error) {
	if len(args) != 1 {
		return "", sysexits.Errorf(sysexits.Usage, "want exactly one interface name, got %d arguments", len(args))
	}
	return args[0], valid(args[0])
}

// logged sends a handler's failure (which names the handler) to syslog
// too, with the exit status: devd throws stderr away, and nothing waits
// for the detached vf-attach, so this line is all an admin (or a test)
// learns of it.
func logged(h *devd.Handler, err error) error {
	if err != nil && h.Log != nil {
		fmt.Fprintf(h.Log, "failed (exit %d): %v\n", sysexits.Code(err), err)
	}
	return err
}
