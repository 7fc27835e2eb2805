package rcconf

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// evaluator runs files in one shell, statement by statement, and
// records where each variable got its value.
type evaluator struct {
	opts    Options
	fs      *fsys
	sh      *shell
	origins *origins
	funcs   map[string]bool
	files   []string
	finds   []finding.Finding
	// Counters behind the limits (limits.go).
	steps      int
	calls      int // function calls in progress
	evals      int // eval in progress
	expanded   int
	scanned    int
	dirReads   int
	dirEntries int
	bodies     []syntax.Node // loop and function bodies, for tick's cost
}

// bodyCost is the expansion cost of the body a tick stands in.
func (ev *evaluator) bodyCost(ctx context.Context, index string) int {
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(ev.bodies) {
		return 0
	}
	return ev.cost(ev.bodies[i], interp.HandlerCtx(ctx).Env)
}

// here is an error at the innermost running statement.
func (ev *evaluator) here(format string, args ...any) error {
	return ev.sh.here(format, args...)
}

// warn records a finding at the innermost running statement.
func (ev *evaluator) warn(file string, line int, msg string) {
	ev.finds = append(ev.finds, finding.Finding{File: file, Line: line, Severity: finding.Warning, Message: msg})
}

// refuse handles a construct refused while running: in lenient mode a
// finding and a failing command; else the end of the evaluation.
func (ev *evaluator) refuse(msg string) ([]string, error) {
	if ev.opts.Lenient {
		file, pos := ev.sh.stack.where()
		ev.warn(file, int(pos.Line()), "skipped: "+msg)
		return []string{"false"}, nil
	}
	return nil, ev.stop(ev.here("%s", msg))
}

// stop ends the evaluation with err (see shell.stop).
func (ev *evaluator) stop(err error) error { return ev.sh.stop(err) }

// call is the interpreter's CallHandler: every simple command passes here
// before it runs, with its words expanded and counted (see shell.calls).
func (ev *evaluator) call(ctx context.Context, args []string) ([]string, error) {
	name := args[0]
	switch {
	case name == cmdTick || name == cmdEnter || name == cmdLeave:
		return ev.tick(ctx, args)
	case name == "." || name == "source":
		return ev.dot(args)
	case name == "eval":
		return ev.eval(ctx, args)
	case name == "return":
		ev.calls-- // the checker only lets return stand in a function body
		return args, nil
	case ev.sh.function(name) != nil, allowedBuiltins[name]:
		return args, nil
	}
	return ev.refuse(notAllowed(name))
}

// tick runs at the top of loop bodies and at both ends of function bodies:
// it counts function calls in progress, checks the values against their
// limits, charges the body's expansions, and keeps $? (see statusArgs).
// args are the name, the body's growth factor, and its index in ev.bodies.
func (ev *evaluator) tick(ctx context.Context, args []string) ([]string, error) {
	switch args[0] {
	case cmdEnter:
		if ev.calls++; ev.calls > maxCallDepth {
			return nil, ev.limit("functions nest deeper than %d calls (endless recursion?)", maxCallDepth)
		}
	case cmdLeave:
		ev.calls--
	}
	longest, err := ev.measure(interp.HandlerCtx(ctx).Env)
	if err != nil {
		return nil, err
	}
	g, _ := strconv.Atoi(args[1])
	if satMul(longest, max(g, 1)) > maxValue {
		return nil, ev.limit("values could grow over %d MiB in one pass of a loop or function", maxValue>>20)
	}
	if args[0] != cmdLeave {
		if err := ev.charge(ev.bodyCost(ctx, args[2])); err != nil {
			return nil, err
		}
	}
	return statusArgs(ctx, args[0] == cmdLeave), nil
}

// dot runs ". FILE" itself, so that the file is checked before it runs and
// every statement in it gets its own origin.
func (ev *evaluator) dot(args []string) ([]string, error) {
	if len(args) < 2 {
		return ev.refuse(". needs a file name")
	}
	logical := args[1]
	if !path.IsAbs(logical) {
		logical = path.Join("/", logical) // the evaluation runs in /
	}
	if err := ev.source(logical, true); err != nil {
		return nil, ev.stop(err)
	}
	return []string{":"}, nil
}

// eval checks the text like a file, then runs it in place. Unlike a file,
// its text is built while running, so each statement is bounded by the
// values as they are when it starts.
func (ev *evaluator) eval(ctx context.Context, args []string) ([]string, error) {
	file, _ := ev.sh.stack.where()
	src := []byte(strings.Join(args[1:], " "))
	if len(src) > maxFileSize {
		return nil, ev.limit("eval text over %d MiB", maxFileSize>>20)
	}
	if ev.evals >= maxEvalDepth {
		return nil, ev.limit("eval nests deeper than %d levels", maxEvalDepth)
	}
	ev.evals++
	defer func() { ev.evals-- }()
	parsed, err := ev.parse(file+" (eval)", src)
	if err != nil {
		return nil, ev.stop(err)
	}
	if refs := checkFile(parsed, ev.funcs); len(refs) > 0 {
		return ev.refuse("eval: " + refs[0].msg)
	}
	ev.instrument(parsed)
	env := interp.HandlerCtx(ctx).Env
	for _, st := range parsed.Stmts {
		if err := ev.guard(env, st); err != nil {
			return nil, err
		}
		if err := ev.run(st); err != nil {
			return nil, ev.stop(err)
		}
	}
	if _, err := ev.measure(env); err != nil {
		return nil, err
	}
	return []string{":"}, nil
}

// source reads, checks and runs one file. nested says a . in a file asked
// for it (so a missing file is the caller's error).
func (ev *evaluator) source(logical string, nested bool) error {
	if len(ev.sh.stack) >= maxDepth {
		return ev.here(". %s: files nest deeper than %d levels (does a file source itself?)", logical, maxDepth)
	}
	data, err := ev.fs.readFile(logical)
	switch {
	case errors.Is(err, errTooBig):
		err = errAt(logical, syntax.Pos{}, "%v", err)
	case errors.Is(err, fs.ErrNotExist) && nested:
		err = ev.here(". %s: no such file", logical)
	case err != nil && nested:
		err = ev.here(". %s: %v", logical, err)
	case err != nil:
		err = errAt(logical, syntax.Pos{}, "%v", err)
	default:
		err = checkText(logical, data)
	}
	if err != nil {
		return ev.lenientFile(err)
	}
	ev.files = append(ev.files, logical)
	if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
		ev.warn(logical, int(lineAt(data, i).Line()),
			"CR LF line ends: FreeBSD's sh keeps each CR as part of the line, so ifconfig_hn0=\"DHCP\"\\r sets \"DHCP\\r\", which is not DHCP; save the file with LF line ends")
	}
	parsed, err := ev.parse(logical, data)
	if err != nil {
		return ev.lenientFile(err)
	}
	return ev.runFile(logical, parsed)
}

// lenientFile turns a whole-file problem into a finding in lenient mode.
func (ev *evaluator) lenientFile(err error) error {
	if !ev.opts.Lenient {
		return err
	}
	ev.finds = append(ev.finds, finding.Finding{Severity: finding.Warning, Message: "skipped: " + err.Error()})
	return nil
}

// guard bounds one eval statement before it runs, from the values as they
// are now: what it could build, and what its expansions may scan.
func (ev *evaluator) guard(env expand.Environ, st *syntax.Stmt) error {
	longest, err := ev.measure(env)
	if err != nil {
		return err
	}
	if stmtBound(st, longest) > maxValue {
		return ev.limit("values could grow over %d MiB", maxValue>>20)
	}
	return ev.charge(ev.cost(st, env))
}
