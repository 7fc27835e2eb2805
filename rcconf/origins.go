package rcconf

import (
	"mvdan.cc/sh/v3/expand"
)

// origins tracks which file:line gave each variable its value. A plain
// assignment names its variables itself (record); for any other statement
// the globals are compared with the values seen after the last one
// (update), so a variable that a function, a loop or a sourced file's
// caller set is attributed to the top-level statement that ran it.
type origins struct {
	known map[string]string // values as of the last statement
	at    map[string]Origin
	// longest bounds the longest value so far, from above: the static
	// bounds (analyze.go) start from it.
	longest int
}

func newOrigins() *origins {
	return &origins{known: map[string]string{}, at: map[string]Origin{}}
}

// baseline takes the variables set in global as nobody's: the
// interpreter's own HOME, PWD, IFS... are not the files' doing.
func (o *origins) baseline(global expand.Environ) {
	o.update(global, Origin{})
	clear(o.at)
}

// record notes a variable's new value and where it came from.
func (o *origins) record(name, value string, at Origin) {
	o.known[name] = value
	o.at[name] = at
	o.grow(len(value))
}

// grow raises the bound on the longest value to n.
func (o *origins) grow(n int) { o.longest = max(o.longest, n) }

// update compares every global variable with the last known values: what
// changed was set by the statement that just ran, at. Variables that are
// no longer set lose their origin.
func (o *origins) update(global expand.Environ, at Origin) {
	set := 0
	for name, vr := range global.Each {
		if !vr.IsSet() {
			continue
		}
		set++
		v := vr.String()
		if old, ok := o.known[name]; !ok || old != v {
			o.record(name, v, at)
		}
	}
	if set == len(o.known) {
		return
	}
	for name := range o.known {
		if !global.Get(name).IsSet() {
			delete(o.known, name)
			delete(o.at, name)
		}
	}
}
