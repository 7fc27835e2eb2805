package rcconf

import (
	"bytes"

	"mvdan.cc/sh/v3/syntax"
)

// bashOnly reports whether the bash tree f of src may hold anything the
// POSIX parser refuses, so that parse knows when the POSIX parse (for its
// refusal and its exact message) can be left out. It answers true for
// anything it does not know to be POSIX: only false is a promise.
//
// The promise rests on where mvdan.cc/sh v3.14's parser and lexer look at
// the language (syntax/parser.go checkLang and every p.lang.in, and
// syntax/lexer.go's tokens): the bash variant differs from POSIX only by
// tokens ($' $" $[ (( |& ;& ;;& <( >( &> &>> <<<, extended globs, [ in
// words and arithmetic), keywords ([[ let function declare local export
// readonly typeset nameref time coproc select) and the constructs
// checkLang guards. Each of those leaves a mark in the bash tree that the
// walk below does not accept, except ( ( and [ ] in arithmetic, which are
// looked for in the text. TestBashOnlyAgreesWithPOSIX compares the answer
// with the POSIX parser's over the fuzz corpus, the hostile cases, the
// golden roots and FreeBSD's rc scripts.
func bashOnly(f *syntax.File, src []byte) bool {
	if doubleParen(src) {
		return true
	}
	found := false
	walk(f, func(n syntax.Node) bool {
		if found || n == nil {
			return false
		}
		if !posixNode(n, src) {
			found = true
		}
		return !found
	})
	return found
}

// doubleParen reports a (( that does not open $((: bash reads it as an
// arithmetic command (or a nested subshell with different rules), POSIX
// as two parentheses.
func doubleParen(src []byte) bool {
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("(("))
		if j < 0 {
			return false
		}
		if i+j == 0 || src[i+j-1] != '$' {
			return true
		}
		i += j + 2
	}
}

// posixNode reports whether node n (not its children) is one the POSIX
// parser reads the same way.
func posixNode(n syntax.Node, src []byte) bool {
	switch n := n.(type) {
	case *syntax.File, *syntax.Comment, *syntax.CallExpr, *syntax.Word, *syntax.Lit,
		*syntax.IfClause, *syntax.WhileClause, *syntax.CaseClause, *syntax.Block,
		*syntax.Subshell, *syntax.WordIter,
		*syntax.BinaryArithm, *syntax.UnaryArithm, *syntax.ParenArithm:
		return true
	case *syntax.Stmt:
		return !n.Coprocess && !n.Disown
	case *syntax.DeclClause:
		// POSIX reads these as commands with words: a name, or name=word
		// (Naked assignments occur only here).
		switch n.Variant.Value {
		case "local", "export", "readonly":
			return true
		}
		return false
	case *syntax.Assign:
		return !n.Append && n.Index == nil && n.Array == nil
	case *syntax.SglQuoted:
		return !n.Dollar
	case *syntax.DblQuoted:
		return !n.Dollar
	case *syntax.CmdSubst:
		return !n.TempFile && !n.ReplyVar
	case *syntax.ArithmExp:
		return !n.Bracket && !n.Unsigned && !hasBracket(src, n.Left, n.Right)
	case *syntax.ParamExp:
		return posixParamExp(n)
	case *syntax.Redirect:
		switch n.Op {
		case syntax.RdrOut, syntax.AppOut, syntax.RdrIn, syntax.RdrInOut, syntax.DplIn,
			syntax.DplOut, syntax.RdrClob, syntax.Hdoc, syntax.DashHdoc:
		default:
			return false
		}
		return n.N == nil || isDigits(n.N.Value)
	case *syntax.BinaryCmd:
		return n.Op == syntax.AndStmt || n.Op == syntax.OrStmt || n.Op == syntax.Pipe
	case *syntax.ForClause:
		_, words := n.Loop.(*syntax.WordIter)
		return !n.Select && !n.Braces && words
	case *syntax.CaseItem:
		return n.Op == syntax.Break
	case *syntax.FuncDecl:
		return !n.RsrvWord && n.Parens && len(n.Names) == 0 && n.Name != nil && syntax.ValidName(n.Name.Value)
	}
	// Other DeclClauses, TestClause, ArithmCmd, LetClause, TimeClause,
	// CoprocClause, ProcSubst, ExtGlob, ArrayExpr, Slice, Replace...
	return false
}

func posixParamExp(n *syntax.ParamExp) bool {
	if n.Flags != nil || n.Excl || n.Width || n.IsSet || n.NestedParam != nil || n.Index != nil ||
		n.Modifiers != nil || n.Slice != nil || n.Repl != nil || n.Names != 0 ||
		n.Split != 0 || n.GlobSubst != 0 || n.RcExpand != 0 {
		return false
	}
	if n.Exp == nil {
		return true
	}
	switch n.Exp.Op {
	case syntax.AlternateUnset, syntax.AlternateUnsetOrNull, syntax.DefaultUnset, syntax.DefaultUnsetOrNull,
		syntax.ErrorUnset, syntax.ErrorUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull,
		syntax.RemSmallSuffix, syntax.RemLargeSuffix, syntax.RemSmallPrefix, syntax.RemLargePrefix:
		return true
	}
	return false
}

// hasBracket reports a [ or ] in src between from and to: the lexers split
// arithmetic words at them differently (bash reads a[i] as an element).
func hasBracket(src []byte, from, to syntax.Pos) bool {
	a, b := int(from.Offset()), int(to.Offset())
	if !from.IsValid() || !to.IsValid() || a > b || b > len(src) {
		return true
	}
	return bytes.ContainsAny(src[a:b], "[]")
}
