package fakebsd

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
)

// lagg port flag bits (sys/net/if_lagg.h LAGG_PORT_*).
const (
	portMaster = 0x1
	portActive = 0x4
)

// hasLink is the interface's link state as the kernel reports it. An hn
// in non-transparent mode forces its own link down while its VF is up
// (if_hn.c hn_rxvf_change → hn_link_status); a lagg has link while one of
// its ports is active.
func (s *State) hasLink(i *Iface) bool {
	switch i.Kind {
	case KindLagg:
		return s.activePort(i) != ""
	case KindVF:
		// mlx5en/mana report no carrier while the port is down.
		return i.Up && i.Carrier
	case KindVLAN:
		if parent := s.Ifaces[i.HN]; parent != nil {
			return s.hasLink(parent)
		}
		return false
	case KindHN:
		if vf := s.Ifaces[i.VF]; vf != nil && vf.Up && !s.Transparent {
			return false
		}
	}
	return i.Carrier
}

// portUsable is LAGG_PORTACTIVE: the port is up and has link.
func (s *State) portUsable(name string) bool {
	p := s.Ifaces[name]
	return p != nil && p.Up && s.hasLink(p)
}

// activePort is failover's choice (if_lagg.c lagg_fail_start): the master
// (first port) when usable, else the next usable port.
func (s *State) activePort(l *Iface) string {
	for _, p := range l.Ports {
		if s.portUsable(p) {
			return p
		}
	}
	return ""
}

// portFlags are the flags `ifconfig laggN` prints for port p.
func (s *State) portFlags(l *Iface, p string) uint32 {
	var f uint32
	if len(l.Ports) > 0 && l.Ports[0] == p {
		f |= portMaster
	}
	if p == s.activePort(l) && (l.Proto == "failover" || l.Proto == "") {
		f |= portActive
	}
	return f
}

func (s *State) event(system, subsystem, typ string) {
	s.Events = append(s.Events, fmt.Sprintf("system=%s subsystem=%s type=%s", system, subsystem, typ))
}

// addIface creates an interface and emits the attach event every Ethernet
// interface gets (if_ethersubr.c ether_ifattach → devctl ETHERNET IFATTACH).
func (s *State) addIface(i *Iface) {
	if i.MTU == 0 {
		i.MTU = 1500
	}
	if i.Kind == KindHN && i.Dev == "" {
		i.Dev = i.Name
	}
	i.Index = s.NextIndex
	s.NextIndex++
	s.Ifaces[i.Name] = i
	if i.Kind != KindLo {
		// if_attach → IFNET ATTACH (if.c if_attach_internal), then
		// ether_ifattach → ETHERNET IFATTACH.
		s.event("IFNET", i.Name, "ATTACH")
		s.event("ETHERNET", i.Name, "IFATTACH")
	}
}

// links is every interface's link state.
func (s *State) links() map[string]bool {
	m := map[string]bool{}
	for n, i := range s.Ifaces {
		m[n] = s.hasLink(i)
	}
	return m
}

// linkEvents emits IFNET LINK_UP/LINK_DOWN for every interface whose link
// changed since before (if.c do_link_state_change), in name order.
func (s *State) linkEvents(before map[string]bool) {
	for _, n := range slices.Sorted(maps.Keys(s.Ifaces)) {
		i := s.Ifaces[n]
		if i.Kind == KindLo {
			continue
		}
		if now := s.hasLink(i); now != before[n] {
			typ := "LINK_DOWN"
			if now {
				typ = "LINK_UP"
			}
			s.event("IFNET", n, typ)
		}
	}
}

// setUp changes IFF_UP. A paired VF going up or down in non-transparent
// mode switches hn's datapath and tells devd (HYPERV_NIC_VF VF_UP/VF_DOWN).
func (s *State) setUp(i *Iface, up bool) {
	if i.Up == up {
		return
	}
	i.Up = up
	if i.Kind == KindVF && i.HN != "" && !s.Transparent {
		typ := "VF_DOWN"
		if up {
			typ = "VF_UP"
		}
		s.event("HYPERV_NIC_VF", i.HN, typ)
	}
}

// removeIface detaches an interface from everything that refers to it.
func (s *State) removeIface(name string) {
	i := s.Ifaces[name]
	if i == nil {
		return
	}
	if i.PortOf != "" {
		s.removePort(s.Ifaces[i.PortOf], name)
	}
	for _, p := range i.Ports {
		if pi := s.Ifaces[p]; pi != nil {
			pi.PortOf = ""
		}
	}
	if i.Kind == KindVF {
		if i.Up {
			s.setUp(i, false)
		}
		if hn := s.Ifaces[i.HN]; hn != nil {
			hn.VF = ""
		}
	}
	delete(s.Ifaces, name)
	delete(s.Dhclient, name)
	if i.Kind != KindLo {
		s.event("ETHERNET", name, "IFDETACH")
		s.event("IFNET", name, "DETACH")
	}
}

func (s *State) removePort(l *Iface, p string) {
	if l == nil {
		return
	}
	for k, x := range l.Ports {
		if x == p {
			l.Ports = append(l.Ports[:k], l.Ports[k+1:]...)
			break
		}
	}
	if pi := s.Ifaces[p]; pi != nil {
		pi.PortOf = ""
	}
}

// names returns interface names in index order, as `ifconfig -l` lists them.
func (s *State) names() []string {
	var n []string
	for name := range s.Ifaces {
		n = append(n, name)
	}
	sort.Slice(n, func(a, b int) bool { return s.Ifaces[n[a]].Index < s.Ifaces[n[b]].Index })
	return n
}

// unit returns N of hnN (and whether name is an hn).
func unit(name, prefix string) (string, bool) {
	u, ok := strings.CutPrefix(name, prefix)
	if !ok || u == "" || strings.Trim(u, "0123456789") != "" {
		return "", false
	}
	return u, true
}
