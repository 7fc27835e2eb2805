package main

import (
	"context"
	"io"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/host"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/pipeline"
	"github.com/spf13/pflag"
)

// handlerFlags are the devd handlers' flags: devd passes none, tests and
// admins may point them at a root.
type handlerFlags struct {
	in       inputFlags
	verbose  bool
	lockWait time.Duration
	opts     pipeline.Options // the root, once the handler holds its lock
}

func (f *handlerFlags) register(fs *pflag.FlagSet) {
	f.in.register(fs)
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also log to stderr (devd discards it; syslog always gets it)")
	fs.DurationVar(&f.lockWait, "lock-wait", lockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
}

// handler builds the devd handler: syslog (tag hvnetconf) is the log, plus
// stderr with -v.
func (f *handlerFlags) handler(ctx context.Context, inv *invocation) *apply.Handler {
	r := host.ExecRunner{}
	var logs []io.Writer
	if w := apply.Syslog(); w != nil {
		logs = append(logs, w)
	}
	if f.verbose {
		logs = append(logs, inv.stderr)
	}
	return &apply.Handler{
		Env:      apply.Env{Runner: r, Log: io.MultiWriter(logs...)},
		Sysctls:  apply.Sysctls(ctx, r),
		Lock:     func() (func() error, error) { return f.lock(ctx, inv) },
		LaggName: f.laggName,
		Prepare: func(ctx context.Context) (apply.Input, error) {
			res, err := prepareLive(ctx, f.opts, r)
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
		args:    "hnN",
		summary: "devd handler for HYPERV_NIC_VF/VF_UP: make hnN's VF a port of its lagg",
		flags:   f.register,
		run: func(ctx context.Context, inv *invocation) error {
			name, err := handlerArg(inv.args)
			if err != nil {
				return err
			}
			if err := f.refuseImage("vf-up"); err != nil {
				return err
			}
			h := f.handler(ctx, inv)
			return logged(h, "vf-up "+name, h.VFUp(ctx, name))
		},
	}
}

// refuseImage: the handlers act on the running system only, never on an
// image (-R): devd runs them for this host's own interfaces. The check
// comes first, so nothing is read or run for a refused call.
func (f *handlerFlags) refuseImage(what string) error {
	if err := host.RequireLive(what); err != nil {
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

// lock opens and locks the root (held until the command returns; the
// handler's unlock is then a no-op) and keeps it for Prepare and laggName.
func (f *handlerFlags) lock(ctx context.Context, inv *invocation) (func() error, error) {
	o, err := f.in.open(ctx, inv, f.lockWait, nil)
	if err != nil {
		return nil, err
	}
	f.opts = o
	return func() error { return nil }, nil
}

// handlerArg takes the one interface name devd passes and refuses a bad
// one before anything else sees it.
func handlerArg(args []string) (string, error) {
	if len(args) != 1 {
		return "", sysexits.Errorf(sysexits.Usage, "want exactly one interface name, got %d arguments", len(args))
	}
	return args[0], apply.ValidName(args[0])
}

// logged sends a handler's failure to syslog too: devd throws stderr away.
func logged(h *apply.Handler, what string, err error) error {
	if err != nil && h.Env.Log != nil {
		io.WriteString(h.Env.Log, what+": "+err.Error()+"\n")
	}
	return err
}

// laggName reads only the policy (not rc.conf, not a render) so the fast
// path stays fast; an unreadable policy falls back to laggN, and the slow
// path's full render then reports the policy error.
func (f *handlerFlags) laggName(hnName string) string {
	if f.opts.Root == nil {
		return ""
	}
	c, err := pipeline.LoadConfig(f.opts)
	if err != nil {
		return ""
	}
	return c.Interface(hnName).Lagg
}
