package rcconf

import (
	"strconv"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// The expansion cost model behind limits.charge, and the static bound on
// patterns that the checker applies.

// cost is the expansion work one pass of node may do with the values as
// they are in env and params: each reference costs its value's length.
// Pattern matches cost far more, and are charged separately, when each is
// about to run (match.go).
func cost(node syntax.Node, env expand.Environ, params []string) int {
	total := 0
	for n := range preorder(node) {
		if pe, ok := n.(*syntax.ParamExp); ok && pe.Param != nil {
			total = satAdd(total, paramSize(pe.Param.Value, env, params))
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
	walk(w, func(n syntax.Node) bool {
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
