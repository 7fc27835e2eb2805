package main

import (
	"context"
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/version"
)

func versionCommand() *command {
	return &command{
		name:    "version",
		summary: "print version, commit, Go version and platform",
		run: func(_ context.Context, inv *invocation) error {
			_, err := fmt.Fprintln(inv.stdout, version.String())
			return err
		},
	}
}
