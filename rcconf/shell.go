package rcconf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"maps"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// shell is the one interp.Runner of an evaluation, wired so that nothing
// reaches the host: every simple command goes to the evaluator's call
// handler, file access goes through the confined root (fsys.go), output
// is thrown away and stderr is kept for findings. It runs what it is given
// one node at a time and keeps the stack of files being run.
type shell struct {
	ctx    context.Context
	r      *interp.Runner
	files  handlers
	meter  meter
	stderr bytes.Buffer
	global expand.Environ // live view of the global variables
	stack  frames
	fatal  error // the first error that ends the evaluation
}

// meter counts the work the interpreter does (limits.go); an error ends
// the evaluation.
type meter interface {
	command(args []string) error     // every simple command, before it runs
	listDir() error                  // before a directory is listed (globs)
	listed(entries, names int) error // after: how many, and their names' bytes
}

// start sets up the interpreter. call sees every simple command with its
// words expanded, after m has counted it.
func (sh *shell) start(files *rootFS, m meter, call interp.CallHandlerFunc) error {
	sh.files, sh.meter = handlers{fs: files}, m
	r, err := interp.New(
		// What /etc/rc gives every rc script: HOME=/ and its PATH. UID,
		// EUID and GID are bash's; FreeBSD's sh leaves them unset, and
		// empty values keep the interpreter from taking this process's.
		// Nothing of the environment hvnetconf runs in reaches a render.
		interp.Env(expand.ListEnviron("HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "UID=", "EUID=", "GID=")),
		interp.Dir("/"),
		interp.StdIO(nil, io.Discard, &sh.stderr),
		interp.CallHandler(sh.calls(call)),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return sh.exec }),
		interp.OpenHandler(sh.files.open),
		interp.StatHandler(sh.files.stat),
		interp.AccessHandler(sh.files.access),
		interp.ReadDirHandler2(sh.readDir),
	)
	if err != nil {
		return sysexits.New(sysexits.Software, err)
	}
	sh.r = r
	// Capture a live view of the globals: the variables as the running
	// statements change them, without copying them after each one.
	probe := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord(cmdProbe)}}}
	status := &syntax.Stmt{Cmd: &syntax.FuncDecl{Parens: true, Name: &syntax.Lit{Value: cmdStatus},
		Body: &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord(cmdReturn),
			{Parts: []syntax.WordPart{&syntax.ParamExp{Short: true, Param: &syntax.Lit{Value: "1"}}}}}}}}}
	if err := r.Run(sh.ctx, &syntax.File{Stmts: []*syntax.Stmt{probe, status}}); err != nil || sh.global == nil {
		return sysexits.Errorf(sysexits.Software, "rcconf: cannot start the interpreter: %v", err)
	}
	return nil
}

// fork sets sh up as a copy of from's interpreter (variables, functions,
// options, positional parameters, $?), wired to sh itself, files and m
// like start; from is not changed.
//
// Every Run ends by copying all the variables into Runner.Vars, which
// rcconf never reads (it reads the live view, sh.global); a copy's starts
// empty, so its first Run would grow it, rehashing, hundreds of entries at
// a time. It takes vars instead, a spare one that holds the names already,
// or else a clone of from's when from has one.
func (sh *shell) fork(from *shell, files *rootFS, m meter, call interp.CallHandlerFunc, vars map[string]expand.Variable) error {
	sh.files = handlers{fs: files}
	r := from.r.Subshell()
	switch {
	case vars != nil:
	case from.r.Vars != nil:
		vars = maps.Clone(from.r.Vars)
	default: // a kept start's, given to another copy (Session.begin)
		vars = map[string]expand.Variable{}
	}
	r.Vars = vars
	for _, opt := range []interp.RunnerOption{
		interp.StdIO(nil, io.Discard, &sh.stderr),
		interp.CallHandler(sh.calls(call)),
		// A copy keeps the handlers it was made with, from's: the
		// middlewares of ExecHandlers are chained only in the first
		// Reset, which a copy never runs, so only this option rewires it.
		interp.ExecHandler(sh.exec), //lint:ignore SA1019 see above
		interp.OpenHandler(sh.files.open),
		interp.StatHandler(sh.files.stat),
		interp.AccessHandler(sh.files.access),
		interp.ReadDirHandler2(sh.readDir),
	} {
		if err := opt(r); err != nil {
			return sysexits.New(sysexits.Software, err)
		}
	}
	sh.r = r
	// The probe, uncounted (from's evaluation counted its own), keeping
	// $? for the next statement as from left it.
	if err := r.Run(sh.ctx, &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord(cmdProbe)}}}); err != nil && sh.global == nil {
		return sysexits.Errorf(sysexits.Software, "rcconf: cannot copy the interpreter: %v", err)
	}
	if sh.global == nil {
		return sysexits.Errorf(sysexits.Software, "rcconf: cannot copy the interpreter")
	}
	sh.meter = m
	return nil
}

