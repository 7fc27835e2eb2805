package main

import (
	"context"
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/spf13/pflag"
)

func versionCommand() *command {
	var asJSON bool
	return &command{
		name:    "version",
		summary: "print version, commit, Go version and platform",
		flags: func(fs *pflag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print one JSON object, with the revision of the --json output (json_version)")
		},
		run: func(_ context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "version: unexpected argument %q", inv.args[0])
			}
			if asJSON {
				return writeJSON(inv.stdout, version.Current())
			}
			_, err := fmt.Fprintln(inv.stdout, version.String())
			return err
		},
	}
}
