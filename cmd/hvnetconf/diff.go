package main

import (
	"context"
	"io"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func diffCommand() *command {
	in := &inputFlags{}
	return &command{
		name:    "diff",
		summary: "show what render would change, as a unified diff (exit 1 when changes are pending)",
		flags:   in.registerStrict,
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "diff: unexpected argument %q", inv.args[0])
			}
			res, err := in.prepare(ctx, inv)
			if err != nil {
				return err
			}
			if in.json {
				err = writeJSON(inv.stdout, newReport(in.root, res))
			} else {
				for _, c := range res.Changes {
					if _, err = io.WriteString(inv.stdout, unified(c)); err != nil {
						break
					}
				}
				printStale(inv.stderr, res, false)
				printPending(inv.stderr, res.Root)
				in.printFindings(inv.stderr, res.Findings)
			}
			if err != nil || len(res.Changes) == 0 {
				return err
			}
			return exitSilently(sysexits.Failure)
		},
	}
}
