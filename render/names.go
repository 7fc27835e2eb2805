package render

import (
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// nameKeep are per-interface variables whose reader is known and for which
// naming hnN stays right after hnN became a lagg port: nothing to rewrite,
// nothing to report.
var nameKeep = []struct{ Pattern, Why string }{
	// network.subr clone_up reads create_args_IF only for the names in
	// cloned_interfaces; an hn is a device, never created by netif.
	{"create_args_IF", "read only for cloned_interfaces"},
	// network.subr ifnet_rename: hvnetconf follows or cancels it (chosen).
	{"ifconfig_IF_name", "handled as a rename"},
}

// reportNames accounts for every variable whose NAME carries a managed hn
// as a whole '_'-separated component (ngbridge_hn0, ifconfig_hn0_descr,
// static_routes_hn0, hn0_foo): the per-interface variables netif reads are
// rendered for the lagg (moveIfVars, moveVlans, deadVars); the rest is a
// warning with file:line, since hvnetconf does not know what reads it.
func (b *builder) reportNames() {
	if len(b.p.Laggs) == 0 {
		return // no hn is a port
	}
	envs := b.allEnvs()
	seen := map[refKey]bool{}
	components := b.hnComponents()
	for _, env := range envs {
		if env == nil {
			continue
		}
		for _, v := range env.Vars() {
			hn := b.hnInName(v.Name, components)
			key := refKey{v.Name, v.Origin}
			if hn == "" || seen[key] || b.handledName(v.Name, hn) {
				continue
			}
			seen[key] = true
			b.finding(finding.Warning, v.Origin, "%s carries %s in its name, and %s is now a port of %s; hvnetconf does not know what reads %s: if it is about %s's traffic, name it for %s",
				v.Name, hn, hn, b.laggOf(hn), v.Name, hn, b.laggOf(hn))
		}
	}
}

// hnInName returns the managed hn that is a whole component of name (the
// first of b.p.Laggs when several are). A vlan child's mangled name
// (hn0_100, network.subr get_if_var) counts as its parent's.
func (b *builder) hnInName(name string, components map[string]int) string {
	best := -1
	for rest := name; ; {
		part, after, more := strings.Cut(rest, "_")
		if i, ok := components[part]; ok && (best < 0 || i < best) {
			best = i
		}
		if !more {
			break
		}
		rest = after
	}
	if best < 0 {
		return ""
	}
	return b.p.Laggs[best].HN
}

// hnComponents maps each managed hn's mangled name to its first place in
// b.p.Laggs: hnInName looks every variable's name up in it instead of
// testing it against every lagg. A mangled name with "_" in it is never
// one component of a name, and is left out.
func (b *builder) hnComponents() map[string]int {
	components := map[string]int{}
	for i, l := range b.p.Laggs {
		m := rcconf.MangleIfName(l.HN)
		if _, seen := components[m]; !seen && !strings.Contains(m, "_") {
			components[m] = i
		}
	}
	return components
}

// handledName: the variable is rendered for the network file already (moved
// or blanked), its value renders the rename, or its reader keeps it right.
func (b *builder) handledName(name, hn string) bool {
	if _, ok := b.rendered("network", name); ok {
		return true
	}
	m := rcconf.MangleIfName(hn)
	for _, k := range nameKeep {
		if name == strings.Replace(k.Pattern, "IF", m, 1) {
			return true
		}
	}
	// An hn's own variables that netif reads, which render moved when
	// set: an empty one needs nothing.
	if v, ok := b.in.Netif.Lookup(name); ok && v.Value == "" {
		return true
	}
	return false
}
