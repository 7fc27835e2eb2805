package render

import (
	"fmt"
	"strings"

	"github.com/hvnetconf/hvnetconf/rcconf"
)

// routes returns the routing file's section for one lagg: route variables
// scoped to hnIf (an "-interface hn0" argument or a "%hn0" zone) rewritten
// to name the lagg instead: once hn is a lagg port, routes through it would
// bypass the failover. Empty when nothing names hnIf.
func (b *builder) routes(hnIf, lagg string) section {
	env := b.in.Routing
	if env == nil {
		return section{} // not loaded: a runtime-only plan has no files to write
	}
	var s section
	s.Title = fmt.Sprintf("routes scoped to %s now go through %s", hnIf, lagg)
	add := func(v rcconf.Var) {
		if nv, changed := rescope(v.Value, hnIf, lagg); changed {
			s.Assigns = append(s.Assigns, assign{Name: v.Name, Value: nv, Comments: []string{from(v)}})
		}
	}
	for _, name := range []string{"defaultrouter", "ipv6_defaultrouter", "ipv6_default_interface"} {
		if v, ok := env.Lookup(name); ok {
			add(v)
		}
	}
	for _, list := range [][2]string{{"static_routes", "route_"}, {"ipv6_static_routes", "ipv6_route_"}} {
		lv, ok := env.Lookup(list[0])
		if !ok {
			continue
		}
		for _, r := range fields(lv.Value) {
			if v, ok := env.Lookup(list[1] + r); ok {
				add(v)
			}
		}
	}
	return s
}

// rescope replaces hnIf where it names an interface: a whole word after
// -interface/-iface, the whole value (ipv6_default_interface), or a %zone
// suffix. Whole-word matching keeps hn1 from touching hn10.
func rescope(value, hnIf, lagg string) (string, bool) {
	w := fields(value)
	changed := false
	for i, word := range w {
		// hnN or a vlan child hnN.V (which moves to laggN.V with it).
		if renamed, ok := renameIf(word, hnIf, lagg); ok && (len(w) == 1 || i > 0 && (w[i-1] == "-interface" || w[i-1] == "-iface")) {
			w[i], changed = renamed, true
			continue
		}
		if addr, zone, ok := strings.Cut(word, "%"); ok {
			if renamed, ok := renameIf(zone, hnIf, lagg); ok {
				w[i], changed = addr+"%"+renamed, true
			}
		}
	}
	return strings.Join(w, " "), changed
}
