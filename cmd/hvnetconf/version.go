package main

import (
	"context"
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"

	"github.com/hvnetconf/hvnetconf/internal/version"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print version, commit, Go version and platform",
		run: func(_ context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "version: unexpected argument %q", inv.args[0])
			}
			_, err := fmt.Fprintln(inv.stdout, version.String())
			return err
		},
	}
}
