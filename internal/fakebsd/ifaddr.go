package fakebsd

import (
	"math/bits"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// addrReq collects the address words of one ifconfig run; commit applies
// them at the end, like ifconfig.c's deferred SIOCDIFADDR/SIOCAIFADDR.
type addrReq struct {
	family string // inet, inet6, link, ether
	addr   string
	plen   int // -1: not given
	given  bool
	alias  int // 0: plain, 1: alias/add, -1: -alias/delete
}

// set takes a word that is no command: ifconfig reads it as an address of
// the run's family (which is only recognised as the first word: a later
// "inet" is itself taken for an address and is a "bad value").
func (a *addrReq) set(r *ifconfigRun, w string) error {
	if a.given {
		return nil // a second address is the destination (point-to-point)
	}
	if a.family == "link" || a.family == "ether" {
		// af_link.c: the link family's address request is SIOCSIFLLADDR,
		// a new MAC for the interface; "alias" changes nothing.
		mac, err := net.ParseMAC(w)
		if err != nil || len(mac) != 6 {
			return r.fail("%s: bad value", w)
		}
		r.i.MAC = mac.String()
		return nil
	}
	addr, plen, ok := parseAddr(a.family, w)
	if !ok {
		// ifconfig.c getaddr: not an address of the family: the run ends
		// with "bad value", exit 1. A family keyword out of place is
		// modelled; any other word may be a parameter the emulation
		// lacks, so it is recorded for the tests to see.
		if !isFamily(w) {
			r.s.Unknown = append(r.s.Unknown, "ifconfig word "+w)
		}
		return r.fail("%s: bad value", w)
	}
	a.addr, a.plen, a.given = addr, plen, true
	return nil
}

func parseAddr(family, w string) (string, int, bool) {
	if family != "inet" && family != "inet6" {
		return "", 0, false
	}
	s, lenStr, hasLen := strings.Cut(w, "/")
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Is4() != (family == "inet") || ip.Zone() != "" && family == "inet" {
		return "", 0, false
	}
	plen := -1
	if hasLen {
		n, err := strconv.Atoi(lenStr)
		if err != nil || n < 0 || n > ip.BitLen() {
			return "", 0, false
		}
		plen = n
	}
	return ip.WithZone("").String(), plen, true
}

func (a *addrReq) setMask(r *ifconfigRun, w, v string) error {
	if w == "prefixlen" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 128 {
			return r.fail("%s: bad value", v)
		}
		a.plen = n
		return nil
	}
	n, ok := maskLen(v)
	if !ok {
		return r.fail("%s: bad value", v)
	}
	a.plen = n
	return nil
}

// maskLen reads a netmask, dotted (255.255.255.0) or hex (0xffffff00).
func maskLen(v string) (int, bool) {
	var m uint32
	if h, ok := strings.CutPrefix(v, "0x"); ok {
		x, err := strconv.ParseUint(h, 16, 32)
		if err != nil {
			return 0, false
		}
		m = uint32(x)
	} else {
		ip, err := netip.ParseAddr(v)
		if err != nil || !ip.Is4() {
			return 0, false
		}
		b := ip.As4()
		m = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	}
	n := bits.LeadingZeros32(^m)
	return n, bits.OnesCount32(m) == n
}

func (a *addrReq) commit(r *ifconfigRun) error {
	if !a.given && a.alias < 0 && a.family == "inet" {
		// `ifconfig IF -alias` with no address: ifconfig.c notealias sets
		// clearaddr and SIOCDIFADDR goes out with INADDR_ANY, which
		// in.c takes as the interface's first address; with none left
		// it fails. The 2017 hyperv_vfup loops on this to empty hnN.
		if len(r.i.Inet) == 0 {
			return r.fail("ioctl (SIOCDIFADDR): Can't assign requested address")
		}
		r.i.Inet = r.i.Inet[1:]
		return nil
	}
	if !a.given {
		return nil
	}
	list := &r.i.Inet
	if a.family == "inet6" {
		list = &r.i.Inet6
	}
	if a.alias < 0 {
		if !removeAddr(list, a.addr) {
			return r.fail("ioctl (SIOCDIFADDR): Can't assign requested address")
		}
		return nil
	}
	if a.family == "inet" && a.alias == 0 && len(*list) > 0 {
		// Without "alias", ifconfig first deletes the interface's first
		// IPv4 address (setifaddr sets clearaddr): the new one replaces it.
		*list = (*list)[1:]
	}
	removeAddr(list, a.addr) // re-adding an address updates its prefix
	*list = append(*list, Addr{Addr: a.addr, PrefixLen: a.prefix()})
	if a.family == "inet" {
		r.s.setUp(r.i, true) // ether_ioctl SIOCSIFADDR brings the interface up
	} else {
		r.s.in6Added(r.i)
	}
	return nil
}

// prefix is the given length or the default: 64 for inet6, the classful
// mask for inet (af_inet.c in_getprefix / in.c in_control).
func (a *addrReq) prefix() int {
	if a.plen >= 0 {
		return a.plen
	}
	if a.family == "inet6" {
		return 64
	}
	first := netip.MustParseAddr(a.addr).As4()[0]
	switch {
	case first < 128:
		return 8
	case first < 192:
		return 16
	}
	return 24
}

func removeAddr(list *[]Addr, addr string) bool {
	for k, x := range *list {
		if x.Addr == addr {
			*list = append((*list)[:k], (*list)[k+1:]...)
			return true
		}
	}
	return false
}
