package rcconf

import (
	"fmt"
	"iter"

	"mvdan.cc/sh/v3/syntax"
)

// walk is syntax.Walk: the same nodes in the same order, nil after each
// node's children, a false answer pruning the children. rcconf walks the
// trees of every file it runs several times (checks, ticks, bounds, costs);
// syntax.Walk (mvdan.cc/sh v3.14) defers inside a loop for trailing
// comments, which makes every call, one per node, go through the
// runtime's deferreturn: about a tenth of a whole run's CPU time. walk
// visits the trailing comment the same way, without a defer.
// TestWalkIsSyntaxWalk compares the two over the shell corpus.
func walk(node syntax.Node, f func(syntax.Node) bool) {
	if !f(node) {
		return
	}
	var late *syntax.Comment // syntax.Walk's deferred comment
	switch node := node.(type) {
	case *syntax.File:
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.Comment:
	case *syntax.Stmt:
		late = walkLeading(node.Comments, func(c syntax.Comment) bool { return !node.End().After(c.Pos()) }, f)
		if node.Cmd != nil {
			walk(node.Cmd, f)
		}
		walkList(node.Redirs, f)
	case *syntax.Assign:
		walkNilable(node.Name, f)
		walkNilable(node.Value, f)
		walkNilable(node.Index, f)
		walkNilable(node.Array, f)
	case *syntax.Redirect:
		walkNilable(node.N, f)
		walk(node.Word, f)
		walkNilable(node.Hdoc, f)
	case *syntax.CallExpr:
		walkList(node.Assigns, f)
		walkList(node.Args, f)
	case *syntax.Subshell:
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.Block:
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.IfClause:
		walkList(node.Cond, f)
		walkComments(node.CondLast, f)
		walkList(node.Then, f)
		walkComments(node.ThenLast, f)
		walkComments(node.Last, f)
		walkNilable(node.Else, f)
	case *syntax.WhileClause:
		walkList(node.Cond, f)
		walkComments(node.CondLast, f)
		walkList(node.Do, f)
		walkComments(node.DoLast, f)
	case *syntax.ForClause:
		walk(node.Loop, f)
		walkList(node.Do, f)
		walkComments(node.DoLast, f)
	case *syntax.WordIter:
		walk(node.Name, f)
		walkList(node.Items, f)
	case *syntax.CStyleLoop:
		walkNilable(node.Init, f)
		walkNilable(node.Cond, f)
		walkNilable(node.Post, f)
	case *syntax.BinaryCmd:
		walk(node.X, f)
		walk(node.Y, f)
	case *syntax.FuncDecl:
		walkNilable(node.Name, f)
		walkList(node.Names, f)
		walk(node.Body, f)
	case *syntax.Word:
		walkList(node.Parts, f)
	case *syntax.Lit:
	case *syntax.SglQuoted:
	case *syntax.DblQuoted:
		walkList(node.Parts, f)
	case *syntax.CmdSubst:
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.ParamExp:
		walkNilable(node.Flags, f)
		walkNilable(node.Param, f)
		walkNilable(node.NestedParam, f)
		walkNilable(node.Index, f)
		if node.Slice != nil {
			walkNilable(node.Slice.Offset, f)
			walkNilable(node.Slice.Length, f)
		}
		if node.Repl != nil {
			walkNilable(node.Repl.Orig, f)
			walkNilable(node.Repl.With, f)
		}
		if node.Exp != nil {
			walkNilable(node.Exp.Word, f)
		}
	case *syntax.ArithmExp:
		walk(node.X, f)
	case *syntax.ArithmCmd:
		walk(node.X, f)
	case *syntax.BinaryArithm:
		walk(node.X, f)
		walk(node.Y, f)
	case *syntax.BinaryTest:
		walk(node.X, f)
		walk(node.Y, f)
	case *syntax.UnaryArithm:
		walk(node.X, f)
	case *syntax.UnaryTest:
		walk(node.X, f)
	case *syntax.ParenArithm:
		walk(node.X, f)
	case *syntax.FlagsArithm:
		walk(node.Flags, f)
		if node.X != nil {
			walk(node.X, f)
		}
	case *syntax.ParenTest:
		walk(node.X, f)
	case *syntax.CaseClause:
		walk(node.Word, f)
		walkList(node.Items, f)
		walkComments(node.Last, f)
	case *syntax.CaseItem:
		late = walkLeading(node.Comments, func(c syntax.Comment) bool { return c.Pos().After(node.Pos()) }, f)
		walkList(node.Patterns, f)
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.TestClause:
		walk(node.X, f)
	case *syntax.DeclClause:
		walkList(node.Args, f)
	case *syntax.ArrayExpr:
		walkList(node.Elems, f)
		walkComments(node.Last, f)
	case *syntax.ArrayElem:
		late = walkLeading(node.Comments, func(c syntax.Comment) bool { return c.Pos().After(node.Pos()) }, f)
		walkNilable(node.Index, f)
		walkNilable(node.Value, f)
	case *syntax.ExtGlob:
		walk(node.Pattern, f)
	case *syntax.ProcSubst:
		walkList(node.Stmts, f)
		walkComments(node.Last, f)
	case *syntax.TimeClause:
		walkNilable(node.Stmt, f)
	case *syntax.CoprocClause:
		walkNilable(node.Name, f)
		walk(node.Stmt, f)
	case *syntax.LetClause:
		walkList(node.Exprs, f)
	case *syntax.TestDecl:
		walk(node.Description, f)
		walk(node.Body, f)
	default:
		panic(fmt.Sprintf("rcconf.walk: unexpected node type %T", node))
	}
	f(nil)
	if late != nil {
		walk(late, f)
	}
}

// walkLeading walks the comments before the first one that trails, and
// returns that one (syntax.Walk defers it; the rest it never visits).
func walkLeading(list []syntax.Comment, trails func(syntax.Comment) bool, f func(syntax.Node) bool) *syntax.Comment {
	for i := range list {
		c := list[i]
		if trails(c) {
			return &c
		}
		walk(&c, f)
	}
	return nil
}

// preorder is syntax.Preorder over walk.
func preorder(node syntax.Node) iter.Seq[syntax.Node] {
	return func(yield func(syntax.Node) bool) {
		ok := true
		walk(node, func(node syntax.Node) bool {
			if node != nil {
				ok = ok && yield(node)
			}
			return ok
		})
	}
}

type nilableNode interface {
	syntax.Node
	comparable
}

func walkNilable[N nilableNode](node N, f func(syntax.Node) bool) {
	var zero N
	if node != zero {
		walk(node, f)
	}
}

func walkList[N syntax.Node](list []N, f func(syntax.Node) bool) {
	for _, node := range list {
		walk(node, f)
	}
}

func walkComments(list []syntax.Comment, f func(syntax.Node) bool) {
	for i := range list {
		walk(&list[i], f)
	}
}
