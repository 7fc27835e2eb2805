package rcconf

import (
	"mvdan.cc/sh/v3/syntax"
)

// runFile checks a parsed file and runs it statement by statement.
// Consecutive plain assignments run as one batch (fast, and their origins
// are exact from the tree); any other statement runs alone and the
// variables whose value changed get its position as their origin.
func (ev *evaluator) runFile(logical string, f *syntax.File) error {
	skip := map[int]bool{}
	for _, ref := range checkFile(f, ev.funcs) {
		if !ev.opts.Lenient {
			return errAt(logical, ref.pos, "%s", ref.msg)
		}
		if skip[ref.stmt] {
			continue // one finding per skipped statement
		}
		skip[ref.stmt] = true
		ev.warn(logical, int(ref.pos.Line()), "skipped: "+ref.msg)
	}
	ev.instrument(f)
	top := ev.sh.stack.push(logical, syntax.Pos{})
	defer ev.sh.stack.pop()
	stmts := f.Stmts
	for i := 0; i < len(stmts); {
		if skip[i] {
			i++
			continue
		}
		top.pos = stmts[i].Pos()
		j := i
		if isPlain(stmts[i]) {
			j = ev.batchEnd(stmts, i, skip)
		}
		if j == i && stmtBound(stmts[i], ev.origins.longest) > maxValue {
			if err := ev.skipOrFail(logical, stmts[i], "limit: values could grow over 16 MiB"); err != nil {
				return err
			}
			i++
			continue
		}
		if err := ev.stop(ev.lim.charge(cost(&syntax.File{Stmts: stmts[i:max(j, i+1)]}, ev.sh.global, ev.sh.params()))); err != nil {
			return err
		}
		if j > i {
			if err := ev.runBatch(logical, stmts[i:j]); err != nil {
				return err
			}
			i = j
		} else {
			if err := ev.run(stmts[i]); err != nil {
				return err
			}
			ev.origins.update(ev.sh.global, Origin{File: logical, Line: int(stmts[i].Pos().Line())})
			i++
		}
		if err := ev.lim.values(ev.origins.longest); err != nil {
			return ev.stop(err)
		}
	}
	return nil
}

// batchEnd extends a run of plain statements from i while the values they
// build stay provably small.
func (ev *evaluator) batchEnd(stmts []*syntax.Stmt, i int, skip map[int]bool) int {
	u := ev.origins.longest
	j := i
	for j < len(stmts) && !skip[j] && isPlain(stmts[j]) {
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
	if err := ev.run(&syntax.File{Name: logical, Stmts: stmts}); err != nil {
		return err
	}
	last := map[string]int{}
	for _, st := range stmts {
		for _, as := range plainNames(st) {
			last[as.Name.Value] = int(as.Pos().Line())
		}
	}
	for name, line := range last {
		if vr := ev.sh.global.Get(name); vr.IsSet() {
			ev.origins.record(name, vr.String(), Origin{File: logical, Line: line})
		}
	}
	return nil
}

// run runs node in the shell; what the shell printed becomes findings at
// the innermost running statement.
func (ev *evaluator) run(node syntax.Node) error {
	if err := ev.sh.run(node); err != nil {
		return err
	}
	file, pos := ev.sh.stack.where()
	for _, line := range ev.sh.output() {
		ev.warn(file, int(pos.Line()), "sh: "+line)
	}
	return nil
}
