package rcconf

import "mvdan.cc/sh/v3/syntax"

// maxValue bounds the length of any string a statement may build. Values
// can only grow by repeating references ($a$a$a...), which the parse tree
// shows before anything runs, so a statement that could exceed it is
// refused instead of exhausting memory.
const maxValue = 16 << 20

// isPlain reports whether st only assigns values without side effects:
// a=1 b="$c${d:-x}". Such statements always assign every name they list,
// so their origins come straight from the tree and consecutive ones run in
// one batch.
func isPlain(st *syntax.Stmt) bool {
	ce, ok := st.Cmd.(*syntax.CallExpr)
	if !ok || len(ce.Args) > 0 || len(ce.Assigns) == 0 || len(st.Redirs) > 0 || st.Negated || st.Background {
		return false
	}
	for _, as := range ce.Assigns {
		if as.Append || as.Naked || as.Index != nil || as.Array != nil {
			return false
		}
		if as.Value != nil && !pureWord(as.Value.Parts) {
			return false
		}
	}
	return true
}

// pureWord: literals, quotes and parameter expansions that neither assign
// (${a:=x}) nor abort (${a?}).
func pureWord(parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit, *syntax.SglQuoted:
		case *syntax.DblQuoted:
			if !pureWord(p.Parts) {
				return false
			}
		case *syntax.ParamExp:
			if p.Slice != nil || p.Repl != nil || p.Excl || p.Index != nil || p.Names != 0 {
				return false
			}
			if p.Exp != nil {
				switch p.Exp.Op {
				case syntax.AssignUnset, syntax.AssignUnsetOrNull, syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
					return false
				}
				if p.Exp.Word != nil && !pureWord(p.Exp.Word.Parts) {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// plainNames lists the names a plain statement assigns, in order.
func plainNames(st *syntax.Stmt) []*syntax.Assign {
	return st.Cmd.(*syntax.CallExpr).Assigns
}

// wordBound is an upper bound of a word's expanded length when no variable
// is longer than u: each expansion adds at most u, the source text at most
// its own length.
func wordBound(w *syntax.Word, u int) int {
	if w == nil {
		return 0
	}
	refs := 0
	for n := range preorder(w) {
		if _, ok := n.(*syntax.ParamExp); ok {
			refs++
		}
	}
	return satAdd(satMul(refs, u), int(w.End().Offset()-w.Pos().Offset()))
}

// stmtBound simulates node once with every variable no longer than u and
// returns the largest value it could build: assignments raise u for the
// words that follow.
func stmtBound(node syntax.Node, u int) int {
	largest := u
	walk(node, func(n syntax.Node) bool {
		var w *syntax.Word
		switch n := n.(type) {
		case *syntax.Assign:
			w = n.Value
		case *syntax.ParamExp:
			if n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
				w = n.Exp.Word
			}
		case *syntax.Word:
			largest = max(largest, wordBound(n, u))
			return true
		}
		if w != nil {
			u = max(u, wordBound(w, u))
			largest = max(largest, u)
		}
		return true
	})
	return largest
}

// growth is how many times one run of node may multiply the longest value:
// the product, over the words whose value is stored (assignments,
// ${v:=word}, here-documents that read may store), of their references.
func growth(node syntax.Node) int {
	g := 1
	walk(node, func(n syntax.Node) bool {
		if w := storedWord(n); w != nil {
			g = satMul(g, max(1, refCount(w)))
		}
		return true
	})
	return g
}

func storedWord(n syntax.Node) *syntax.Word {
	switch n := n.(type) {
	case *syntax.Assign:
		return n.Value
	case *syntax.Redirect:
		return n.Hdoc
	case *syntax.ParamExp:
		if n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
			return n.Exp.Word
		}
	}
	return nil
}

// refCount counts the parameter expansions in node: each may copy or scan
// a whole value.
func refCount(node syntax.Node) int {
	refs := 0
	for n := range preorder(node) {
		if _, ok := n.(*syntax.ParamExp); ok {
			refs++
		}
	}
	return refs
}

func satMul(a, b int) int {
	if a != 0 && b > (1<<50)/a {
		return 1 << 50
	}
	return a * b
}

func satAdd(a, b int) int { return min(a+b, 1<<50) }
