package render

import (
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// vfLines names every rc.conf line of vf's own that the rendered NOAUTO
// neutralises, with what becomes of it: network.subr list_net_interfaces
// skips a NOAUTO interface (autoif) and pccard_ether's checkauto stops the
// hot-plug path, so none of ifconfig_VF, its aliases, IPv6 or vlans is
// applied any more.
func (b *builder) vfLines(vf string) {
	env := b.in.Netif
	var vars []rcconf.Var
	if v, ok := env.IfVar(vf, "ifconfig_IF"); ok && !rcconf.ParseKeywords(v.Value).NoAuto && v.Value != "" {
		vars = append(vars, v)
	}
	if v, ok := env.IfVar(vf, "ifconfig_IF_ipv6"); ok && v.Value != "" {
		vars = append(vars, v)
	}
	vars = append(vars, env.Aliases(vf)...)
	for _, p := range append([]string{"vlans_IF"}, movedVars...) {
		if v, ok := env.IfVar(vf, p); ok && v.Value != "" {
			vars = append(vars, v)
		}
	}
	for _, v := range vars {
		b.finding(finding.Warning, v.Origin, "%s=%q is neutralised (NOAUTO on the VF %s): %s", v.Name, v.Value, vf, b.vfEffect(vf, v.Value))
	}
}

// vfEffect says what becomes of one neutralised VF line, by what it asked.
func (b *builder) vfEffect(vf, value string) string {
	w := fields(value)
	hn, _ := b.in.Snapshot.HNForVF(vf)
	if hn == "" {
		hn = "hnN"
	}
	port, addrs, rest := "the lagg it joins (its first port, "+hn+")", hn+" (hvnetconf moves them to its lagg)", "rc no longer configures the VF; vf-attach brings it up and into the lagg"
	if b.p.Mode.Mode != ModeLagg {
		port, addrs, rest = hn+", which drives it", hn, "rc no longer configures the VF; hn(4) drives it"
	}
	var out []string
	for i, word := range w {
		switch {
		case word == "mtu" && i+1 < len(w):
			out = append(out, "mtu "+w[i+1]+" is dropped: the VF takes the MTU of "+port+"; set mtu "+w[i+1]+" in ifconfig_"+rcconf.MangleIfName(hn)+" to have it")
		case word == "ether" || word == "link" || word == "lladdr":
			out = append(out, "the MAC change is dropped: hn(4) pairs a VF with its hn by their shared MAC, another MAC would break the pairing")
		case word == "inet" || word == "inet6" || strings.EqualFold(word, "DHCP") || strings.EqualFold(word, "SYNCDHCP") || strings.EqualFold(word, "NOSYNCDHCP"):
			out = append(out, "addresses on a VF vanish with it at every live migration: configure them on "+addrs)
		}
	}
	if len(out) == 0 {
		return rest
	}
	return strings.Join(compactStrings(out), "; ")
}

// compactStrings drops repeated entries, keeping the first of each.
func compactStrings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
