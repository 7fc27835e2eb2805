package rcconf

import (
	"context"
	"errors"
	"io/fs"
	"path"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// evaluator follows rc.subr's load_rc_config (load.go) in one shell. It
// decides what may run (call, ., eval) and runs files statement by
// statement (run.go), composing three parts: the shell, which wires the
// interpreter (shell.go); origins, where each value came from
// (origins.go); and limits, the counters that stop hostile input
// (limits.go).
type evaluator struct {
	opts    Options
	fs      *rootFS
	sh      *shell
	origins *origins
	lim     *limits
	funcs   map[string]bool // functions declared so far (files, eval text)
	files   []string        // read, in order
	finds   []finding.Finding
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
	if strings.HasPrefix(name, "rcconf:") && !internal(ctx) {
		return ev.refuse("command " + name + " is not allowed")
	}
	switch {
	case name == cmdTick || name == cmdEnter || name == cmdLeave || name == cmdMatch:
		return ev.tick(ctx, args)
	case name == "." || name == "source":
		return ev.dot(args)
	case name == "eval":
		return ev.eval(ctx, args)
	case name == cmdReturn: // the body of cmdStatus: not a function's own return
		return append([]string{"return"}, args[1:]...), nil
	case name == "return":
		ev.lim.leaveCall() // the checker only lets return stand in a function body
		return args, nil
	case ev.sh.function(name) != nil, allowedBuiltins[name]:
		return args, nil
	}
	return ev.refuse(notAllowed(name) + assignHint(args, ""))
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
	if err := ev.lim.enterEval(len(src)); err != nil {
		return nil, ev.stop(err)
	}
	defer ev.lim.leaveEval()
	// Not through the cache: eval text is built while running, and a loop
	// of evals would only push the files out.
	c, err := prepare(file+" (eval)", src)
	if err != nil {
		return nil, ev.stop(err)
	}
	if refs := c.refusalsWith(ev.funcs); len(refs) > 0 {
		return ev.refuse("eval: " + refs[0].msg)
	}
	first, err := ev.lim.reserve(c.totalTicks())
	if err != nil {
		return nil, ev.stop(err)
	}
	env := interp.HandlerCtx(ctx).Env
	for i, st := range c.file.Stmts {
		st = ev.ticked(st, first+c.ticks[i], c.ticks[i+1]-c.ticks[i])
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
	if f, ok := crlfFinding(logical, data); ok {
		ev.finds = append(ev.finds, f)
	}
	c, err := ev.opts.Cache.prepare(logical, keepCR(data))
	if err != nil {
		return ev.lenientFile(err)
	}
	return ev.runFile(logical, c)
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
	if err := ev.lim.bound(stmtBound(st, longest)); err != nil {
		return ev.stop(err)
	}
	return ev.stop(ev.lim.charge(cost(st, env, ev.sh.params())))
}

// measure is limits.measure on env and the positional parameters; the
// longest value raises the bound that origins keeps.
func (ev *evaluator) measure(env expand.Environ) (int, error) {
	longest, err := ev.lim.measure(env, ev.sh.params())
	if err != nil {
		return 0, ev.stop(err)
	}
	ev.origins.grow(longest)
	return longest, nil
}
