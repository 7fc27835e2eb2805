package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/rcconf"
)

// movedVars are per-interface variables that carry L3 configuration: in lagg
// mode they belong to laggN, and are blanked on hnN (blank, not unset, so
// that ifconfig_DEFAULT cannot fall back onto the lagg port). The legacy
// ipv4_addrs_IF is not here: rcconf's Aliases lists it with the other alias
// forms (network.subr ifalias_af_common reads it last), so it moves there.
var movedVars = []string{
	"ifconfig_IF_descr", // network.subr ifconfig_up: `ifconfig IF description`, of the interface that carries the traffic
	"ipv6_prefix_IF",
	"dhclient_flags_IF",
	"background_dhclient_IF",
}

// moveIfVars moves every L3 variable of from onto to: the IPv6 line, every
// alias form and the per-interface DHCP and address lists.
func (b *builder) moveIfVars(fromIf, toIf string) []assign {
	env := b.in.Netif
	var out []assign
	move := func(v rcconf.Var, newName string) {
		out = append(out,
			assign{Name: newName, Value: v.Value, Comments: []string{from(v)}},
			assign{Name: v.Name, Value: "", Comments: []string{"moved to " + newName}})
	}
	mf, mt := rcconf.MangleIfName(fromIf), rcconf.MangleIfName(toIf)
	if v, ok := env.IfConfigIPv6(fromIf); ok {
		if v.Name != "ifconfig_"+mf+"_ipv6" {
			// Came from ifconfig_DEFAULT, which network.subr's
			// _ifconfig_getargs IF ipv6 reads for every interface without
			// ifconfig_IF_ipv6: the lagg gets it the same way at boot, so
			// copying it there would render nothing netif applies (and
			// keywords such as SYNCDHCP mean nothing for IPv6). Only the
			// fallback onto the lagg port is stopped.
			out = append(out,
				assign{Name: "ifconfig_" + mf + "_ipv6", Value: "", Comments: []string{
					fmt.Sprintf("a port of %s: keeps %s (%s) off it; %s still falls back to it", toIf, v.Name, v.Origin, toIf)}})
		} else {
			move(v, "ifconfig_"+mt+"_ipv6")
		}
	}
	for _, v := range env.Aliases(fromIf) {
		move(v, renameVar(v.Name, mf, mt))
	}
	for _, pattern := range movedVars {
		if v, ok := env.IfVar(fromIf, pattern); ok {
			move(v, strings.Replace(pattern, "IF", mt, 1))
		}
	}
	return out
}

// renameVar swaps the interface part of a per-interface variable name: in
// the middle (ifconfig_hn0_alias0) or at the end (ipv4_addrs_hn0).
func renameVar(name, from, to string) string {
	if rest, ok := strings.CutSuffix(name, "_"+from); ok {
		return rest + "_" + to
	}
	return strings.Replace(name, "_"+from+"_", "_"+to+"_", 1)
}

// moveVlans moves vlans_hnN to the lagg; numbered children (hnN.100) are
// renamed with their parent, so their variables move as well.
func (b *builder) moveVlans(fromIf, toIf string) []assign {
	v, ok := b.in.Netif.IfVar(fromIf, "vlans_IF")
	if !ok || v.Value == "" {
		return nil
	}
	mt := rcconf.MangleIfName(toIf)
	out := []assign{
		{Name: "vlans_" + mt, Value: v.Value, Comments: []string{from(v)}},
		{Name: v.Name, Value: "", Comments: []string{"moved to vlans_" + mt}},
	}
	for _, child := range fields(v.Value) {
		if _, err := strconv.Atoi(child); err != nil {
			continue // a named child (vlan10) keeps its name and variables
		}
		oldChild, newChild := fromIf+"."+child, toIf+"."+child
		if c, ok := b.in.Netif.IfVar(oldChild, "ifconfig_IF"); ok {
			out = append(out,
				assign{Name: "ifconfig_" + rcconf.MangleIfName(newChild), Value: c.Value, Comments: []string{from(c)}},
				assign{Name: c.Name, Value: "", Comments: []string{"moved with its parent to " + newChild}})
		}
		out = append(out, b.moveIfVars(oldChild, newChild)...)
	}
	return out
}
