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

// hasLink is the interface's link state (if_link_state) as the kernel
// reports it:
//   - hn: the host's carrier, forced down while its VF carries the
//     datapath (if_hn.c hn_rxvf_change, as stored in the search index, FreeBSD
//     12+: with rxvf it calls if_link_state_change(hn_ifp, LINK_STATE_DOWN)), and down while a
//     link task is still pending (Iface.LinkHeld: hn_resume_mgmt queues
//     hn_link_status on a taskqueue after the VF leaves; hn_netchg_init_taskfunc
//     fakes 5 s of link-down after a host network change);
//   - a VF: carrier only while IFF_UP and once its carrier came (mlx5en and
//     mana bring the port up asynchronously: Iface.LinkHeld after `up`);
//   - a lagg: up when any port's link state is up, whatever IFF_UP says
//     (if_lagg.c lagg_linkstate, read at 01b359d4, a 12.x-era file);
//   - a vlan: its parent's.
func (s *State) hasLink(i *Iface) bool {
	switch i.Kind {
	case KindLagg:
		for _, p := range i.Ports {
			if pi := s.Ifaces[p]; pi != nil && s.hasLink(pi) {
				return true
			}
		}
		return false
	case KindVF:
		return i.Up && i.Carrier && !i.LinkHeld
	case KindVLAN:
		if parent := s.Ifaces[i.HN]; parent != nil {
			return s.hasLink(parent)
		}
		return false
	case KindHN:
		if vf := s.Ifaces[i.VF]; vf != nil && vf.Up && !s.Transparent {
			return false
		}
		return i.Carrier && !i.LinkHeld
	}
	return i.Carrier
}

// portUsable is LAGG_PORTACTIVE (if_lagg.h): link up and IFF_UP.
func (s *State) portUsable(name string) bool {
	p := s.Ifaces[name]
	return p != nil && p.Up && s.hasLink(p)
}

// activePort is failover's choice, if_lagg.c lagg_link_active(sc,
// sc_primary): the primary when usable, else the port after it in the
// list, else the first usable port in list (interface-index) order.
func (s *State) activePort(l *Iface) string {
	k := slices.Index(l.Ports, l.Primary)
	if k >= 0 {
		if s.portUsable(l.Ports[k]) {
			return l.Ports[k]
		}
		if k+1 < len(l.Ports) && s.portUsable(l.Ports[k+1]) {
			return l.Ports[k+1]
		}
	}
	for _, p := range l.Ports {
		if s.portUsable(p) {
			return p
		}
	}
	return ""
}

// portFlags are the flags `ifconfig laggN` prints for port p
// (if_lagg.c lagg_port2req): MASTER on the primary, ACTIVE on
// lagg_link_active's choice, for failover.
func (s *State) portFlags(l *Iface, p string) uint32 {
	var f uint32
	if l.Proto != "failover" && l.Proto != "" {
		return f
	}
	if l.Primary == p {
		f |= portMaster
	}
	if p == s.activePort(l) {
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
	i.Index = s.freeIndex()
	s.nd6Attach(i)
	s.Ifaces[i.Name] = i
	if i.Kind != KindLo {
		// if_attach → IFNET ATTACH (if.c if_attach_internal), then
		// ether_ifattach → ETHERNET IFATTACH.
		s.event("IFNET", i.Name, "ATTACH")
		s.event("ETHERNET", i.Name, "IFATTACH")
	}
}

// freeIndex is the lowest interface index no interface holds: if.c
// ifindex_alloc (read in the 12/13-era file) reuses the first free slot of the index
// table, so an interface attached after another left can get a lower
// index than one attached before it (a VF below its hn).
func (s *State) freeIndex() int {
	used := map[int]bool{}
	for _, i := range s.Ifaces {
		used[i.Index] = true
	}
	n := 1
	for used[n] {
		n++
	}
	return n
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

// setUp changes IFF_UP. Going up runs in6_if_up (the link-local address,
// when IPv6 is enabled there: see inet6.go). A paired VF going up or down
// in non-transparent mode switches hn's datapath (if_hn.c
// hn_rxvf_change): up, hn's link is forced down at once while the VF's
// own carrier comes later (vfCarrierDelay); down, hn's link comes back
// from a taskqueue (hnLinkTaskDelay), not at once; devd hears
// HYPERV_NIC_VF VF_UP/VF_DOWN either way.
func (s *State) setUp(i *Iface, up bool) {
	if i.Up == up {
		return
	}
	i.Up = up
	if up {
		s.in6IfUp(i)
	}
	if i.Kind != KindVF {
		return
	}
	if up {
		s.holdLink(i, vfCarrierDelay)
	}
	if i.HN == "" || s.Transparent {
		return
	}
	typ := "VF_DOWN"
	if hn := s.Ifaces[i.HN]; hn != nil {
		if up {
			// hn_rxvf_change clears HN_LINK_FLAG_NETCHG: a pending
			// network-change check is dropped with the link.
			s.cancelTimers(hn.Name)
			hn.LinkHeld = false
		} else {
			s.holdLink(hn, hnLinkTaskDelay)
		}
	}
	if up {
		typ = "VF_UP"
	}
	s.event("HYPERV_NIC_VF", i.HN, typ)
}

// NetworkChange is what the host's network-change notice does to hnN
// (if_hn.c hn_change_network → hn_netchg_init_taskfunc): its link goes
// down and comes back after 5 s (scaled), when hn_netchg_status_taskfunc
// asks the host again.
func (s *State) NetworkChange(hn string) {
	if i := s.Ifaces[hn]; i != nil && i.Kind == KindHN {
		s.holdLink(i, netchgDelay)
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
	s.cancelTimers(name)
	s.flushIfRoutes(name)
	delete(s.Ifaces, name)
	delete(s.Dhclient, name)
	if i.Kind != KindLo {
		s.event("ETHERNET", name, "IFDETACH")
		s.event("IFNET", name, "DETACH")
	}
}

// removePort is if_lagg.c lagg_port_destroy: the port leaves the list;
// when it was the primary, the first port left becomes the primary and
// lends the lagg its MAC, and with no port left the lagg's MAC is all
// zeros (read at 01b359d4, a 12.x-era file).
func (s *State) removePort(l *Iface, p string) {
	if l == nil {
		return
	}
	if k := slices.Index(l.Ports, p); k >= 0 {
		l.Ports = slices.Delete(l.Ports, k, k+1)
	}
	if pi := s.Ifaces[p]; pi != nil {
		pi.PortOf = ""
	}
	if l.Primary != p {
		return
	}
	l.Primary, l.MAC = "", zeroMAC
	if len(l.Ports) > 0 {
		l.Primary = l.Ports[0]
		if pi := s.Ifaces[l.Primary]; pi != nil {
			l.MAC = pi.MAC
		}
	}
}

// zeroMAC is the lagg's link-level address with no port: lagg_clone_create
// attaches it with 00:00:00:00:00:00 and lagg_port_destroy zeroes it when
// the last port leaves.
const zeroMAC = "00:00:00:00:00:00"

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
