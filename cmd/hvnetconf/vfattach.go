package main

import (
	"context"

	"github.com/hvnetconf/hvnetconf/devd"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/spf13/pflag"
)

func vfAttachCommand() *command {
	f := &handlerFlags{}
	var detached bool
	return &command{
		name:    "vf-attach",
		holds:   true,
		args:    "IF",
		summary: "devd handler for ETHERNET/IFATTACH: after hyperv_vf_delay, bring a VF into its lagg",
		flags: func(fs *pflag.FlagSet) {
			f.register(fs)
			fs.BoolVar(&detached, "detached", false, "run the delayed part now (vf-attach starts itself so)")
			_ = fs.MarkHidden("detached")
		},
		run: func(ctx context.Context, inv *invocation) error {
			// Every Ethernet attach comes here; only a VF goes on, and
			// the background part takes nothing but a valid VF name.
			valid := devd.ValidAttachName
			if detached {
				valid = devd.ValidName
			}
			name, err := handlerArg(inv.args, valid)
			if err != nil {
				return err
			}
			if err := f.refuseImage("vf-attach"); err != nil {
				return err
			}
			h := f.handler(ctx, inv)
			if detached {
				return logged(h, h.VFAttach(ctx, name, live.Sleep))
			}
			return logged(h, h.Attach(name, func() error { return devd.Detach(f.childArgs(name)...) }))
		},
	}
}

func (f *handlerFlags) childArgs(name string) []string {
	args := []string{"vf-attach", "--detached", "--root", f.in.root, "--lock-wait", f.lockWait.String()}
	if f.in.config != "" {
		args = append(args, "--config", f.in.config)
	}
	if f.in.state != "" {
		args = append(args, "--state", f.in.state)
	}
	if f.in.lenient {
		args = append(args, "--lenient")
	}
	if f.in.empty {
		args = append(args, "--allow-empty")
	}
	return append(args, "--", name)
}
