package rcconf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Limits that keep a hostile or broken file from hanging or exhausting the
// process. FreeBSD's sh has none of them, but no real rc.conf comes near.
const (
	maxDepth    = 16        // nested . files
	maxSteps    = 1_000_000 // commands run in one Load
	maxFrames   = 4096      // Go stack frames: runaway recursion
	maxHeapGrow = 512 << 20 // heap growth during one Load
)

// frame is a file being run and the top-level statement running in it.
type frame struct {
	file string
	pos  syntax.Pos
}

// evaluator runs files in one interp.Runner, statement by statement, and
// records where each variable got its value.
type evaluator struct {
	ctx     context.Context
	opts    Options
	fs      *fsys
	r       *interp.Runner
	stderr  bytes.Buffer
	global  expand.Environ    // live view of the global variables
	known   map[string]string // values as of the last statement
	origins map[string]Origin
	maxLen  int // longest value so far (upper bound)
	funcs   map[string]bool
	stack   []frame
	files   []string
	finds   []finding.Finding
	fatal   error
	steps   int
	heap0   uint64
	pcs     []uintptr
	sample  []metrics.Sample
}

// where is the innermost statement running, for messages.
func (ev *evaluator) where() (string, syntax.Pos) {
	if len(ev.stack) == 0 {
		return "(load_rc_config)", syntax.Pos{}
	}
	top := ev.stack[len(ev.stack)-1]
	return top.file, top.pos
}

// errAt formats "FILE:LINE:COL: msg" (or FILE:LINE: without a column).
func errAt(file string, pos syntax.Pos, format string, args ...any) error {
	// User text (a path, a redirection target) may hold newlines; an
	// error is one line.
	msg := oneLineText(fmt.Sprintf(format, args...))
	switch {
	case pos.Line() > 0 && pos.Col() > 0:
		return sysexits.Errorf(sysexits.DataErr, "%s:%d:%d: %s", file, pos.Line(), pos.Col(), msg)
	case pos.Line() > 0:
		return sysexits.Errorf(sysexits.DataErr, "%s:%d: %s", file, pos.Line(), msg)
	}
	return sysexits.Errorf(sysexits.DataErr, "%s: %s", file, msg)
}

func oneLineText(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(s)
}

// here is errAt at the innermost running statement.
func (ev *evaluator) here(format string, args ...any) error {
	file, pos := ev.where()
	return errAt(file, pos, format, args...)
}

// warn records a finding at the innermost running statement.
func (ev *evaluator) warn(file string, line int, msg string) {
	ev.finds = append(ev.finds, finding.Finding{File: file, Line: line, Severity: finding.Warning, Message: msg})
}

// refuse handles a construct refused while running: in lenient mode a
// finding and a failing command; else the end of the evaluation.
func (ev *evaluator) refuse(msg string) ([]string, error) {
	if ev.opts.Lenient {
		file, pos := ev.where()
		ev.warn(file, int(pos.Line()), "skipped: "+msg)
		return []string{"false"}, nil
	}
	return nil, ev.stop(ev.here("%s", msg))
}

// stop keeps the first fatal error: the interpreter may swallow a handler
// error (e.g. in a condition), the evaluator must not.
func (ev *evaluator) stop(err error) error {
	if ev.fatal == nil {
		ev.fatal = err
	}
	return err
}

// call is the interpreter's CallHandler: every simple command passes here
// before it runs, with its words expanded.
func (ev *evaluator) call(ctx context.Context, args []string) ([]string, error) {
	if ev.fatal != nil {
		return nil, ev.fatal
	}
	if ev.steps++; ev.steps > maxSteps {
		return nil, ev.stop(ev.here("more than %d commands run (endless loop?)", maxSteps))
	}
	name := args[0]
	switch {
	case name == cmdProbe:
		ev.global = interp.HandlerCtx(ctx).Env
		return []string{":"}, nil
	case name == cmdTick || name == cmdEnter:
		return ev.tick(ctx, args)
	case name == "." || name == "source":
		return ev.dot(args)
	case name == "eval":
		return ev.eval(args)
	case ev.r.Funcs[name] != nil, allowedBuiltins[name]:
		return args, nil
	}
	return ev.refuse(notAllowed(name))
}

// tick runs at the top of loop and function bodies: it bounds recursion
// and memory, and keeps $? as the body would have seen it (zero or not).
func (ev *evaluator) tick(ctx context.Context, args []string) ([]string, error) {
	if args[0] == cmdEnter && runtime.Callers(0, ev.pcs) >= len(ev.pcs) {
		return nil, ev.stop(ev.here("functions nest too deeply (endless recursion?)"))
	}
	g, _ := strconv.Atoi(args[len(args)-1])
	metrics.Read(ev.sample)
	grown := max(ev.sample[0].Value.Uint64(), ev.heap0) - ev.heap0
	if satMul(int(max(grown, 1<<20)>>10), max(g, 1)) > maxHeapGrow>>10 {
		return nil, ev.stop(ev.here("values grow without bound in a loop or function"))
	}
	if interp.HandlerCtx(ctx).LastExitStatus != 0 {
		return []string{"false"}, nil
	}
	return []string{":"}, nil
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

// eval checks the text like a file, then runs it in place.
func (ev *evaluator) eval(args []string) ([]string, error) {
	file, _ := ev.where()
	src := []byte(strings.Join(args[1:], " "))
	parsed, err := ev.parse(file+" (eval)", src)
	if err != nil {
		return nil, ev.stop(err)
	}
	if refs := checkFile(parsed, ev.funcs); len(refs) > 0 {
		return ev.refuse("eval: " + refs[0].msg)
	}
	instrument(parsed)
	for _, st := range parsed.Stmts {
		if err := ev.runOne(st); err != nil {
			return nil, ev.stop(err)
		}
	}
	return []string{":"}, nil
}

// source reads, checks and runs one file. nested says a . in a file asked
// for it (so a missing file is the caller's error).
func (ev *evaluator) source(logical string, nested bool) error {
	if len(ev.stack) >= maxDepth {
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
			"CR LF line ends: sh keeps each CR in the value, rcconf's parser drops it")
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
