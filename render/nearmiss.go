package render

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/suggest"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// The variables network.subr and the rc.d scripts read per interface
// (get_if_var, ifalias, ipv4_addrs_common, ipv6_prefix_hostid_addr_common,
// vlan_up, clone_up, dhclient) and those render acts on for all of them.
var (
	perIfPrefixes = []string{"ifconfig_", "ipv4_addrs_", "ipv6_prefix_", "dhclient_flags_",
		"background_dhclient_", "vlans_", "wlans_", "create_args_"}
	globalNames = []string{"cloned_interfaces", "defaultrouter", "ipv6_defaultrouter", "static_routes",
		"ipv6_static_routes", "hyperv_vf_delay", "ifconfig_DEFAULT", "synchronous_dhclient"}
	hnSuffix = regexp.MustCompile(`^(ipv6|aliases|alias[0-9]+|name|descr)$`)
)

// hnNames lists the variables an rc script reads for one hn.
func hnNames(hn string) []string {
	out := []string{"ifconfig_" + hn, "ifconfig_" + hn + "_ipv6", "ifconfig_" + hn + "_aliases", "ifconfig_" + hn + "_alias0"}
	for _, p := range perIfPrefixes[1:] {
		out = append(out, p+hn)
	}
	return out
}

// nearMisses warns about rc.conf variables no rc script reads that nearly
// name one render acts on (ifconfg_hn0, ifconfig_hn0_ipv5): FreeBSD
// ignores them silently, and so would the render.
func (b *builder) nearMisses() {
	known := slices.Clone(globalNames)
	hns := map[string][]string{} // hn → its numbered vlan children's tags
	for _, h := range b.in.Snapshot.HN {
		known = append(known, hnNames(h.Name)...)
		hns[h.Name] = numberedVlans(b.in.Netif, h.Name)
	}
	for _, v := range b.in.Netif.Vars() {
		if v.Origin.File == "" || v.Origin.File == rcconf.DefaultsRCConf || slices.Contains(known, v.Name) || wellFormed(v.Name, hns) {
			continue
		}
		best, bestD := "", 3
		for _, k := range known {
			if d := suggest.EditDistance(v.Name, k); d < bestD && len(v.Name) >= 8 {
				best, bestD = k, d
			}
		}
		if best != "" {
			b.finding(finding.Warning, v.Origin, "%s is not a variable any rc script reads; did you mean %s?", v.Name, best)
		}
	}
}

// wellFormed says whether name is a per-interface variable as rc reads
// them: a known prefix and an interface name, and for an hn of the
// snapshot, one of the suffixes network.subr knows, or a numbered vlan
// child the hn's vlans_ lists (hn0.2's variables are ifconfig_hn0_2…).
func wellFormed(name string, hns map[string][]string) bool {
	for _, p := range perIfPrefixes {
		rest, ok := strings.CutPrefix(name, p)
		if !ok || rest == "" {
			continue
		}
		for hn, tags := range hns {
			suffix, ok := strings.CutPrefix(rest, hn+"_")
			if !ok {
				continue
			}
			for _, tag := range tags {
				if suffix == tag {
					return true // create_args_hn0_2, ifconfig_hn0_2
				}
				if more, ok := strings.CutPrefix(suffix, tag+"_"); ok && p == "ifconfig_" && hnSuffix.MatchString(more) {
					return true // ifconfig_hn0_2_ipv6
				}
			}
			if p == "ifconfig_" {
				return hnSuffix.MatchString(suffix)
			}
		}
		return true
	}
	return false
}

// numberedVlans are the tags in vlans_HN that network.subr childif_create
// turns into children named HN.TAG (a tag matching [1-9][0-9]*; any other
// word names a vlan interface of its own, whose variables carry its name).
func numberedVlans(env *rcconf.Env, hn string) []string {
	v, ok := env.IfVar(hn, "vlans_IF")
	if !ok {
		return nil
	}
	var tags []string
	for _, w := range strings.Fields(v.Value) {
		if numberedTag.MatchString(w) {
			tags = append(tags, w)
		}
	}
	return tags
}

var numberedTag = regexp.MustCompile(`^[1-9][0-9]*$`)

// misplaced warns about hn variables set in an rc.conf.d file that only
// its own service reads (load_rc_config NAME reads rc.conf.d/NAME: a
// netif.conf or an hn0 file there is read by no network script).
func (b *builder) misplaced() {
	hns := map[string]bool{}
	for _, h := range b.in.Snapshot.HN {
		hns[h.Name] = true
	}
	for _, svc := range slices.Sorted(maps.Keys(b.in.Services)) {
		for _, v := range b.in.Services[svc].Vars() {
			dir, ok := ownRCConfD(v.Origin.File, svc)
			if !ok || !namesHN(v.Name, hns) {
				continue
			}
			b.finding(finding.Warning, v.Origin, "%s is set in a file only load_rc_config %s reads, not netif; did you mean %s?", v.Name, svc, dir+"network")
		}
	}
}

// ownRCConfD says whether file is service svc's own rc.conf.d file (or a
// file of its directory), and returns that rc.conf.d directory.
func ownRCConfD(file, svc string) (string, bool) {
	i := strings.Index(file, "/rc.conf.d/")
	if i < 0 {
		return "", false
	}
	dir, rest := file[:i+len("/rc.conf.d/")], file[i+len("/rc.conf.d/"):]
	return dir, rest == svc || strings.HasPrefix(rest, svc+"/")
}

// namesHN says whether name is a per-interface variable of an hn.
func namesHN(name string, hns map[string]bool) bool {
	for _, p := range perIfPrefixes {
		if rest, ok := strings.CutPrefix(name, p); ok {
			for hn := range hns {
				if rest == hn || strings.HasPrefix(rest, hn+"_") {
					return true
				}
			}
		}
	}
	return false
}
