package rcconf

import (
	"fmt"
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Limits that keep a hostile or broken file from hanging or exhausting the
// process. FreeBSD's sh has none of them, but no real rc.conf comes near.
// Each is a counter of work the evaluator itself sees (never a sample of
// the heap or the Go stack), so the same input always stops at the same
// place, and each error names its limit.
const (
	maxDepth      = 16         // nested . files
	maxSteps      = 1_000_000  // commands run in one Load
	maxCallDepth  = 1000       // function calls in progress (recursion)
	maxEvalDepth  = 64         // eval inside eval
	maxValueLen   = 64 << 10   // one variable, or all positional parameters together
	maxPattern    = 4 << 10    // literal bytes of one pattern (case, ${v#...}, ${v/...})
	maxPatternExp = 2          // expansions in one pattern
	maxParams     = 100_000    // positional parameters, or words of one command
	maxArgBytes   = 4 << 20    // bytes in the words of one command
	maxExpand     = 64 << 20   // bytes that expansions may scan in one Load
	maxScan       = 20_000_000 // variables visited by the value checks
	maxDirReads   = 10_000     // directories listed (globs)
	maxDirEntries = 1_000_000  // directory entries returned (globs)
	maxBodies     = 20_000     // loop, function and matching statements ticked (files and eval)
)

// limits holds the counters of one evaluation. A method that finds a limit
// passed returns an error starting "limit:" that names it, at the
// innermost running statement; the caller ends the evaluation with it
// (shell.stop).
type limits struct {
	at         *frames // where the evaluation is, for messages
	steps      int
	calls      int // function calls in progress
	evals      int // eval in progress
	expanded   int
	scanned    int
	dirReads   int
	dirEntries int
	bodies     []syntax.Node // loop and function bodies and matching statements, for ticks' cost (ticks.go)
	glob       int           // the longest glob pattern of the running statement (match.go)
}

// exceeded is the error for a limit passed.
func (l *limits) exceeded(format string, args ...any) error {
	return l.at.errorf("limit: "+format, args...)
}

// command counts one command and bounds its expanded words.
func (l *limits) command(args []string) error {
	if l.steps++; l.steps > maxSteps {
		return l.exceeded("more than %d commands run (endless loop?)", maxSteps)
	}
	if len(args) > maxParams {
		return l.exceeded("more than %d words in one command", maxParams)
	}
	n := 0
	for _, a := range args {
		n += len(a)
	}
	if n > maxArgBytes {
		return l.exceeded("one command's words over %d MiB", maxArgBytes>>20)
	}
	return l.charge(n)
}

// charge counts n bytes of expansion work (see cost): every ${...} may
// scan or copy a whole value. This bounds the quadratic cases, such as
// ${v%%*x} on a 1 MiB value in a loop.
func (l *limits) charge(n int) error {
	if l.expanded = satAdd(l.expanded, n); l.expanded > maxExpand {
		return l.exceeded("expansions scan over %d MiB (a large value expanded in a loop?)", maxExpand>>20)
	}
	return nil
}

// chargeMatch counts the work of pattern matches (match.go), in the same
// budget as charge.
func (l *limits) chargeMatch(n int) error {
	if l.expanded = satAdd(l.expanded, n); l.expanded > maxExpand {
		return l.exceeded("pattern matches over the work budget (a long pattern matched against a long value?)")
	}
	return nil
}

// measure returns the longest value visible in env (locals included) or
// the size of the positional parameters, and fails when one passes its
// limit. Each call visits every variable; maxScan bounds the total.
func (l *limits) measure(env expand.Environ, params []string) (int, error) {
	longest, n := 0, 0
	for _, vr := range env.Each {
		n++
		longest = max(longest, len(vr.Str))
	}
	if l.scanned = satAdd(l.scanned, n); l.scanned > maxScan {
		return 0, l.exceeded("over %d variable checks (a loop over many variables?)", maxScan)
	}
	size := 0
	for _, p := range params {
		size += len(p)
	}
	switch {
	case len(params) > maxParams:
		return 0, l.exceeded("more than %d positional parameters", maxParams)
	case size > maxValueLen:
		return 0, l.exceeded("positional parameters over %d KiB", maxValueLen>>10)
	case longest > maxValueLen:
		return 0, l.exceeded("values over %d KiB", maxValueLen>>10)
	}
	return max(longest, size), nil
}

// values fails when the longest value (an upper bound) is over the limit.
func (l *limits) values(longest int) error {
	if longest > maxValueLen {
		return l.exceeded("values over %d KiB", maxValueLen>>10)
	}
	return nil
}

// bound fails when a statement could build a value over maxValue
// (stmtBound).
func (l *limits) bound(b int) error {
	if b > maxValue {
		return l.exceeded("%s", valuesOverMax)
	}
	return nil
}

// valuesOverMax says why a statement is refused by maxValue.
var valuesOverMax = fmt.Sprintf("values could grow over %d MiB", maxValue>>20)

// growth fails when one pass of a loop or function body that multiplies
// the longest value by factor (see growth) could build one over maxValue.
func (l *limits) growth(longest, factor int) error {
	if satMul(longest, max(factor, 1)) > maxValue {
		return l.exceeded("values could grow over %d MiB in one pass of a loop or function", maxValue>>20)
	}
	return nil
}

// enterCall counts a function call in progress; leaveCall ends one.
func (l *limits) enterCall() error {
	if l.calls++; l.calls > maxCallDepth {
		return l.exceeded("functions nest deeper than %d calls (endless recursion?)", maxCallDepth)
	}
	return nil
}

func (l *limits) leaveCall() { l.calls-- }

// enterEval bounds eval text of size bytes and eval nesting; leaveEval
// ends an eval that entered.
func (l *limits) enterEval(size int) error {
	if size > maxFileSize {
		return l.exceeded("eval text over %d MiB", maxFileSize>>20)
	}
	if l.evals >= maxEvalDepth {
		return l.exceeded("eval nests deeper than %d levels", maxEvalDepth)
	}
	l.evals++
	return nil
}

func (l *limits) leaveEval() { l.evals-- }

// listDir counts directory listings: a glob such as */*/*/* under a
// directory with symlinks to itself lists without end.
func (l *limits) listDir() error {
	if l.dirReads++; l.dirReads > maxDirReads {
		return l.exceeded("more than %d directories listed (a glob through a symlink loop?)", maxDirReads)
	}
	return nil
}

// listed counts the entries a listing returned, and the work of matching
// the running statement's glob patterns (at most glob bytes, set by its
// match tick) against their names, of names bytes in all.
func (l *limits) listed(entries, names int) error {
	if l.dirEntries += entries; l.dirEntries > maxDirEntries {
		return l.exceeded("more than %d directory entries listed (a glob through a symlink loop?)", maxDirEntries)
	}
	return l.chargeMatch(satMul(satMul(names, l.glob), matchWeight))
}

// reserve makes room for n loop and function bodies (see ticked) and
// returns the index of the first. Each one keeps its tree alive (and with
// it the parser's blocks of nodes, several KiB an eval), so their number
// is bounded: eval of a function or a loop, in a loop, grew by 8 KiB a
// pass without end.
func (l *limits) reserve(n int) (int, error) {
	first := len(l.bodies)
	if first+n > maxBodies {
		return 0, l.exceeded("more than %d loop, function and matching bodies (eval in a loop?)", maxBodies)
	}
	l.bodies = append(l.bodies, make([]syntax.Node, n)...)
	return first, nil
}

// setBody registers the body whose ticks carry index.
func (l *limits) setBody(index int, node syntax.Node) { l.bodies[index] = node }

// bodyCost is the expansion cost of the body whose index a tick carries.
func (l *limits) bodyCost(index string, env expand.Environ, params []string) int {
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(l.bodies) || l.bodies[i] == nil {
		return 0
	}
	return cost(l.bodies[i], env, params)
}

// matching is the statement whose index a match tick carries (setBody),
// or nil.
func (l *limits) matching(index string) *syntax.Stmt {
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(l.bodies) {
		return nil
	}
	st, _ := l.bodies[i].(*syntax.Stmt)
	return st
}
