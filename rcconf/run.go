package rcconf

import (
	"fmt"
	"maps"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// runFile runs a checked file statement by statement. Consecutive plain
// assignments run as one batch (fast, and their origins are exact from the
// tree); any other statement runs alone and the variables whose value
// changed get its position as their origin.
func (ev *evaluator) runFile(logical string, c *checked) error {
	skip, err := ev.skipped(logical, c)
	if err != nil {
		return err
	}
	first, err := ev.lim.reserve(c.totalTicks())
	if err != nil {
		return ev.stop(err)
	}
	top := ev.sh.stack.push(logical, syntax.Pos{})
	defer ev.sh.stack.pop()
	stmts := c.file.Stmts
	for i := 0; i < len(stmts); {
		if skip[i] {
			i++
			continue
		}
		top.pos = stmts[i].Pos()
		next, err := ev.runAt(logical, c, i, first, skip)
		if err != nil {
			return err
		}
		i = next
	}
	return nil
}

// skipped applies the file's refusals: the first one is the error, or in
// lenient mode each refused statement is skipped with a finding.
func (ev *evaluator) skipped(logical string, c *checked) (map[int]bool, error) {
	skip := map[int]bool{}
	for _, ref := range c.refusalsWith(ev.funcs) {
		if !ev.opts.Lenient {
			return nil, errAt(logical, ref.pos, "%s", ref.msg)
		}
		if skip[ref.stmt] {
			continue // one finding per skipped statement
		}
		skip[ref.stmt] = true
		ev.warn(logical, int(ref.pos.Line()), "skipped: "+ref.msg)
	}
	return skip, nil
}

// runAt runs statement i, with the plain statements after it when it is
// one, and returns the index of the next statement to run. first is the
// file's first tick number.
func (ev *evaluator) runAt(logical string, c *checked, i, first int, skip map[int]bool) (int, error) {
	stmts := c.file.Stmts
	if batchable(stmts[i]) {
		if j := ev.batchEnd(stmts, i, skip); j > i {
			if err := ev.charge(&syntax.File{Stmts: stmts[i:j]}); err != nil {
				return j, err
			}
			if err := ev.runBatch(logical, stmts[i:j]); err != nil {
				return j, err
			}
			return j, ev.stop(ev.lim.values(ev.origins.longest))
		}
	}
	st := ev.ticked(stmts[i], first+c.ticks[i], c.ticks[i+1]-c.ticks[i])
	if stmtBound(st, ev.origins.longest) > maxValue {
		return i + 1, ev.skipOrFail(logical, st, "limit: "+valuesOverMax)
	}
	if err := ev.charge(st); err != nil {
		return i + 1, err
	}
	if err := ev.run(st); err != nil {
		return i + 1, err
	}
	ev.origins.update(ev.sh.global, Origin{File: logical, Line: int(st.Pos().Line())})
	if isPlain(stmts[i]) { // a plain statement that matches (batchable)
		ev.recordPlain(logical, stmts[i:i+1])
	}
	return i + 1, ev.stop(ev.lim.values(ev.origins.longest))
}

// charge counts the expansion work of one pass of node with the values as
// they are now.
func (ev *evaluator) charge(node syntax.Node) error {
	return ev.stop(ev.lim.charge(cost(node, ev.sh.global, ev.sh.params())))
}

// batchable: plain statements run in a batch, unless they match a
// pattern, whose cost is known only when it runs (match.go).
func batchable(st *syntax.Stmt) bool { return isPlain(st) && !matches(st) }

// batchEnd extends a run of plain statements from i while the values they
// build stay provably small.
func (ev *evaluator) batchEnd(stmts []*syntax.Stmt, i int, skip map[int]bool) int {
	u := ev.origins.longest
	j := i
	for j < len(stmts) && !skip[j] && batchable(stmts[j]) {
		b := stmtBound(stmts[j], u)
		if b > maxValue {
			break
		}
		u = b
		j++
	}
	return j
}

func (ev *evaluator) skipOrFail(logical string, st *syntax.Stmt, msg string) error {
	if !ev.opts.Lenient {
		return errAt(logical, st.Pos(), "%s", msg)
	}
	ev.warn(logical, int(st.Pos().Line()), "skipped: "+msg)
	return nil
}

// runBatch runs plain assignments together; each name's origin is its last
// assignment in the batch.
func (ev *evaluator) runBatch(logical string, stmts []*syntax.Stmt) error {
	ev.makeRoom(len(stmts))
	if err := ev.run(&syntax.File{Name: logical, Stmts: stmts}); err != nil {
		return err
	}
	ev.recordPlain(logical, stmts)
	return nil
}

// bigBatch is the batch size from which makeRoom sizes the maps ahead.
const bigBatch = 64

// makeRoom sizes the maps that a batch of n plain statements fills, one
// entry per name, before it runs: defaults/rc.conf's first batch sets some
// 700 names, which would grow each map from nearly empty, rehashing and
// leaving the smaller tables behind, several times over. The interpreter's
// Vars (every Run copies all the variables into it, and rcconf never reads
// it) is replaced by an empty map of that size; the origins are copied.
func (ev *evaluator) makeRoom(n int) {
	if n < bigBatch || len(ev.origins.known) >= n {
		return
	}
	size := len(ev.origins.known) + n
	ev.sh.r.Vars = make(map[string]expand.Variable, size)
	known := make(map[string]string, size)
	maps.Copy(known, ev.origins.known)
	at := make(map[string]Origin, size)
	maps.Copy(at, ev.origins.at)
	ev.origins.known, ev.origins.at = known, at
}

// recordPlain gives each name that plain statements assign its last
// assignment as origin, even when the value did not change: recorded in
// order, a later assignment of a name overwrites an earlier one's.
func (ev *evaluator) recordPlain(logical string, stmts []*syntax.Stmt) {
	for _, st := range stmts {
		for _, as := range plainNames(st) {
			if vr := ev.sh.global.Get(as.Name.Value); vr.IsSet() {
				ev.origins.record(as.Name.Value, vr.String(), Origin{File: logical, Line: int(as.Pos().Line())})
			}
		}
	}
}

// maxShellLines bounds the findings one statement's output makes: a loop
// printing to stderr (or traced by set -x) would otherwise flood them.
const maxShellLines = 20

// run runs node in the shell; what the shell printed becomes findings at
// the innermost running statement, without the trace of rcconf's own
// internal commands (set -x shows every command, ticks included).
func (ev *evaluator) run(node syntax.Node) error {
	if err := ev.sh.run(node); err != nil {
		return err
	}
	file, pos := ev.sh.stack.where()
	n := 0
	for _, line := range ev.sh.output() {
		if _, cmd, _ := strings.Cut(line, " "); strings.HasPrefix(cmd, "rcconf:") && strings.Trim(line[:len(line)-len(cmd)], "+ ") == "" {
			continue
		}
		if n++; n <= maxShellLines {
			ev.warn(file, int(pos.Line()), "sh: "+line)
		}
	}
	if n > maxShellLines {
		ev.warn(file, int(pos.Line()), fmt.Sprintf("sh: ... %d more lines", n-maxShellLines))
	}
	return nil
}
