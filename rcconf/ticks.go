package rcconf

import (
	"context"
	"strconv"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Ticks: internal commands (check.go) put into the syntax tree before it
// runs, through which the limits see loops and function calls that the
// interpreter runs without asking the evaluator.

// ticked returns top-level statement st ready to run, with n ticks
// numbered from first: st itself when it has no loop or function body and
// matches no pattern (n is 0), else a copy of it with a tick at the top of
// every loop body, at both ends of every function body and before every
// statement that matches a pattern (match.go), so that endless loops,
// runaway growth, runaway recursion and runaway matches are caught. st stays as it is: evaluations
// may share it (cache.go), and the numbers are this evaluation's.
func (ev *evaluator) ticked(st *syntax.Stmt, first, n int) *syntax.Stmt {
	if n == 0 {
		return st
	}
	st = copyStmt(st)
	next := first
	tick := func(name string, node syntax.Node) *syntax.Stmt {
		next++
		return ev.tickStmt(name, node, next-1)
	}
	var matching []*syntax.Stmt
	walk(st, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if matches(n) {
				matching = append(matching, n)
			}
		case *syntax.WhileClause:
			n.Do = append([]*syntax.Stmt{tick(cmdTick, n)}, n.Do...)
		case *syntax.ForClause:
			n.Do = append([]*syntax.Stmt{tick(cmdTick, n)}, n.Do...)
		case *syntax.FuncDecl:
			// Any compound command may be a body (f() if ...; fi); wrap it
			// so that both ends count. A return skips the leave tick, so
			// the call handler counts return itself.
			body := n.Body
			n.Body = &syntax.Stmt{Position: body.Position, Cmd: &syntax.Block{Lbrace: body.Position, Rbrace: body.End(),
				Stmts: []*syntax.Stmt{tick(cmdEnter, n), body, tick(cmdLeave, n)}}}
		case *syntax.Word:
			return false // a body inside a word is in $(...), refused
		}
		return true
	})
	// A statement that matches becomes "if tick; then itself; else
	// itself; fi", its redirections (here-documents expand too) and !
	// inside: the same in sh, with the tick run first; as a condition,
	// the tick passes on the status before it ($? in the statement's own
	// words) without set -e seeing it fail. Done after the walk, which
	// would otherwise go on into each statement it made.
	for _, m := range matching {
		inner := *m
		*m = syntax.Stmt{Position: m.Position, Cmd: &syntax.IfClause{Position: m.Position, ThenPos: m.Position, FiPos: m.End(),
			Cond: []*syntax.Stmt{tick(cmdMatch, &inner)},
			Then: []*syntax.Stmt{&inner},
			Else: &syntax.IfClause{Position: m.Position, FiPos: m.End(), Then: []*syntax.Stmt{&inner}}}}
	}
	return st
}

// countTicks is how many ticks ticked puts into st.
func countTicks(st *syntax.Stmt) int {
	n := 0
	walk(st, func(node syntax.Node) bool {
		switch node := node.(type) {
		case *syntax.Stmt:
			if matches(node) {
				n++
			}
		case *syntax.WhileClause, *syntax.ForClause:
			n++
		case *syntax.FuncDecl:
			n += 2
		case *syntax.Word:
			return false
		}
		return true
	})
	return n
}

// tickStmt calls an internal command with node's growth factor and its
// index among the bodies of this evaluation (for its expansion cost).
func (ev *evaluator) tickStmt(name string, node syntax.Node, index int) *syntax.Stmt {
	ev.lim.setBody(index, node)
	call := &syntax.CallExpr{Args: []*syntax.Word{litWord(name), litWord(strconv.Itoa(growth(node))), litWord(strconv.Itoa(index))}}
	return &syntax.Stmt{Cmd: call}
}

// tick runs at the top of loop bodies, at both ends of function bodies
// and before matches: it counts function calls in progress, checks the
// values against their limits, charges the body's expansions (or the
// match's), and keeps $? (see statusArgs).
// args are the name, the body's growth factor, and its index (setBody).
func (ev *evaluator) tick(ctx context.Context, args []string) ([]string, error) {
	switch args[0] {
	case cmdEnter:
		if err := ev.lim.enterCall(); err != nil {
			return nil, ev.stop(err)
		}
	case cmdLeave:
		ev.lim.leaveCall()
	}
	if args[0] == cmdMatch {
		return ev.matchTick(ctx, args[2])
	}
	env := interp.HandlerCtx(ctx).Env
	longest, err := ev.measure(env)
	if err != nil {
		return nil, err
	}
	g, _ := strconv.Atoi(args[1])
	if err := ev.lim.growth(longest, g); err != nil {
		return nil, ev.stop(err)
	}
	if args[0] != cmdLeave {
		if err := ev.stop(ev.lim.charge(ev.lim.bodyCost(args[2], env, ev.sh.params()))); err != nil {
			return nil, err
		}
	}
	return statusArgs(ctx, args[0] == cmdLeave), nil
}

