package fakebsd

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
)

// IPv6 per interface, as netinet6 does it (see FIDELITY.md for which
// rows were read in the source and which come from freebsd-facts.md):
//
//   - nd6.c nd6_ifattach: every interface but a loopback attaches with
//     ND6_IFF_IFDISABLED; ND6_IFF_AUTO_LINKLOCAL follows the sysctl
//     net.inet6.ip6.auto_linklocal (default 1). FreeBSD 12.1's
//     network.subr ifconfig_up sets `inet6 ifdisabled` on every interface
//     but lo0 itself (ipv6_activate_all_interfaces="NO"); main's dropped
//     that line. Either way an interface rc.conf gives no IPv6 has it
//     disabled, which is what the model starts from on both trees.
//   - nd6.c nd6_ioctl SIOCSIFINFO_FLAGS (`ifconfig IF inet6 -ifdisabled`,
//     `auto_linklocal`): enabling IPv6 on an interface that is up with
//     auto link-local assigns its link-local address (in6_ifattach).
//   - in6.c in6_control SIOCAIFADDR_IN6: adding an address to a disabled
//     interface clears ND6_IFF_IFDISABLED.
//   - in6_ifattach.c in6_if_up: bringing an enabled interface up assigns
//     the link-local address when it has none.
//   - if_lagg.c lagg_ioctl SIOCSLAGGPORT (read at 01b359d4): a port with a
//     link-local address is stripped of every IPv6 address (in6_ifdetach;
//     the kernel logs "IPv6 addresses on IF have been removed before
//     adding it as a member"); a port without one keeps what it has.
//
// The link-local address is fe80::/64 with the modified EUI-64 of the MAC
// (in6_ifattach.c in6_get_hw_ifid). DAD, SLAAC and temporary addresses
// are not modelled.

const (
	nd6PerformNUD    = 0x1
	nd6IfDisabled    = 0x8
	nd6AutoLinkLocal = 0x20
)

func (s *State) nd6Attach(i *Iface) {
	loop := i.Kind == KindLo
	i.IfDisabled = !loop
	i.AutoLinkLocal = loop || s.sysctls()["net.inet6.ip6.auto_linklocal"] != "0"
}

// nd6Flags are the bits `ifconfig IF` prints as "nd6 options".
func (i *Iface) nd6Flags() uint32 {
	f := uint32(nd6PerformNUD)
	if i.IfDisabled {
		f |= nd6IfDisabled
	}
	if i.AutoLinkLocal {
		f |= nd6AutoLinkLocal
	}
	return f
}

// setND6 is `ifconfig IF inet6 [-]ifdisabled` and `[-]auto_linklocal`.
func (s *State) setND6(i *Iface, word string) {
	switch word {
	case "ifdisabled":
		i.IfDisabled = true
	case "-ifdisabled":
		i.IfDisabled = false
	case "auto_linklocal":
		i.AutoLinkLocal = true
	case "-auto_linklocal":
		i.AutoLinkLocal = false
	default:
		return
	}
	s.in6IfUp(i)
}

// in6IfUp assigns the link-local address when IPv6 is enabled on an
// interface that is up, has auto link-local and no link-local yet. A
// loopback gets ::1 and fe80::1 back when it lacks them
// (in6_ifattach.c in6_ifattach: in6_ifattach_loopback unless ::1 is
// there, then its link-local): after netif's stop took them off lo0
// (network.subr ipv6_down), its start brings lo0 up and the kernel puts
// them back, which rc.d/routing's reject routes through ::1 need.
func (s *State) in6IfUp(i *Iface) {
	if i.Kind == KindLo && i.Up && !i.IfDisabled {
		for _, a := range []Addr{{"::1", 128}, {"fe80::1", 64}} {
			if !slices.ContainsFunc(i.Inet6, func(x Addr) bool { return x.Addr == a.Addr }) {
				i.Inet6 = append(i.Inet6, a)
			}
		}
		return
	}
	if i.IfDisabled || !i.AutoLinkLocal || !i.Up || i.Kind == KindLo || linkLocal(i) != "" {
		return
	}
	i.Inet6 = append([]Addr{{Addr: eui64LinkLocal(i), PrefixLen: 64}}, i.Inet6...)
}

// linkLocal is i's link-local address, or "".
func linkLocal(i *Iface) string {
	for _, a := range i.Inet6 {
		if ip, err := netip.ParseAddr(a.Addr); err == nil && ip.IsLinkLocalUnicast() {
			return a.Addr
		}
	}
	return ""
}

// eui64LinkLocal is fe80:: with the modified EUI-64 of i's MAC; an
// interface without a usable MAC (a lagg with no port) takes one made
// from its index, as in6_get_hw_ifid then borrows another interface's.
func eui64LinkLocal(i *Iface) string {
	mac, err := net.ParseMAC(i.MAC)
	if err != nil || len(mac) != 6 || i.MAC == zeroMAC {
		mac = net.HardwareAddr{0x02, 0, 0, 0, 0, byte(i.Index)}
	}
	b := [16]byte{0: 0xfe, 1: 0x80}
	copy(b[8:], []byte{mac[0] ^ 0x02, mac[1], mac[2], 0xff, 0xfe, mac[3], mac[4], mac[5]})
	return netip.AddrFrom16(b).String()
}

// in6JoinLagg is what SIOCSLAGGPORT does to a port's IPv6 before it joins.
func (s *State) in6JoinLagg(lagg, p *Iface) {
	if linkLocal(p) == "" {
		return
	}
	p.Inet6 = nil
	s.Messages = append(s.Messages, fmt.Sprintf("%s: IPv6 addresses on %s have been removed before adding it as a member to prevent IPv6 address scope violation.", lagg.Name, p.Name))
}

// in6Added is SIOCAIFADDR_IN6's side effect: IPv6 is enabled on the
// interface (and, being up, it gets its link-local address).
func (s *State) in6Added(i *Iface) {
	if i.IfDisabled {
		i.IfDisabled = false
		s.in6IfUp(i)
	}
}
