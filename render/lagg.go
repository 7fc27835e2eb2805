package render

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// capabilities are ifconfig words that tune the hn device itself; they stay
// on hnN (a lagg has no offload settings of its own).
var capabilities = map[string]bool{
	"rxcsum": true, "txcsum": true, "rxcsum6": true, "txcsum6": true,
	"tso": true, "tso4": true, "tso6": true, "lro": true, "vlanhwtag": true,
	"vlanmtu": true, "vlanhwtso": true, "vlanhwcsum": true, "vlanhwfilter": true,
}

// lagg renders a failover lagg for every selected hn.
func (b *builder) lagg() {
	used := map[string]string{} // lagg name -> hn
	for _, h := range b.in.Snapshot.HN {
		clone := b.in.Config.Interface(h.Name).LaggName(h.Unit)
		c, ok := b.chosenName(h, clone)
		if !ok {
			continue
		}
		v, ok := b.selected(h, c)
		if !ok {
			continue
		}
		name := cmp.Or(c.Name, clone)
		if other, taken := used[name]; taken {
			// The one check of two managed hn on one lagg (config cannot
			// tell which hn are managed); it names the lagg key that
			// made the clash, h's own or, where h keeps its default
			// name, other's.
			line := b.in.Config.Interface(h.Name).LaggLine
			if line == 0 {
				line = b.in.Config.Interface(other).LaggLine
			}
			b.finding(finding.Error, rcconf.Origin{File: configName(b.in.Config), Line: line}, "%s and %s would both become %s; %s is left alone", other, h.Name, name, h.Name)
			continue
		}
		if b.handMade(clone, c) {
			continue
		}
		used[name] = h.Name
		b.laggFor(h, name, v, c)
	}
	// Every lagg and its routes are rendered: now the references to each
	// managed hn, which skip what routes() rendered already.
	refs := b.references()
	for _, svc := range RefServices() {
		b.add(svc, refs.renames[svc])
	}
	b.reportRefs(refs.renamed)
	b.reportNames() // after the renames: a name they render is handled
	b.unknownHN()
	b.vfNoAuto("VFs: they join their lagg through the devd rules, never through rc.conf")
	b.defaultReachesVFs()
	if len(b.laggs) == 0 {
		return
	}
	b.clonedInterfaces(refs.needs)
	b.vfDelay()
}

// selected says whether hvnetconf manages h, and returns the ifconfig_IF
// netif applies to it (ifconfig_NEW for a NIC renamed to NEW). Everything
// it leaves alone is said in a finding.
func (b *builder) selected(h hn.Iface, c chosen) (rcconf.Var, bool) {
	env := b.in.Netif
	if b.in.Config.Interface(h.Name).Skip {
		b.finding(finding.Info, rcconf.Origin{File: configName(b.in.Config)}, "%s: skip = true; left alone", h.Name)
		return rcconf.Var{}, false
	}
	v, ok := env.IfConfig(c.Source)
	if !ok || len(fields(v.Value)) == 0 {
		if c.HNVar != nil {
			b.finding(finding.Info, c.HNVar.Origin, "%s: renamed %s by %s, and no ifconfig_%s in rc.conf; left alone", h.Name, c.Source, c.HNVar.Name, rcconf.MangleIfName(c.Source))
			if dead, ok := env.IfVar(h.Name, "ifconfig_IF"); ok && len(fields(dead.Value)) > 0 {
				b.finding(finding.Warning, dead.Origin, "%s is never applied: netif renames %s to %s before it configures interfaces (rc.d/netif netif_start, network.subr ifnet_rename); write it as ifconfig_%s",
					dead.Name, h.Name, c.Source, rcconf.MangleIfName(c.Source))
			}
		} else {
			b.finding(finding.Info, rcconf.Origin{}, "%s: no ifconfig_%s in rc.conf; left alone", h.Name, rcconf.MangleIfName(h.Name))
		}
		return v, false
	}
	kw := rcconf.ParseKeywords(v.Value)
	switch {
	case kw.NoAuto:
		b.finding(finding.Info, v.Origin, "%s: NOAUTO in %s; left alone", h.Name, v.Name)
	case kw.WPA || kw.HostAP:
		b.finding(finding.Warning, v.Origin, "%s: WPA/HOSTAP on a Hyper-V NIC cannot be moved to a lagg; left alone", h.Name)
	case kw.Vnet != "":
		b.finding(finding.Warning, v.Origin, "%s: moved to vnet jail %q; left alone", h.Name, kw.Vnet)
	default:
		if owner := b.laggOwning(c.Source); owner != nil {
			b.finding(finding.Warning, owner.Origin, "%s is already a port in %s; left alone", h.Name, owner.Name)
			return v, false
		}
		return v, true
	}
	return v, false
}

// unknownHN reports ifconfig_hnN settings for devices the snapshot does not
// have: they are left alone, and the user should know why.
func (b *builder) unknownHN() {
	for _, v := range b.in.Netif.Vars() {
		name, ok := strings.CutPrefix(v.Name, "ifconfig_")
		if !ok || !strings.HasPrefix(name, "hn") {
			continue
		}
		if _, err := hn.HNUnit(name); err != nil {
			continue // ifconfig_hn0_ipv6 and the like
		}
		if _, ok := b.in.Snapshot.Lookup(name); !ok {
			// A warning, not an info -q hides: a snapshot taken on
			// another VM size renders an image whose hn is not managed.
			b.finding(finding.Warning, v.Origin, "%s: no such hn device in %s (a snapshot of another VM size?); nothing is rendered for it", name, b.in.Snapshot.Source)
		}
	}
}

