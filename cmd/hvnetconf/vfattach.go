package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/spf13/pflag"
)

func vfAttachCommand() *command {
	f := &handlerFlags{}
	var detached bool
	return &command{
		name:    "vf-attach",
		args:    "IF",
		summary: "devd handler for ETHERNET/IFATTACH: after hyperv_vf_delay, bring a VF into its lagg",
		flags: func(fs *pflag.FlagSet) {
			f.register(fs)
			fs.BoolVar(&detached, "detached", false, "run the delayed part now (vf-attach starts itself so)")
			_ = fs.MarkHidden("detached")
		},
		run: func(ctx context.Context, inv *invocation) error {
			name, err := handlerArg(inv.args)
			if err != nil {
				return err
			}
			if err := f.refuseImage("vf-attach"); err != nil {
				return err
			}
			h := f.handler(ctx, inv)
			if !detached {
				// Every Ethernet attach (lagg, vlan, hn) comes here: decide
				// fast, and detach only for a VF in lagg mode.
				isVF, err := h.IsVF(name)
				if err != nil || !isVF {
					return logged(h, "vf-attach "+name, err)
				}
				return logged(h, "vf-attach "+name, apply.Detach(f.childArgs(name)...))
			}
			delay := vfDelay(ctx, f.in.root)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(delay):
			}
			return logged(h, "vf-attach "+name, h.VFAttach(ctx, name))
		},
	}
}

func (f *handlerFlags) childArgs(name string) []string {
	args := []string{"vf-attach", "--detached", "--root", f.in.root, "--lock-wait", f.lockWait.String()}
	if f.in.config != "" {
		args = append(args, "--config", f.in.config)
	}
	if f.in.lenient {
		args = append(args, "--lenient")
	}
	return append(args, "--", name)
}

// minVFDelay is FreeBSD's floor and default for hyperv_vf_delay (libexec/hyperv/hyperv_vfattach).
const minVFDelay = 2 * time.Second

// vfDelay is hyperv_vf_delay as netif sees it (rc.conf, then the rendered
// rc.conf.d/network), in seconds, at least 2. An unreadable rc.conf gives
// the default: the VF must still come up. It is read without the lock,
// which the handler takes only after the delay: a value read during a
// render is the old or the new one, both fine for a delay.
func vfDelay(ctx context.Context, root string) time.Duration {
	env, err := rcconf.Load(ctx, rcconf.Options{Root: root, Services: []string{"network"}, Lenient: true})
	if err != nil {
		return minVFDelay
	}
	v, _ := env.Get("hyperv_vf_delay")
	secs, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || time.Duration(secs*float64(time.Second)) < minVFDelay {
		return minVFDelay
	}
	return time.Duration(secs * float64(time.Second))
}
