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
}

func (f *handlerFlags) register(fs *pflag.FlagSet) {
	f.in.register(fs)
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "also log to stderr (devd discards it; syslog always gets it)")
	fs.DurationVar(&f.lockWait, "lock-wait", apply.LockWait, "wait at most `DURATION` for another hvnetconf (then exit 75)")
}

// handler builds the devd handler: syslog (tag hvnetconf) is the log, plus
// stderr with -v.
func (f *handlerFlags) handler(ctx context.Context, stderr io.Writer) *apply.Handler {
	r := host.ExecRunner{}
	var logs []io.Writer
	if w := apply.Syslog(); w != nil {
		logs = append(logs, w)
	}
	if f.verbose {
		logs = append(logs, stderr)
	}
	return &apply.Handler{
		Env:      apply.Env{Runner: r, Log: io.MultiWriter(logs...)},
		Sysctls:  apply.Sysctls(ctx, r),
		Lock:     func() (func() error, error) { return apply.Lock(f.in.root, f.lockWait) },
		LaggName: f.laggName,
		Prepare: func(ctx context.Context) (apply.Input, error) {
			res, err := prepareLive(ctx, &f.in, r)
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
			h := f.handler(ctx, inv.stderr)
			return logged(h, "vf-up "+name, h.VFUp(ctx, name))
		},
	}
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
	c, err := pipeline.LoadConfig(f.in.options())
	if err != nil {
		return ""
	}
	return c.Interface(hnName).Lagg
}
