// Command hvnetconf renders, previews, applies and checks the network
// configuration of FreeBSD guests on Hyper-V and Azure (hn(4) NICs and their
// SR-IOV VFs). This package is only the command line: flags, dispatch, output
// and exit codes; the work is done by the packages it calls.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/hvnetconf/hvnetconf/devd"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"github.com/spf13/pflag"
)

func main() {
	ctx, stop := watchSignals(context.Background())
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code. Tests
// drive the CLI through it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return sysexits.Usage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		usage(stdout)
		return sysexits.OK
	case "--version", "-V":
		name = "version"
	}
	cmd := lookupCommand(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "hvnetconf: unknown command %q (%s)\n", name, commandSuggestion(name))
		return sysexits.Usage
	}
	fs := cmd.flagSet()
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			cmd.printUsage(stdout)
			return sysexits.OK
		}
		fmt.Fprintf(stderr, "hvnetconf %s: %v%s\n", cmd.name, err, flagSuggestion(fs, err))
		return sysexits.Usage
	}
	inv := &invocation{cmd: cmd, args: fs.Args(), stdout: stdout, stderr: stderr}
	if cmd.holds {
		box := newOutbox(stdout, stderr, devd.Syslog())
		defer box.close(outboxWait)
		inv.stdout, inv.stderr = box.stdout(), box.stderr()
		holdOn(ctx, inv.stderr)
	}
	err := cmd.run(ctx, inv)
	for _, f := range slices.Backward(inv.atExit) {
		f()
	}
	if err == nil {
		return sysexits.OK
	}
	var silent *silentError
	if !errors.As(err, &silent) {
		// Errors quote user text (paths, values); whatever slipped
		// through unescaped must not reach the terminal raw.
		fmt.Fprintf(inv.stderr, "hvnetconf: %s\n", termsafe.Line(err.Error()))
	}
	return sysexits.Code(err)
}

// silentError ends the process with a code after the command has already said
// everything (diff's "changes pending", vars' unknown names).
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func exitSilently(code int) error {
	return sysexits.New(code, &silentError{code: code})
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: hvnetconf COMMAND [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'hvnetconf COMMAND --help' for a command's flags.")
}
