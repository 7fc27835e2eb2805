package rcconf

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

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
	for n := range syntax.Preorder(w) {
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
	syntax.Walk(node, func(n syntax.Node) bool {
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
	syntax.Walk(node, func(n syntax.Node) bool {
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
	for n := range syntax.Preorder(node) {
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

// instrument prepares a checked tree for running: a tick at the top of every
// loop body and function body, so that endless loops, runaway growth and
// runaway recursion are caught; and unquoted literals rewritten (see
// fixWord) where the interpreter differs from FreeBSD's sh.
func (ev *evaluator) instrument(f *syntax.File) {
	hdocs := map[*syntax.Word]bool{}
	for n := range syntax.Preorder(f) {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil {
			hdocs[r.Hdoc] = true
		}
	}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.WhileClause:
			n.Do = append([]*syntax.Stmt{ev.tickStmt(cmdTick, n)}, n.Do...)
		case *syntax.ForClause:
			n.Do = append([]*syntax.Stmt{ev.tickStmt(cmdTick, n)}, n.Do...)
		case *syntax.FuncDecl:
			// Any compound command may be a body (f() if ...; fi); wrap it
			// so that both ends count. A return skips the leave tick, so
			// the call handler counts return itself.
			body := n.Body
			n.Body = &syntax.Stmt{Position: body.Position, Cmd: &syntax.Block{Lbrace: body.Position, Rbrace: body.End(),
				Stmts: []*syntax.Stmt{ev.tickStmt(cmdEnter, n), body, ev.tickStmt(cmdLeave, n)}}}
		case *syntax.Word:
			if !hdocs[n] {
				fixWord(n)
			}
			return false
		}
		return true
	})
}

// tickStmt calls an internal command with node's growth factor and its
// index in ev.bodies (for its expansion cost).
func (ev *evaluator) tickStmt(name string, node syntax.Node) *syntax.Stmt {
	ev.bodies = append(ev.bodies, node)
	call := &syntax.CallExpr{Args: []*syntax.Word{litWord(name), litWord(strconv.Itoa(growth(node))), litWord(strconv.Itoa(len(ev.bodies) - 1))}}
	return &syntax.Stmt{Cmd: call}
}

func litWord(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// fixWord rewrites the unquoted literal parts of a word (and of the words
// inside its unquoted ${...}) into an equivalent form the interpreter
// evaluates like FreeBSD's sh:
//   - a backslash-escaped character becomes a single-quoted one: mvdan's
//     interpreter keeps the backslashes of an unquoted assignment value
//     (v=a\ b gives "a\ b", sh gives "a b");
//   - a backslash-newline (line continuation) disappears;
//   - every { becomes '{': the interpreter does bash's brace expansion
//     ({a,b} -> a b), sh keeps the braces.
func fixWord(w *syntax.Word) {
	w.Parts = fixParts(w.Parts, false)
}

// fixParts fixes literals at one quoting level; dq says the parts sit in
// a ${...} inside double quotes, where a backslash only escapes $ ` " \
// and newline (mvdan keeps the backslash there too).
func fixParts(in []syntax.WordPart, dq bool) []syntax.WordPart {
	var parts []syntax.WordPart
	for _, p := range in {
		switch p := p.(type) {
		case *syntax.Lit:
			parts = append(parts, splitLit(p, dq)...)
			continue
		case *syntax.ParamExp:
			if p.Exp != nil && p.Exp.Word != nil {
				p.Exp.Word.Parts = fixParts(p.Exp.Word.Parts, dq)
			}
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				if pe, ok := q.(*syntax.ParamExp); ok && pe.Exp != nil && pe.Exp.Word != nil {
					pe.Exp.Word.Parts = fixParts(pe.Exp.Word.Parts, true)
				}
			}
		}
		parts = append(parts, p)
	}
	return parts
}

// splitLit turns an unquoted literal into literal and single-quoted pieces.
func splitLit(lit *syntax.Lit, dq bool) []syntax.WordPart {
	s := lit.Value
	if !strings.ContainsAny(s, "\\{") {
		return []syntax.WordPart{lit}
	}
	var out []syntax.WordPart
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, &syntax.Lit{ValuePos: lit.ValuePos, ValueEnd: lit.ValueEnd, Value: cur.String()})
			cur.Reset()
		}
	}
	quote := func(v string) {
		flush()
		out = append(out, &syntax.SglQuoted{Left: lit.ValuePos, Right: lit.ValuePos, Value: v})
	}
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '{' && !dq:
			quote("{")
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n':
			i++
		case s[i] == '\\' && i+1 < len(s) && dq && !strings.ContainsRune("$`\"\\", rune(s[i+1])):
			cur.WriteByte(s[i]) // a plain backslash inside double quotes
		case s[i] == '\\' && i+1 < len(s):
			_, size := utf8.DecodeRuneInString(s[i+1:])
			quote(s[i+1 : i+1+size])
			i += size
		default:
			cur.WriteByte(s[i])
		}
	}
	flush()
	return out
}
