package render

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// assign is one rendered NAME="value" line with the comments above it.
type assign struct {
	Name     string
	Value    string
	Comments []string
}

// section groups the assignments for one subject (an hn, the VFs, ...).
type section struct {
	Title   string
	Assigns []assign
}

// builder accumulates a plan; each rule adds assignments and findings.
type builder struct {
	in     Input
	p      *Plan
	rc     map[string][]section // each rc.conf.d file's sections, by service (rcFiles; add)
	loader []assign
	laggs  []string                  // lagg names to add to cloned_interfaces
	owners map[string]rcconf.Var     // see portOwners
	words  map[string]*regexp.Regexp // managed hn -> its whole-word matcher (namedHN)
	named  map[string]string         // value -> namedHN's answer: the same values recur in every service's Env
}

func newBuilder(in Input, p *Plan) *builder { return &builder{in: in, p: p} }

func (b *builder) finding(sev finding.Severity, o rcconf.Origin, format string, args ...any) {
	b.p.Findings = append(b.p.Findings, finding.Finding{
		File: o.File, Line: o.Line, Severity: sev, Message: fmt.Sprintf(format, args...),
	})
}

// from is the origin comment of a value taken from rc.conf.
func from(v rcconf.Var) string { return fmt.Sprintf("from %s %s", v.Origin, v.Name) }

// fields splits a value the way sh splits an unquoted expansion with the
// default IFS, which is how network.subr consumes ifconfig_IF.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
}

// portOwners maps every interface named after "laggport" in an ifconfig_*
// value to that variable, computed once: each hn and VF is looked up in it.
func (b *builder) portOwners() map[string]rcconf.Var {
	if b.owners == nil {
		b.owners = map[string]rcconf.Var{}
		for _, v := range b.in.Netif.Vars() {
			if !strings.HasPrefix(v.Name, "ifconfig_") {
				continue
			}
			w := fields(v.Value)
			for i := 0; i+1 < len(w); i++ {
				if _, seen := b.owners[w[i+1]]; strings.EqualFold(w[i], "laggport") && !seen {
					b.owners[w[i+1]] = v
				}
			}
		}
	}
	return b.owners
}

func sortFindings(fs []finding.Finding) {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		// Located findings first, in file and line order; then the rest.
		if (a.File == "") != (b.File == "") {
			if a.File == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Message, b.Message))
	})
}
