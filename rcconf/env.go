package rcconf

import (
	"slices"
	"strings"
	"sync"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"mvdan.cc/sh/v3/expand"
)

// Service name lists as FreeBSD's rc.d scripts pass them to load_rc_config
// (libexec/rc/rc.d/netif, dhclient, routing).
var (
	ServiceNetwork  = []string{"network"}
	ServiceNetif    = []string{"network", "netif"}
	ServiceDhclient = []string{"dhclient", "network"}
	ServiceRouting  = []string{"routing"}
)

// Env is the evaluated configuration: the variables the files set, with
// their origins. It reads them from the finished evaluation's shell, which
// nothing runs in any more, when asked: the self-check looks up a few
// names of about a thousand.
type Env struct {
	at       map[string]Origin // the variables with an origin
	global   expand.Environ    // their values
	files    []string
	findings []finding.Finding

	sortOnce sync.Once
	sorted   []Var // by name, made by the first Vars
}

// Get returns a variable's value and whether it is set.
func (e *Env) Get(name string) (string, bool) {
	v, ok := e.Lookup(name)
	return v.Value, ok
}

// Lookup returns a variable with its origin.
func (e *Env) Lookup(name string) (Var, bool) {
	at, ok := e.at[name]
	if !ok {
		return Var{}, false
	}
	vr := e.global.Get(name)
	if !vr.IsSet() {
		return Var{}, false
	}
	return Var{Name: name, Value: strings.ReplaceAll(vr.String(), crMark, "\r"), Origin: at}, true
}

// Vars lists every variable the files set (never the interpreter's own
// HOME, PWD, IFS...), sorted by name. The list is shared by every caller
// (render lists each Env many times): it must not be changed.
func (e *Env) Vars() []Var {
	e.sortOnce.Do(func() {
		e.sorted = make([]Var, 0, len(e.at))
		for name := range e.at {
			if v, ok := e.Lookup(name); ok {
				e.sorted = append(e.sorted, v)
			}
		}
		slices.SortFunc(e.sorted, func(a, b Var) int { return strings.Compare(a.Name, b.Name) })
	})
	return e.sorted
}

// Findings lists what the evaluation noticed without failing: statements
// skipped in lenient mode, messages the shell printed.
func (e *Env) Findings() []finding.Finding { return append([]finding.Finding(nil), e.findings...) }

// Files lists the logical paths read, in order.
func (e *Env) Files() []string { return append([]string(nil), e.files...) }

// Enabled reports whether the yes/no variable name is on, by the one rule
// rc.d scripts use: rc.subr's checkyesno (libexec/rc/rc.subr, checkyesno;
// read at freebsd-src e4452d45ec5a) takes YES, TRUE, ON or 1 in any case as
// on, and everything else as off: NO, FALSE, OFF, 0, unset, and any other
// value (for which it warns).
func (e *Env) Enabled(name string) bool {
	v, _ := e.Get(name)
	return yesNo(v)
}

// yesNo is checkyesno's test on a value (see Enabled). Its patterns such as
// [Yy][Ee][Ss] fold ASCII letters only: strings.ToUpper would also take
// "yeſ" (long s) for YES.
func yesNo(value string) bool {
	b := []byte(value)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	switch string(b) {
	case "YES", "TRUE", "ON", "1":
		return true
	}
	return false
}