// calls counts every command, the probe too, and answers the probe itself;
// once the evaluation has failed, every command gets that error.
func (sh *shell) calls(call interp.CallHandlerFunc) interp.CallHandlerFunc {
	return func(ctx context.Context, args []string) ([]string, error) {
		if sh.fatal != nil {
			return nil, sh.fatal
		}
		if sh.meter == nil { // fork's probe
			if args[0] == cmdProbe && internal(ctx) {
				sh.global = interp.HandlerCtx(ctx).Env
				return statusArgs(ctx, false), nil
			}
			return call(ctx, args) // the status function statusArgs may call
		}
		if err := sh.stop(sh.meter.command(args)); err != nil {
			return nil, err
		}
		if args[0] == cmdProbe && internal(ctx) {
			sh.global = interp.HandlerCtx(ctx).Env
			return []string{":"}, nil
		}
		return call(ctx, args)
	}
}

// internal reports whether the command running is one rcconf put into
// the tree (ticks.go), which has no position, rather than a file's: a
// computed name ($x) may spell an internal one, and is refused.
func internal(ctx context.Context) bool { return !interp.HandlerCtx(ctx).Pos.IsValid() }

// readDir lists a directory for a glob, counted: a glob such as */*/*/*
// under a directory with symlinks to itself lists without end.
func (sh *shell) readDir(ctx context.Context, p string) ([]fs.DirEntry, error) {
	if sh.fatal != nil {
		return nil, sh.fatal
	}
	if err := sh.stop(sh.meter.listDir()); err != nil {
		return nil, err
	}
	entries, err := sh.files.readDir(ctx, p)
	names := 0
	for _, e := range entries {
		names += len(e.Name()) + 1
	}
	if err := sh.stop(sh.meter.listed(len(entries), names)); err != nil {
		return nil, err
	}
	return entries, err
}

// exec is the second line of defence: the call handler lets no external
// command through, and neither does this.
func (sh *shell) exec(_ context.Context, args []string) error {
	return sh.stop(sh.here("command %s is not allowed (rcconf runs no programs)", args[0]))
}

// stop keeps the first fatal error: the interpreter may swallow a handler
// error (e.g. in a condition), the evaluator must not. A nil err passes.
func (sh *shell) stop(err error) error {
	if err != nil && sh.fatal == nil {
		sh.fatal = err
	}
	return err
}

// here is an error at the innermost running statement.
func (sh *shell) here(format string, args ...any) error {
	return sh.stack.errorf(format, args...)
}

// function is the body of a function the files defined, or nil.
func (sh *shell) function(name string) *syntax.Stmt { return sh.r.Funcs[name] }

// params are the positional parameters ($1...).
func (sh *shell) params() []string { return sh.r.Params }

// run runs node and turns what the interpreter reports into rcconf
// errors. An exit status alone is not an error: sh goes on.
func (sh *shell) run(node syntax.Node) error {
	err := sh.r.Run(sh.ctx, node)
	if sh.fatal != nil {
		return sh.fatal
	}
	if err := sh.ctx.Err(); err != nil {
		if errors.Is(err, context.Canceled) {
			// main cancels on SIGTERM and SIGINT: nothing is written.
			return sh.stop(sysexits.New(sysexits.TempFail, sh.here("interrupted")))
		}
		return sh.stop(sh.here("limit: evaluation did not finish in time (endless loop?)"))
	}
	var status interp.ExitStatus
	if err != nil && !errors.As(err, &status) {
		return sh.stop(sh.here("%v", err))
	}
	if sh.r.Exited() {
		return sh.stop(sh.here("the shell would exit here (set -e, or a failed ${name?})"))
	}
	return nil
}

// output returns, and forgets, the lines the shell printed to stderr
// (its own error messages, set -x tracing).
func (sh *shell) output() []string {
	if sh.stderr.Len() == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSpace(sh.stderr.String()), "\n")
	sh.stderr.Reset()
	return lines
}
