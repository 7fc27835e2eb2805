package rcconf

import (
	"sort"
	"strconv"
	"strings"
)

// MangleIfName is network.subr's get_if_var name mangling: each of . - / +
// becomes _ (vlan0.100 -> vlan0_100).
func MangleIfName(ifname string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '.', '-', '/', '+':
			return '_'
		}
		return r
	}, ifname)
}

// ifVarName builds get_if_var's name: the text before the first "IF", the
// mangled interface name, the text after the last "IF".
func ifVarName(ifname, pattern string) string {
	first := strings.Index(pattern, "IF")
	if first < 0 {
		return pattern
	}
	last := strings.LastIndex(pattern, "IF")
	return pattern[:first] + MangleIfName(ifname) + pattern[last+2:]
}

// IfVar looks up a per-interface variable: pattern contains "IF", e.g.
// "ifconfig_IF_ipv6" for vlan0.100 is ifconfig_vlan0_100_ipv6.
func (e *Env) IfVar(ifname, pattern string) (Var, bool) {
	return e.Lookup(ifVarName(ifname, pattern))
}

// IfConfig is ifconfig_IF, else ifconfig_DEFAULT when ifconfig_IF is unset
// (network.subr _ifconfig_getargs uses ${ifconfig_IF-$ifconfig_DEFAULT}:
// an empty ifconfig_IF does not fall back). Var.Name says which was used.
func (e *Env) IfConfig(ifname string) (Var, bool) {
	return e.ifConfigAF(ifname, "ifconfig_IF")
}

// IfConfigIPv6 is ifconfig_IF_ipv6 with the same fallback to
// ifconfig_DEFAULT: _ifconfig_getargs IF ipv6 reads
// ${ifconfig_IF_ipv6-$ifconfig_DEFAULT}. (network.subr then drops the
// keywords and prefixes "inet6" to a value that starts with an address.)
func (e *Env) IfConfigIPv6(ifname string) (Var, bool) {
	return e.ifConfigAF(ifname, "ifconfig_IF_ipv6")
}

func (e *Env) ifConfigAF(ifname, pattern string) (Var, bool) {
	if v, ok := e.IfVar(ifname, pattern); ok {
		return v, true
	}
	return e.Lookup("ifconfig_DEFAULT")
}

// SyncMode says how dhclient starts on a DHCP interface.
type SyncMode int

// Sync modes: SYNCDHCP, NOSYNCDHCP, or neither (synchronous_dhclient decides).
const (
	SyncDefault SyncMode = iota
	SyncOn
	SyncOff
)

// Keywords is an ifconfig_IF value split the way network.subr reads it.
type Keywords struct {
	DHCP   bool     // DHCP, SYNCDHCP or NOSYNCDHCP present (dhcpif)
	Sync   SyncMode // the first of SYNCDHCP/NOSYNCDHCP wins (syncdhcpif)
	NoAuto bool
	WPA    bool
	HostAP bool
	Vnet   string   // jail name after "vnet", "" if none
	Args   []string // every other word, in order: what ifconfig gets
}

// ParseKeywords splits value on blanks (sh field splitting on the default
// IFS) and sorts out network.subr's pseudo-arguments. DHCP, SYNCDHCP,
// NOSYNCDHCP, NOAUTO, WPA and HOSTAP match in any case; "vnet" is matched
// in lower case only and takes the next word as the jail, exactly as
// ifconfig_getargs and vnetif do. Glob characters are not expanded.
func ParseKeywords(value string) Keywords {
	var k Keywords
	words := strings.FieldsFunc(value, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' })
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch strings.ToUpper(w) {
		case "DHCP":
			k.DHCP = true
		case "SYNCDHCP", "NOSYNCDHCP":
			k.DHCP = true
			if k.Sync == SyncDefault {
				k.Sync = map[bool]SyncMode{true: SyncOn, false: SyncOff}[strings.EqualFold(w, "SYNCDHCP")]
			}
		case "NOAUTO":
			k.NoAuto = true
		case "WPA":
			k.WPA = true
		case "HOSTAP":
			k.HostAP = true
		default:
			if w == "vnet" {
				if i+1 < len(words) {
					k.Vnet = words[i+1]
				}
				i++
				continue
			}
			k.Args = append(k.Args, w)
		}
	}
	return k
}

// Aliases lists the alias variables of an interface in the order
// network.subr's ifalias_af_common applies them: ifconfig_IF_aliases, then
// ifconfig_IF_aliasN sorted by N (list_vars | sort_lite -n), stopping at
// the first empty one, then the legacy ipv4_addrs_IF. Only set variables
// are listed.
func (e *Env) Aliases(ifname string) []Var {
	var out []Var
	if v, ok := e.IfVar(ifname, "ifconfig_IF_aliases"); ok {
		out = append(out, v)
	}
	prefix := "ifconfig_" + MangleIfName(ifname) + "_alias"
	type numbered struct {
		n int
		v Var
	}
	var ns []numbered
	for _, v := range e.Vars() {
		rest, ok := strings.CutPrefix(v.Name, prefix)
		if !ok || rest == "" || rest[0] < '0' || rest[0] > '9' {
			continue
		}
		digits := len(rest) - len(strings.TrimLeft(rest, "0123456789"))
		n, _ := strconv.Atoi(rest[:digits])
		ns = append(ns, numbered{n, v})
	}
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].n != ns[j].n {
			return ns[i].n < ns[j].n
		}
		return ns[i].v.Name < ns[j].v.Name
	})
	for _, x := range ns {
		if x.v.Value == "" {
			break
		}
		out = append(out, x.v)
	}
	if v, ok := e.IfVar(ifname, "ipv4_addrs_IF"); ok {
		out = append(out, v)
	}
	return out
}
