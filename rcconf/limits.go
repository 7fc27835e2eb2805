package rcconf

import (
	"context"
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
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
)

// limit ends the evaluation at the innermost running statement.
func (ev *evaluator) limit(format string, args ...any) error {
	return ev.stop(ev.here("limit: "+format, args...))
}

// command counts one command and bounds its expanded words.
func (ev *evaluator) command(args []string) error {
	if ev.steps++; ev.steps > maxSteps {
		return ev.limit("more than %d commands run (endless loop?)", maxSteps)
	}
	return ev.checkArgs(args)
}

// charge counts n bytes of expansion work (see cost): every ${...} may
// scan or copy a whole value. This bounds the quadratic cases, such as
// ${v%%*x} on a 1 MiB value in a loop.
func (ev *evaluator) charge(n int) error {
	if ev.expanded = satAdd(ev.expanded, n); ev.expanded > maxExpand {
		return ev.limit("expansions scan over %d MiB (a large value expanded in a loop?)", maxExpand>>20)
	}
	return nil
}

// measure returns the longest value visible in env (locals included) or
// the size of the positional parameters, and fails when one passes its
// limit. Each call visits every variable; maxScan bounds the total.
func (ev *evaluator) measure(env expand.Environ) (int, error) {
	longest, n := 0, 0
	for _, vr := range env.Each {
		n++
		longest = max(longest, len(vr.Str))
	}
	if ev.scanned = satAdd(ev.scanned, n); ev.scanned > maxScan {
		return 0, ev.limit("over %d variable checks (a loop over many variables?)", maxScan)
	}
	params := 0
	for _, p := range ev.sh.params() {
		params += len(p)
	}
	switch {
	case len(ev.sh.params()) > maxParams:
		return 0, ev.limit("more than %d positional parameters", maxParams)
	case params > maxValueLen:
		return 0, ev.limit("positional parameters over %d KiB", maxValueLen>>10)
	case longest > maxValueLen:
		return 0, ev.limit("values over %d KiB", maxValueLen>>10)
	}
	longest = max(longest, params)
	ev.origins.grow(longest)
	return longest, nil
}

// checkArgs bounds one command's expanded words.
func (ev *evaluator) checkArgs(args []string) error {
	if len(args) > maxParams {
		return ev.limit("more than %d words in one command", maxParams)
	}
	n := 0
	for _, a := range args {
		n += len(a)
	}
	if n > maxArgBytes {
		return ev.limit("one command's words over %d MiB", maxArgBytes>>20)
	}
	return ev.charge(n)
}

// listDir counts directory listings: a glob such as */*/*/* under a
// directory with symlinks to itself lists without end.
func (ev *evaluator) listDir() error {
	if ev.dirReads++; ev.dirReads > maxDirReads {
		return ev.limit("more than %d directories listed (a glob through a symlink loop?)", maxDirReads)
	}
	return nil
}

// listed counts the entries a listing returned.
func (ev *evaluator) listed(entries int) error {
	if ev.dirEntries += entries; ev.dirEntries > maxDirEntries {
		return ev.limit("more than %d directory entries listed (a glob through a symlink loop?)", maxDirEntries)
	}
	return nil
}

// statusArgs keeps $? as it was: a tick must not change what the next
// command sees. In a function (leave) the exact status survives through
// return; elsewhere zero or not is what conditions look at.
func statusArgs(ctx context.Context, leave bool) []string {
	status := interp.HandlerCtx(ctx).LastExitStatus
	switch {
	case leave:
		return []string{"return", strconv.Itoa(status)}
	case status != 0:
		return []string{"false"}
	}
	return []string{":"}
}

// patternWeight is what one byte costs a pattern operator (${v#p},
// ${v%%p}): mvdan compiles the pattern to a regexp and runs it over the
// value, measured at several times the cost of copying a byte.
const patternWeight = 16

// cost is the expansion work one pass of node may do with the values as
// they are in env: each reference costs its value's length, patterns more.
func (ev *evaluator) cost(node syntax.Node, env expand.Environ) int {
	total := 0
	for n := range syntax.Preorder(node) {
		switch n := n.(type) {
		case *syntax.CaseItem:
			for _, w := range n.Patterns {
				total = satAdd(total, ev.patternCost(w, env))
			}
		case *syntax.ParamExp:
			if n.Exp != nil && isPattern(n.Exp.Op) {
				total = satAdd(total, ev.patternCost(n.Exp.Word, env))
			}
		}
		pe, ok := n.(*syntax.ParamExp)
		if !ok || pe.Param == nil {
			continue
		}
		size := len(env.Get(pe.Param.Value).Str)
		switch pe.Param.Value {
		case "@", "*":
			size = 0
			for _, p := range ev.sh.params() {
				size += len(p) + 1
			}
		}
		if pe.Repl != nil || (pe.Exp != nil && isPattern(pe.Exp.Op)) {
			size = satMul(size, patternWeight)
		}
		total = satAdd(total, size)
	}
	return total
}

// compileWeight is what one byte of an expanded pattern costs, in the
// units of charge: the interpreter compiles every pattern it matches into
// a regular expression, hundreds of times the work of scanning a byte.
const compileWeight = 256

// patternCost charges the expansions inside a pattern word by the size of
// the pattern they make, which the interpreter compiles each time.
func (ev *evaluator) patternCost(w *syntax.Word, env expand.Environ) int {
	total := 0
	if w == nil {
		return 0
	}
	for n := range syntax.Preorder(w) {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil {
			total = satAdd(total, satMul(len(env.Get(pe.Param.Value).Str), compileWeight))
		}
	}
	return total
}

func isPattern(op syntax.ParExpOperator) bool {
	switch op {
	case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
		return true
	}
	return false
}

// patternLimit refuses a pattern the interpreter could not match within
// the memory bound: it compiles each pattern to a regular expression at
// about a kilobyte of memory per pattern byte, so a 1 MiB pattern costs
// gigabytes before any counter here sees work. A pattern's literal text
// and its expansions (each a value of at most maxValueLen) are bounded
// statically instead. Real rc.conf patterns are a few bytes.
func patternLimit(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	lits, exps := 0, 0
	syntax.Walk(w, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Lit:
			lits += len(n.Value)
		case *syntax.SglQuoted:
			lits += len(n.Value)
		case *syntax.ParamExp, *syntax.CmdSubst, *syntax.ArithmExp:
			exps++
			return false
		}
		return true
	})
	switch {
	case lits > maxPattern:
		return "limit: a pattern over " + strconv.Itoa(maxPattern>>10) + " KiB"
	case exps > maxPatternExp:
		return "limit: a pattern with more than " + strconv.Itoa(maxPatternExp) + " expansions"
	}
	return ""
}
