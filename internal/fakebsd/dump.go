package fakebsd

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Dump is the state as sorted text, for golden comparisons: interfaces by
// name with their addresses and lagg ports (with the flags ifconfig would
// print), dhclient and leases, derived sysctls, then the event log and any
// unknown commands in order. The command log is left out (see Commands).
func (h *Host) Dump() string { return h.State().Dump() }

// Dump: see Host.Dump.
func (s *State) Dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "transparent %v\n", s.Transparent)
	for _, n := range slices.Sorted(maps.Keys(s.Ifaces)) {
		s.dumpIface(&b, s.Ifaces[n])
	}
	for _, n := range slices.Sorted(maps.Keys(s.Dhclient)) {
		fmt.Fprintf(&b, "dhclient %s\n", n)
	}
	for _, n := range slices.Sorted(maps.Keys(s.Leases)) {
		fmt.Fprintf(&b, "leases %s %d\n", n, s.Leases[n])
	}
	sys := s.sysctls()
	for _, n := range slices.Sorted(maps.Keys(sys)) {
		// the hn(4) sysctls, and any other the scripts or the test set
		if _, set := s.Sysctls[n]; !set && !strings.HasPrefix(n, "hw.hn.") && !strings.HasPrefix(n, "dev.hn.") {
			continue
		}
		fmt.Fprintf(&b, "sysctl %s=%q\n", n, sys[n])
	}
	for _, e := range s.Events {
		fmt.Fprintf(&b, "event %s\n", e)
	}
	for _, u := range s.Unknown {
		fmt.Fprintf(&b, "unknown %s\n", u)
	}
	return b.String()
}

func (s *State) dumpIface(b *strings.Builder, i *Iface) {
	fmt.Fprintf(b, "iface %s kind=%s mac=%s mtu=%d up=%v link=%v", i.Name, i.Kind, i.MAC, i.MTU, i.Up, s.hasLink(i))
	for _, kv := range [][2]string{{"vf", i.VF}, {"hn", i.HN}, {"port_of", i.PortOf}, {"proto", i.Proto}} {
		if kv[1] != "" {
			fmt.Fprintf(b, " %s=%s", kv[0], kv[1])
		}
	}
	b.WriteString("\n")
	for _, a := range i.Inet {
		fmt.Fprintf(b, "  inet %s\n", a)
	}
	for _, a := range i.Inet6 {
		fmt.Fprintf(b, "  inet6 %s\n", a)
	}
	for _, p := range i.Ports {
		fmt.Fprintf(b, "  laggport %s flags=%x\n", p, s.portFlags(i, p))
	}
}

// Network is the part of the state a boot decides, as sorted text: per
// interface (lo0 aside) whether it is up, its lagg protocol and ports in
// order with their flags, its addresses; then where dhclient runs and how
// many leases each interface took.
func (s *State) Network() string {
	var b strings.Builder
	for _, n := range slices.Sorted(maps.Keys(s.Ifaces)) {
		i := s.Ifaces[n]
		if n == "lo0" {
			continue // on every host, the same
		}
		state := "down"
		if i.Up {
			state = "up"
		}
		fmt.Fprintf(&b, "%s %s mtu %d", n, state, i.MTU)
		if i.Kind == KindLagg {
			fmt.Fprintf(&b, " laggproto %s", i.Proto)
			for _, p := range i.Ports {
				fmt.Fprintf(&b, " laggport %s<%s>", p, portNames(s.portFlags(i, p)))
			}
		}
		for _, m := range i.Members {
			fmt.Fprintf(&b, " member %s", m)
		}
		b.WriteString("\n")
		for _, a := range i.Inet {
			fmt.Fprintf(&b, "  inet %s\n", a)
		}
		for _, a := range i.Inet6 {
			fmt.Fprintf(&b, "  inet6 %s\n", a)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(s.Dhclient)) {
		if s.Dhclient[n] {
			fmt.Fprintf(&b, "dhclient %s\n", n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(s.Leases)) {
		fmt.Fprintf(&b, "leases %s %d\n", n, s.Leases[n])
	}
	for _, n := range slices.Sorted(maps.Keys(s.Renewals)) {
		fmt.Fprintf(&b, "renewals %s %d\n", n, s.Renewals[n])
	}
	return b.String()
}

// IPv6Problems says why IPv6 does not work on the interface: it is
// missing, IPv6 is disabled there (ND6_IFF_IFDISABLED), or it has no
// link-local address (no neighbour discovery, no router). None: it works.
func (s *State) IPv6Problems(name string) []string {
	i := s.Ifaces[name]
	switch {
	case i == nil:
		return []string{name + ": does not exist"}
	case i.IfDisabled:
		return []string{name + ": IPv6 is disabled (nd6 IFDISABLED)"}
	case linkLocal(i) == "":
		return []string{name + ": has no IPv6 link-local address"}
	}
	return nil
}

// LaggPortFlags says whether port p of lagg l carries the MASTER and
// ACTIVE flags `ifconfig l` prints for it (false, false when l is no lagg
// or p not its port): tests judge mastership by the flag, never by order.
func (s *State) LaggPortFlags(l, p string) (master, active bool) {
	i := s.Ifaces[l]
	if i == nil || i.Kind != KindLagg || !slices.Contains(i.Ports, p) {
		return false, false
	}
	f := s.portFlags(i, p)
	return f&portMaster != 0, f&portActive != 0
}

func portNames(f uint32) string {
	var n []string
	if f&portMaster != 0 {
		n = append(n, "MASTER")
	}
	if f&portActive != 0 {
		n = append(n, "ACTIVE")
	}
	return strings.Join(n, ",")
}