// statusArgs keeps $? as it was: a tick must not change what the next
// command sees. In a function (leave) the exact status survives through
// return; elsewhere through cmdStatus, a function that returns it.
func statusArgs(ctx context.Context, leave bool) []string {
	status := interp.HandlerCtx(ctx).LastExitStatus
	switch {
	case leave:
		return []string{"return", strconv.Itoa(status)}
	case status == 1:
		return []string{"false"}
	case status != 0:
		return []string{cmdStatus, strconv.Itoa(status)}
	}
	return []string{":"}
}

func litWord(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}

// copyStmt copies st and every node below it that holds statements, down
// to the words, where ticked's walk stops: adding ticks then changes the
// copy only. Words and commands without statements (CallExpr,
// DeclClause...) are shared; nothing changes them.
func copyStmt(st *syntax.Stmt) *syntax.Stmt {
	if st == nil {
		return nil
	}
	cp := *st
	cp.Cmd = copyCmd(st.Cmd)
	return &cp
}

func copyStmts(list []*syntax.Stmt) []*syntax.Stmt {
	out := make([]*syntax.Stmt, len(list))
	for i, st := range list {
		out[i] = copyStmt(st)
	}
	return out
}

func copyCmd(cmd syntax.Command) syntax.Command {
	switch c := cmd.(type) {
	case *syntax.Block:
		return with(c, func(cp *syntax.Block) { cp.Stmts = copyStmts(c.Stmts) })
	case *syntax.Subshell:
		return with(c, func(cp *syntax.Subshell) { cp.Stmts = copyStmts(c.Stmts) })
	case *syntax.IfClause:
		return copyIf(c)
	case *syntax.WhileClause:
		return with(c, func(cp *syntax.WhileClause) { cp.Cond, cp.Do = copyStmts(c.Cond), copyStmts(c.Do) })
	case *syntax.ForClause:
		return with(c, func(cp *syntax.ForClause) { cp.Do = copyStmts(c.Do) })
	case *syntax.CaseClause:
		return with(c, func(cp *syntax.CaseClause) {
			cp.Items = make([]*syntax.CaseItem, len(c.Items))
			for i, item := range c.Items {
				cp.Items[i] = with(item, func(ci *syntax.CaseItem) { ci.Stmts = copyStmts(item.Stmts) })
			}
		})
	case *syntax.BinaryCmd:
		return with(c, func(cp *syntax.BinaryCmd) { cp.X, cp.Y = copyStmt(c.X), copyStmt(c.Y) })
	case *syntax.FuncDecl:
		return with(c, func(cp *syntax.FuncDecl) { cp.Body = copyStmt(c.Body) })
	case *syntax.TimeClause:
		return with(c, func(cp *syntax.TimeClause) { cp.Stmt = copyStmt(c.Stmt) })
	case *syntax.CoprocClause:
		return with(c, func(cp *syntax.CoprocClause) { cp.Stmt = copyStmt(c.Stmt) })
	case *syntax.TestDecl:
		return with(c, func(cp *syntax.TestDecl) { cp.Body = copyStmt(c.Body) })
	}
	return cmd
}

func copyIf(c *syntax.IfClause) *syntax.IfClause {
	if c == nil {
		return nil
	}
	return with(c, func(cp *syntax.IfClause) {
		cp.Cond, cp.Then, cp.Else = copyStmts(c.Cond), copyStmts(c.Then), copyIf(c.Else)
	})
}

// with returns a copy of *node that change has changed.
func with[T any](node *T, change func(*T)) *T {
	cp := *node
	change(&cp)
	return &cp
}

// matchTick charges the matches of the statement whose index a tick
// carries, with the values as they are now, and sets the bound its globs
// are charged by (limits.listed).
func (ev *evaluator) matchTick(ctx context.Context, index string) ([]string, error) {
	st := ev.lim.matching(index)
	if st == nil {
		return statusArgs(ctx, false), nil
	}
	env := interp.HandlerCtx(ctx).Env
	longest := 0
	if len(assignedNames(st)) > 0 {
		var err error
		if longest, err = ev.measure(env); err != nil {
			return nil, err
		}
	}
	cost, glob := matchCost(st, env, ev.sh.params(), longest)
	ev.lim.glob = glob
	if err := ev.stop(ev.lim.chargeMatch(cost)); err != nil {
		return nil, err
	}
	return statusArgs(ctx, false), nil
}