// laggOwning finds a hand-written lagg that already has hn as a port.
func (b *builder) laggOwning(hnName string) *rcconf.Var {
	if v, ok := b.portOwners()[hnName]; ok {
		return &v
	}
	return nil
}

// splitWords sorts hn's ifconfig words into those that stay on the port
// (mtu, offload capabilities) and the L3 words the lagg takes over.
func splitWords(value string) (port, l3 []string, mtu int) {
	w := fields(value)
	for i := 0; i < len(w); i++ {
		word := w[i]
		switch {
		case strings.EqualFold(word, "up"):
			// The port is always brought up; the lagg is up once configured.
		case word == "mtu" && i+1 < len(w):
			mtu, _ = strconv.Atoi(w[i+1])
			port = append(port, word, w[i+1])
			i++
		case capabilities[strings.TrimPrefix(word, "-")]:
			port = append(port, word)
		default:
			l3 = append(l3, word)
		}
	}
	return port, l3, mtu
}

// handMade says (in a finding) that the lagg's name is configured by hand
// already: ifconfig_laggN, or ifconfig_NEW when only the lagg is renamed
// (a renamed NIC's ifconfig_NEW is the configuration hvnetconf takes over).
func (b *builder) handMade(clone string, c chosen) bool {
	names := []string{clone}
	if c.Name != "" && c.HNVar == nil {
		names = append(names, c.Name)
	}
	for _, name := range names {
		if mine, ok := b.in.Netif.IfConfig(name); ok && mine.Name != "ifconfig_DEFAULT" {
			b.finding(finding.Warning, mine.Origin, "%s is already configured by hand; %s is left alone (set [interface.%s] lagg to another name)", name, c.Source, c.Source)
			return true
		}
	}
	return false
}

func (b *builder) laggFor(h hn.Iface, name string, v rcconf.Var, c chosen) {
	port, l3, mtu := splitWords(v.Value)
	kw := rcconf.ParseKeywords(v.Value)
	static := staticAddrs(l3)
	laggValue := strings.Join(append([]string{"laggproto", "failover", "laggport", h.Name}, afterLaggport(l3)...), " ")
	s := section{Title: fmt.Sprintf("%s -> %s: failover lagg, %s first (master)%s", h.Name, name, h.Name, vfNote(h))}
	s.Assigns = append(s.Assigns,
		assign{Name: "ifconfig_" + rcconf.MangleIfName(name), Value: laggValue, Comments: []string{from(v)}},
		assign{Name: "ifconfig_" + rcconf.MangleIfName(h.Name), Value: strings.Join(append([]string{"up"}, port...), " "),
			Comments: []string{fmt.Sprintf("a port of %s: L3 configuration moved there", name)}})
	s.Assigns = append(s.Assigns, c.renameAssigns()...)
	if c.HNVar == nil {
		s.Assigns = append(s.Assigns, b.moveIfVars(h.Name, name)...)
		s.Assigns = append(s.Assigns, b.moveVlans(h.Name, name)...)
	} else {
		// ifconfig_NEW_aliasK, ifconfig_NEW_ipv6, vlans_NEW name the lagg
		// now: they stay; hnN's own lines were never applied.
		s.Assigns = append(s.Assigns, b.deadVars(h, c)...)
	}
	b.add("network", s)
	b.add("routing", b.routes(h.Name, name))
	b.laggs = append(b.laggs, c.Clone)
	b.p.Laggs = append(b.p.Laggs, Lagg{Name: name, Clone: cloneIf(c), HN: h.Name, VF: h.VF, MTU: mtu, DHCP: kw.DHCP, Config: laggValue, Static: static})
}

func vfNote(h hn.Iface) string {
	if h.VF == "" {
		return "; no VF attached now"
	}
	return "; VF " + h.VF + " attached now"
}

// afterLaggport adapts L3 words to follow "laggport hnN": ifconfig(8) takes
// an address family only as the first word after the interface name, and
// reads a later "inet" as an address ("inet: bad value"). inet is the
// default family, so the word is dropped, as in lagg(4)'s own example
// ("laggport bge1 192.168.1.1 netmask 255.255.255.0").
func afterLaggport(l3 []string) []string {
	if len(l3) > 0 && l3[0] == "inet" {
		return l3[1:]
	}
	return l3
}

// staticAddrs lists the addresses in L3 words (inet A/len, inet A netmask M,
// inet6 A/len), for verification after apply. Only a word that looks like
// an address counts: ifconfig(8) reads the words after the family as
// commands when it knows them (sbin/ifconfig/ifconfig.c ifconfig(): a word
// that is no command is the address), so "inet6 -ifdisabled accept_rtadv"
// sets no address, and taking "-ifdisabled" for one would fail every
// apply's verification. A value whose address comes after such commands is
// left unverified rather than misread.
func staticAddrs(words []string) []StaticAddr {
	var out []StaticAddr
	for i := 0; i+1 < len(words); i++ {
		if (words[i] == "inet" || words[i] == "inet6") && looksLikeAddress(words[i+1]) {
			out = append(out, NewStaticAddr(words[i], words[i+1]))
		}
	}
	return out
}

// looksLikeAddress: an IPv4 or IPv6 address (with /len or %zone), or a host
// name with a domain. No ifconfig command has a dot, colon or slash in its
// name (ifconfig(8)).
func looksLikeAddress(word string) bool {
	return strings.ContainsAny(word, ".:/")
}

// cloneIf is the name netif creates a renamed lagg under; "" when the lagg
// keeps the name it is created with.
func cloneIf(c chosen) string {
	if c.Name == "" {
		return ""
	}
	return c.Clone
}
