package fakebsd

import (
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// IFF_* bits and their names, in the order printb prints them
// (sys/net/if.h, sbin/ifconfig/ifconfig.c IFFBITS).
var iffBits = []struct {
	bit  uint32
	name string
}{
	{0x1, "UP"}, {0x2, "BROADCAST"}, {0x8, "LOOPBACK"}, {0x40, "RUNNING"},
	{0x800, "SIMPLEX"}, {0x8000, "MULTICAST"}, {0x1000000, "LOWER_UP"},
}

func (s *State) ifFlags(i *Iface) uint32 {
	f := uint32(0x8000) // MULTICAST
	if i.Kind == KindLo {
		f |= 0x8
	} else {
		f |= 0x2 | 0x800
	}
	if i.Up {
		f |= 0x1 | 0x40
	}
	if s.hasLink(i) {
		f |= 0x1000000
	}
	return f
}

// nd6Names are the ND6_IFF_* names af_nd6.c prints, in bit order.
func nd6Names(f uint32) []string {
	var n []string
	for _, b := range []struct {
		bit  uint32
		name string
	}{{nd6PerformNUD, "PERFORMNUD"}, {nd6IfDisabled, "IFDISABLED"}, {nd6AutoLinkLocal, "AUTO_LINKLOCAL"}} {
		if f&b.bit != 0 {
			n = append(n, b.name)
		}
	}
	return n
}

func printb(v uint32, names []string) string {
	return fmt.Sprintf("%x<%s>", v, strings.Join(names, ","))
}

func flagNames(v uint32) []string {
	var n []string
	for _, b := range iffBits {
		if v&b.bit != 0 {
			n = append(n, b.name)
		}
	}
	return n
}

// writeIfconfig prints one interface as FreeBSD's `ifconfig NAME` does
// (ifconfig.c status(), af_inet.c, af_inet6.c, iflagg.c lagg_status()).
func (s *State) writeIfconfig(w io.Writer, i *Iface) { s.writeIfconfigAF(w, i, "") }

// writeIfconfigAF prints one interface, with only the addresses of
// family af when af is not "".
func (s *State) writeIfconfigAF(w io.Writer, i *Iface, af string) {
	f := s.ifFlags(i)
	fmt.Fprintf(w, "%s: flags=%s metric 0 mtu %d\n", i.Name, printb(f, flagNames(f)), i.MTU)
	if i.Descr != "" {
		fmt.Fprintf(w, "\tdescription: %s\n", i.Descr)
	}
	if i.Kind != KindLo {
		fmt.Fprintf(w, "\toptions=80000<LINKSTATE>\n\tether %s\n", i.MAC)
	}
	for _, a := range i.Inet {
		if af != "" && af != "inet" {
			break
		}
		fmt.Fprintf(w, "\tinet %s netmask %s broadcast %s\n", a.Addr, hexMask(a.PrefixLen), broadcast(a))
	}
	for _, a := range i.Inet6 {
		if af != "" && af != "inet6" {
			break
		}
		if ip, err := netip.ParseAddr(a.Addr); err == nil && ip.IsLinkLocalUnicast() {
			fmt.Fprintf(w, "\tinet6 %s%%%s prefixlen %d scopeid 0x%x\n", a.Addr, i.Name, a.PrefixLen, i.Index)
		} else {
			fmt.Fprintf(w, "\tinet6 %s prefixlen %d\n", a.Addr, a.PrefixLen)
		}
	}
	s.writeLagg(w, i)
	s.writeMedia(w, i)
	fmt.Fprintf(w, "\tnd6 options=%s\n", printb(i.nd6Flags(), nd6Names(i.nd6Flags())))
}

func (s *State) writeLagg(w io.Writer, i *Iface) {
	if i.Kind != KindLagg {
		return
	}
	fmt.Fprintf(w, "\tlaggproto %s lagghash l2,l3,l4\n", i.Proto)
	for _, p := range i.Ports {
		pf := s.portFlags(i, p)
		var names []string
		if pf&portMaster != 0 {
			names = append(names, "MASTER")
		}
		if pf&portActive != 0 {
			names = append(names, "ACTIVE")
		}
		fmt.Fprintf(w, "\tlaggport: %s flags=%s\n", p, printb(pf, names))
	}
	fmt.Fprintf(w, "\tgroups: lagg\n")
}

func (s *State) writeMedia(w io.Writer, i *Iface) {
	status := "no carrier"
	if s.hasLink(i) && i.Kind != KindLagg || i.Kind == KindLagg && slices.ContainsFunc(i.Ports, s.portUsable) {
		// a lagg's media is active when a port is LAGG_PORTACTIVE
		// (if_lagg.c lagg_media_status), which also needs IFF_UP
		status = "active"
	}
	switch i.Kind {
	case KindLo:
		fmt.Fprintf(w, "\tgroups: lo\n")
		return
	case KindLagg:
		fmt.Fprintf(w, "\tmedia: Ethernet autoselect\n")
	case KindVLAN:
		fmt.Fprintf(w, "\tgroups: vlan\n\tmedia: Ethernet autoselect\n")
	default:
		fmt.Fprintf(w, "\tmedia: Ethernet autoselect (10Gbase-T <full-duplex>)\n")
	}
	fmt.Fprintf(w, "\tstatus: %s\n", status)
}

func hexMask(n int) string {
	return fmt.Sprintf("0x%08x", ^uint32(0)<<(32-n)&^uint32(0))
}

func broadcast(a Addr) string {
	ip, err := netip.ParseAddr(a.Addr)
	if err != nil || !ip.Is4() || a.PrefixLen >= 31 {
		return a.Addr
	}
	b := ip.As4()
	host := ^(^uint32(0) << (32 - a.PrefixLen))
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}).String()
}
