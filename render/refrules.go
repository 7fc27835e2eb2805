package render

import (
	"regexp"
	"slices"
	"strings"
)

// refRule is one row of the reference table: rc variables whose value names
// interfaces, which service reads each, and how hnN becomes laggN in it.
// A rule without Services is reported, never rewritten: hvnetconf does not
// know (or cannot change) every reader.
type refRule struct {
	Var      string         // as docs/rendering.md documents it
	match    *regexp.Regexp // on the variable name
	Services []string       // load_rc_config names whose rc.conf.d file gets the rewrite
	Readers  string         // the FreeBSD script (and function) that reads it
	rewrite  func(value, hn, lagg string) (string, bool)
	Keep     string // why naming hnN stays right (no rewrite, no finding)
	Advice   string // for rules without Services: what the user should change
}

// refRules is the whole knowledge about references to hnN outside its own
// per-interface variables. Order matters only for names several rules match
// (the first wins).
var refRules = []refRule{
	{Var: "ifconfig_bridgeN", match: regexp.MustCompile(`^ifconfig_bridge[0-9]+$`), Services: []string{"network"},
		Readers: "rc.d/netif (network.subr ifconfig_up): addm, deletem, stp, edge, span, ... name members",
		rewrite: renameWords},
	{Var: "ifconfig_vlanN, create_args_vlanN", match: regexp.MustCompile(`^(ifconfig|create_args)_vlan[0-9]+$`), Services: []string{"network"},
		Readers: "rc.d/netif (network.subr clone_up for create_args_IF, ifconfig_up for ifconfig_IF)",
		rewrite: renameAfter("vlandev")},
	{Var: "ipv6_cpe_wanif", match: regexp.MustCompile(`^ipv6_cpe_wanif$`), Services: []string{"network"},
		Readers: "rc.d/netif (network.subr ifconfig_up)", rewrite: renameWords},
	{Var: "defaultrouter, ipv6_defaultrouter, ipv6_default_interface, route_*, ipv6_route_*",
		match:    regexp.MustCompile(`^(defaultrouter|ipv6_defaultrouter|ipv6_default_interface|route_.+|ipv6_route_.+)$`),
		Services: []string{"routing"},
		Readers:  "rc.d/routing (static_inet, static_inet6): -interface/-iface IF, %IF zones, ipv6_default_interface",
		rewrite:  rescope},
	{Var: "natd_interface", match: regexp.MustCompile(`^natd_interface$`), Services: []string{"natd", "ipfw"},
		Readers: "rc.d/natd (natd_precmd); rc.firewall (load_rc_config ipfw) for its divert rule",
		rewrite: renameWords},
	{Var: "firewall_nat_interface, firewall_simple_{i,o}if[_ipv6]",
		match:    regexp.MustCompile(`^(firewall_nat_interface|firewall_simple_[io]if(_ipv6)?)$`),
		Services: []string{"ipfw"},
		Readers:  "rc.firewall, run by rc.d/ipfw, after load_rc_config ipfw",
		rewrite:  renameWords},
	{Var: "dhcpd_ifaces", match: regexp.MustCompile(`^dhcpd_ifaces$`), Services: []string{"dhcpd"},
		Readers: "the isc-dhcp4x-server port's rc.d/isc-dhcpd (load_rc_config dhcpd)", rewrite: renameWords},
	{Var: "dhcpd6_ifaces", match: regexp.MustCompile(`^dhcpd6_ifaces$`), Services: []string{"dhcpd6"},
		Readers: "the same script run as isc-dhcpd6 (load_rc_config dhcpd6)", rewrite: renameWords},
	{Var: "rtadvd_interfaces", match: regexp.MustCompile(`^rtadvd_interfaces$`), Services: []string{"rtadvd"},
		Readers: "rc.d/rtadvd (rtadvd_precmd)", rewrite: renameWords},
	{Var: "network_interfaces", match: regexp.MustCompile(`^network_interfaces$`),
		Readers: "rc.d/netif (network.subr list_net_interfaces)",
		Keep:    "hnN must still come up as the lagg's port, and list_net_interfaces adds cloned_interfaces (the lagg) itself"},
	{Var: "ifconfig_IF_name", match: regexp.MustCompile(`^ifconfig_.+_name$`),
		Readers: "rc.d/netif (network.subr ifnet_rename)",
		Keep:    "a new name, not a reference: a rename onto an hn's name is refused (render: chosenName)"},
	{Var: "jail_*_vnet_interface", match: regexp.MustCompile(`^jail_.*vnet_interface$`),
		Readers: "rc.d/jail",
		Advice:  "a vnet jail would take hnN away from its lagg: give the jail an epair(4) bridged to laggN, or set skip = true for hnN in hvnetconf.toml"},
}

// refRuleFor returns the rule for a variable name, if any.
func refRuleFor(name string) (refRule, bool) {
	i := slices.IndexFunc(refRules, func(r refRule) bool { return r.match.MatchString(name) })
	if i < 0 {
		return refRule{}, false
	}
	return refRules[i], true
}

// RefServices lists every service whose rc.conf.d file a reference rule may
// write, sorted, for package plan to load and for Targets.
func RefServices() []string {
	var out []string
	for _, r := range refRules {
		out = append(out, r.Services...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// renameIf renames one word that is hn or one of its numbered vlan children
// (hn0.100 moves with its parent to lagg0.100, see moveVlans).
func renameIf(word, hn, lagg string) (string, bool) {
	switch {
	case word == hn:
		return lagg, true
	case len(word) > len(hn)+1 && word[:len(hn)+1] == hn+".":
		return lagg + word[len(hn):], true
	}
	return word, false
}

// renameWords renames every word of a list of interface names.
func renameWords(value, hn, lagg string) (string, bool) {
	w := fields(value)
	changed := false
	for i := range w {
		var c bool
		w[i], c = renameIf(w[i], hn, lagg)
		changed = changed || c
	}
	return joinWords(w), changed
}

// renameAfter renames the interface that follows keyword (vlandev IF).
func renameAfter(keyword string) func(value, hn, lagg string) (string, bool) {
	return func(value, hn, lagg string) (string, bool) {
		w := fields(value)
		changed := false
		for i := 1; i < len(w); i++ {
			if w[i-1] == keyword {
				var c bool
				w[i], c = renameIf(w[i], hn, lagg)
				changed = changed || c
			}
		}
		return joinWords(w), changed
	}
}

func joinWords(w []string) string { return strings.Join(w, " ") }
