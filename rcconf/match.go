package rcconf

import (
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Pattern matches: ${v#p}, ${v##p}, ${v%p}, ${v%%p}, case, and globs. The
// interpreter compiles each pattern, as expanded, into a regular
// expression and runs it over the value (mvdan.cc/sh/v3 expand/param.go
// removePattern, v3.14.1), or over each name of a directory it lists for a
// glob (expand/expand.go glob, one expression per path component, compiled
// before the listing): the work is the pattern's size times the value's,
// which no count taken before a statement starts can know, since the
// statement or the loop pass it is in may build either first. So every
// statement that matches is preceded by a tick (cmdMatch, ticks.go) that
// charges the match with the values as they are just then, and leaves the
// size of its longest glob pattern for the listings to be charged by
// (limits.listed); a regular expression cannot be interrupted once it
// runs.

// matchWeight is what one step of a match costs in the units of charge:
// each byte of the value meets each instruction of the pattern, measured
// at up to 120 ns a step on a busy 2-core machine (${x%*$p}, a 1 KiB
// pattern over a 7.5 KiB value: 0.95 s), against about 1 ns for a byte
// copied. At 16, the whole budget (maxExpand) spent on matches is about
// half a second of that.
const matchWeight = 16

// compileWeight is what one byte of an expanded pattern costs to compile,
// in the same units: hundreds of times the work of scanning a byte.
const compileWeight = 256

// refSlack is added to each reference's size: special parameters ($?, $#,
// $-) are not in the environment that the count sees, and none is longer.
const refSlack = 32

// matches reports whether st matches patterns in its own words, the ones
// expanded before anything in its body runs.
func matches(st *syntax.Stmt) bool {
	found := len(globWords(st)) > 0
	ownWords(st, func(n syntax.Node) {
		switch n := n.(type) {
		case *syntax.CaseClause:
			found = true
		case *syntax.ParamExp:
			found = found || isMatch(n)
		}
	})
	return found
}

// ownWords calls fn for the nodes of st outside the statements it holds
// (a case's item bodies, a loop's body).
func ownWords(st *syntax.Stmt, fn func(syntax.Node)) {
	walk(st, func(n syntax.Node) bool {
		if inner, ok := n.(*syntax.Stmt); ok && inner != st {
			return false
		}
		if n != nil {
			fn(n)
		}
		return true
	})
}

func isMatch(pe *syntax.ParamExp) bool {
	return pe.Param != nil && pe.Exp != nil && isPattern(pe.Exp.Op)
}

// matchCost is the work of the matches in st's own words with the values
// in env and params, and the size of its longest glob pattern; longest
// bounds every value now. A name that st itself assigns (a=... b=${a%x},
// ${a:=...}) may be as long as anything st can build (stmtBound) by the
// time the match runs.
func matchCost(st *syntax.Stmt, env expand.Environ, params []string, longest int) (cost, glob int) {
	assigned := assignedNames(st)
	grown := 0
	if len(assigned) > 0 {
		grown = stmtBound(st, longest)
	}
	size := func(name string) int {
		n := paramSize(name, env, params)
		if assigned[name] {
			n = max(n, grown)
		}
		return n + refSlack
	}
	total := 0
	ownWords(st, func(n syntax.Node) {
		switch n := n.(type) {
		case *syntax.CaseClause:
			subject := wordSize(n.Word, size)
			for _, item := range n.Items {
				for _, w := range item.Patterns {
					total = satAdd(total, match(wordSize(w, size), subject))
				}
			}
		case *syntax.ParamExp:
			if isMatch(n) {
				total = satAdd(total, match(wordSize(n.Exp.Word, size), size(n.Param.Value)))
			}
		}
	})
	for _, w := range globWords(st) {
		if globs(w, env, assigned) {
			m := wordSize(w, size)
			total = satAdd(total, satMul(m, compileWeight))
			glob = max(glob, m)
		}
	}
	return total, glob
}

// globWords are st's own words that go through pathname expansion
// (mvdan.cc/sh/v3 interp/runner.go: a command's words, a for loop's list,
// the name=value words of export and the like) and may hold a pattern:
// a *, ? or [ outside quotes, or an expansion outside quotes, whose value
// may hold one.
func globWords(st *syntax.Stmt) []*syntax.Word {
	var words []*syntax.Word
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		words = c.Args
	case *syntax.ForClause:
		if wi, ok := c.Loop.(*syntax.WordIter); ok {
			words = wi.Items
		}
	case *syntax.DeclClause:
		for _, as := range c.Args {
			if as.Name == nil && as.Value != nil {
				words = append(words, as.Value)
			}
		}
	}
	var out []*syntax.Word
	for _, w := range words {
		if globs(w, nil, nil) {
			out = append(out, w)
		}
	}
	return out
}

// globs reports whether w may be a glob pattern: it has a pattern
// character outside quotes, or an expansion outside quotes whose value
// may hold one: any value when env is nil, for $@, $1..., ${v...} with an
// operator, and for a name the statement assigns; else the value in env.
func globs(w *syntax.Word, env expand.Environ, assigned map[string]bool) bool {
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(p.Value, "*?[") {
				return true
			}
		case *syntax.ParamExp:
			if env == nil || p.Param == nil || assigned[p.Param.Value] || p.Exp != nil || !validName(p.Param.Value) ||
				strings.ContainsAny(env.Get(p.Param.Value).String(), "*?[") {
				return true
			}
		case *syntax.ArithmExp:
			// digits and a sign: never a pattern
		}
	}
	return false
}

// match is the cost of compiling a pattern of m bytes and running it over
// a value of n.
func match(m, n int) int {
	return satAdd(satMul(m, compileWeight), satMul(satMul(m, n), matchWeight))
}

// wordSize is an upper bound of w's expanded size: its text, and each
// reference at size.
func wordSize(w *syntax.Word, size func(string) int) int {
	if w == nil {
		return 0
	}
	total := 0
	for n := range preorder(w) {
		switch n := n.(type) {
		case *syntax.Lit:
			total = satAdd(total, len(n.Value))
		case *syntax.SglQuoted:
			total = satAdd(total, len(n.Value))
		case *syntax.ParamExp:
			if n.Param != nil {
				total = satAdd(total, size(n.Param.Value))
			}
		case *syntax.ArithmExp:
			total = satAdd(total, refSlack)
		}
	}
	return total
}

// paramSize is the size of parameter name's value now.
func paramSize(name string, env expand.Environ, params []string) int {
	switch {
	case name == "@" || name == "*":
		size := 0
		for _, p := range params {
			size += len(p) + 1
		}
		return size
	case isDigits(name):
		i := 0
		for _, c := range name {
			i = min(i*10+int(c-'0'), len(params)+1)
		}
		if i >= 1 && i <= len(params) {
			return len(params[i-1])
		}
		return 0
	}
	return len(env.Get(name).String())
}

// assignedNames are the names st's own words assign.
func assignedNames(st *syntax.Stmt) map[string]bool {
	names := map[string]bool{}
	ownWords(st, func(n syntax.Node) {
		switch n := n.(type) {
		case *syntax.Assign:
			if n.Name != nil {
				names[n.Name.Value] = true
			}
		case *syntax.ParamExp:
			if n.Param != nil && n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
				names[n.Param.Value] = true
			}
		}
	})
	return names
}
