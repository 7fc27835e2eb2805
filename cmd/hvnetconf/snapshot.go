package main

import (
	"context"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
)

func snapshotCommand() *command {
	return &command{
		name:    "snapshot",
		summary: "print the live hn/VF state as a TOML snapshot (input of --state)",
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "snapshot: unexpected argument %q", inv.args[0])
			}
			if err := live.RequireElse("snapshot", "run it on a FreeBSD guest of the VM size to capture"); err != nil {
				return err
			}
			s, err := live.Snapshot(live.New(ctx))
			if err != nil {
				return err
			}
			return s.WriteTOML(inv.stdout)
		},
	}
}
