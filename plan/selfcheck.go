package plan

import (
	"context"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/render"
)

// selfCheck evaluates the rendered tree overlaid on the root the way each
// consuming service loads it (netif, dhclient, routing) and fails if any
// rendered value does not take effect, naming the file that wins instead.
// Nothing is written before this passes.
func selfCheck(ctx context.Context, plan *render.Plan, ev evaluations) error {
	overlay := map[string][]byte{}
	for path := range ev.mask {
		overlay[path] = nil // owned files the plan drops are gone afterwards
	}
	for _, f := range plan.Files {
		overlay[f.Path] = f.Data
	}
	envs := map[string]*rcconf.Env{}
	for _, e := range plan.Expect {
		key := strings.Join(e.Services, " ")
		env, ok := envs[key]
		if !ok {
			var err error
			env, err = ev.load(ctx, e.Services, overlay)
			if err != nil {
				return err
			}
			envs[key] = env
		}
		got, ok := env.Lookup(e.Name)
		if ok && got.Value == e.Value {
			continue
		}
		if !ok {
			return sysexits.Errorf(sysexits.DataErr,
				"%s: self-check: load_rc_config %s does not read this file, so %s would stay unset (local_startup decides where rc.conf.d is looked for)",
				e.File, key, e.Name)
		}
		return sysexits.Errorf(sysexits.DataErr,
			"%s: self-check: %s (load_rc_config %s) is set here, so the value rendered in %s would not take effect; remove or change this setting",
			got.Origin, e.Name, key, e.File)
	}
	return nil
}
