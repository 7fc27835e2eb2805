package rcconf

import "mvdan.cc/sh/v3/syntax"

// checked is a file (or eval text) parsed, checked and with its words
// fixed (fixword.go), ready to run in any evaluation: nothing in it
// depends on the files read before it, and nothing changes it afterwards,
// so evaluations may share it (cache.go). What does depend on the
// evaluation stays out: refusals of calls that an earlier file's function
// makes good (refusalsWith), and the ticks, which carry numbers of one
// evaluation (ticks.go).
type checked struct {
	file     *syntax.File
	funcs    []string // the functions it declares
	refusals []refusal
	// ticks[i] is the number of ticks before top-level statement i; the
	// last entry is the file's total.
	ticks []int
}

// prepare parses src, checks it and fixes its words.
func prepare(name string, src []byte) (*checked, error) {
	f, err := parse(name, src)
	if err != nil {
		return nil, err
	}
	c := &checked{file: f, ticks: make([]int, len(f.Stmts)+1)}
	c.funcs, c.refusals = checkFile(f)
	fixWords(f)
	for i, st := range f.Stmts {
		c.ticks[i+1] = c.ticks[i] + countTicks(st)
	}
	return c, nil
}

// refusalsWith lists what is refused given funcs, the functions known so
// far (any file before, or this one); funcs gains the ones this file
// declares.
func (c *checked) refusalsWith(funcs map[string]bool) []refusal {
	for _, name := range c.funcs {
		funcs[name] = true
	}
	var out []refusal
	for _, r := range c.refusals {
		if r.unless == "" || !funcs[r.unless] {
			out = append(out, r)
		}
	}
	return out
}

// totalTicks is how many ticks the whole file needs.
func (c *checked) totalTicks() int { return c.ticks[len(c.ticks)-1] }
