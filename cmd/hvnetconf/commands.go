package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"

	"github.com/spf13/pflag"
)

// command is one subcommand. The table below is the single list of commands
// and flags: usage, dispatch and the shell completions are all built from it.
type command struct {
	name    string
	args    string // usage text after the flags, e.g. "NAME..."
	summary string
	writes  bool                    // it writes files (render, apply): its refusals say "nothing was written"
	flags   func(fs *pflag.FlagSet) // registers the command's flags
	run     func(ctx context.Context, inv *invocation) error
	// holds: the command changes the running system, so it holds on
	// through the end of its session (session, outbox).
	holds bool
	fs    *pflag.FlagSet
}

// invocation is what a command's run function gets: its parsed positional
// arguments and where to print. Flag values live in the command's own struct.
type invocation struct {
	cmd            *command
	args           []string
	stdout, stderr io.Writer
	atExit         []func() // run (last first) when the command returns
}

// unwritten marks an error that stopped a writing command before it wrote
// anything; a read-only command's errors say nothing about writing.
func (inv *invocation) unwritten(err error) error {
	if err == nil || !inv.cmd.writes {
		return err
	}
	return sysexits.New(sysexits.Code(err), fmt.Errorf("%w (nothing was written)", err))
}

// onExit registers f to run when the command has returned (before the
// exit code is printed): releasing the root's lock, for one.
func (inv *invocation) onExit(f func()) { inv.atExit = append(inv.atExit, f) }

func commands() []*command {
	return []*command{
		renderCommand(),
		diffCommand(),
		varsCommand(),
		snapshotCommand(),
		versionCommand(),
		applyCommand(),
		confirmCommand(),
		revertCommand(),
		checkCommand(),
		statusCommand(),
		vfAttachCommand(),
		vfUpCommand(),
		vfDetachCommand(),
		completionCommand(),
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// flagSet builds the command's flag set once (flags bind into the values
// captured by the flags function).
func (c *command) flagSet() *pflag.FlagSet {
	if c.fs == nil {
		c.fs = pflag.NewFlagSet("hvnetconf "+c.name, pflag.ContinueOnError)
		c.fs.SortFlags = false
		if c.flags != nil {
			c.flags(c.fs)
		}
	}
	return c.fs
}

func (c *command) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n\nflags:\n%s", strings.TrimSpace("hvnetconf "+c.name+" [flags] "+c.args), c.summary, c.flagSet().FlagUsages())
}
