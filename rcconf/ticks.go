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
// index in the registered bodies (for its expansion cost).
func (ev *evaluator) tickStmt(name string, node syntax.Node) *syntax.Stmt {
	index := ev.lim.addBody(node)
	call := &syntax.CallExpr{Args: []*syntax.Word{litWord(name), litWord(strconv.Itoa(growth(node))), litWord(strconv.Itoa(index))}}
	return &syntax.Stmt{Cmd: call}
}

// tick runs at the top of loop bodies and at both ends of function bodies:
// it counts function calls in progress, checks the values against their
// limits, charges the body's expansions, and keeps $? (see statusArgs).
// args are the name, the body's growth factor, and its index (addBody).
func (ev *evaluator) tick(ctx context.Context, args []string) ([]string, error) {
	switch args[0] {
	case cmdEnter:
		if err := ev.lim.enterCall(); err != nil {
			return nil, ev.stop(err)
		}
	case cmdLeave:
		ev.lim.leaveCall()
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

func litWord(s string) *syntax.Word {
	return &syntax.Word{Parts: []syntax.WordPart{&syntax.Lit{Value: s}}}
}
