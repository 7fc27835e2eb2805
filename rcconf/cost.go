package rcconf

import (
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// The expansion cost model behind limits.charge, and the static bound on
// patterns that the checker applies.

// patternWeight is what one byte costs a pattern operator (${v#p},
// ${v%%p}): mvdan compiles the pattern to a regexp and runs it over the
// value, measured at several times the cost of copying a byte.
const patternWeight = 16

// cost is the expansion work one pass of node may do with the values as
// they are in env and params: each reference costs its value's length,
// patterns more.
func cost(node syntax.Node, env expand.Environ, params []string) int {
	total := 0
	for n := range syntax.Preorder(node) {
		switch n := n.(type) {
		case *syntax.CaseItem:
			for _, w := range n.Patterns {
				total = satAdd(total, patternCost(w, env))
			}
		case *syntax.ParamExp:
			if n.Exp != nil && isPattern(n.Exp.Op) {
				total = satAdd(total, patternCost(n.Exp.Word, env))
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
			for _, p := range params {
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
func patternCost(w *syntax.Word, env expand.Environ) int {
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
