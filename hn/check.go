package hn

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/ifname"
)

// issue is one thing wrong with a snapshot, at a snapshot-file key such as
// ["hn", "hn0", "vf"]. The file reader turns the key into FILE:LINE, the
// live reader into the sysctl it came from.
type issue struct {
	key []string
	msg string
}

func issuef(key []string, format string, args ...any) *issue {
	return &issue{key: key, msg: fmt.Sprintf(format, args...)}
}

// check returns the first problem of s, or nil: the values one by one, then
// whether the VF pairings agree with each other.
func (s *Snapshot) check() *issue {
	if is := s.checkNames(); is != nil {
		return is
	}
	for _, i := range s.HN {
		if is := i.check(); is != nil {
			return is
		}
	}
	return s.checkPairs()
}

func (s *Snapshot) checkNames() *issue {
	for _, vf := range s.VFList {
		if err := ifname.Valid(vf); err != nil {
			return issuef([]string{"vflist"}, "%v", err)
		}
	}
	for _, vf := range slices.Sorted(maps.Keys(s.VFMap)) {
		if err := ifname.Valid(vf); err != nil {
			return issuef([]string{"vfmap", vf}, "%v", err)
		}
		if _, err := HNUnit(s.VFMap[vf]); err != nil {
			return issuef([]string{"vfmap", vf}, "%v", err)
		}
	}
	for _, name := range s.Interfaces {
		if err := ifname.ValidHost(name); err != nil {
			return issuef([]string{"interfaces"}, "%v", err)
		}
	}
	return nil
}

func (i Iface) check() *issue {
	key := func(k ...string) []string { return append([]string{"hn", i.Name}, k...) }
	if unit, err := HNUnit(i.Name); err != nil {
		return issuef(key(), "%v", err)
	} else if unit != i.Unit {
		return issuef(key(), "unit %d does not match the name", i.Unit)
	}
	if i.VF != "" {
		if err := ifname.Valid(i.VF); err != nil {
			return issuef(key("vf"), "%v", err)
		}
	}
	if i.MAC != "" && !validMAC(i.MAC) {
		return issuef(key("mac"), "%q is not a MAC address (want six hex octets, 00:15:5d:00:00:01)", i.MAC)
	}
	if i.MTU != 0 && (i.MTU < 68 || i.MTU > 65535) {
		return issuef(key("mtu"), "%d is out of range 68..65535", i.MTU)
	}
	if i.Link != "" && i.Link != "up" && i.Link != "down" {
		return issuef(key("link"), "%q: want \"up\" or \"down\"", i.Link)
	}
	return nil
}

// checkPairs makes sure each VF belongs to one hn and each hn has one VF,
// whichever sysctl says so, and that every VF is in vflist when it is known.
func (s *Snapshot) checkPairs() *issue {
	owner := map[string]string{} // VF -> hn, from dev.hn.N.vf
	for _, i := range s.HN {
		if i.VF == "" {
			continue
		}
		if prev, dup := owner[i.VF]; dup {
			return issuef([]string{"hn", i.Name, "vf"}, "%s is already the VF of %s", i.VF, prev)
		}
		owner[i.VF] = i.Name
		if s.VFListKnown && !slices.Contains(s.VFList, i.VF) {
			return issuef([]string{"hn", i.Name, "vf"}, "%s is not in vflist", i.VF)
		}
	}
	mapped := map[string]string{} // hn -> VF, from vfmap
	for _, vf := range slices.Sorted(maps.Keys(s.VFMap)) {
		if is := s.checkMapEntry(vf, owner, mapped); is != nil {
			return is
		}
	}
	return nil
}

func (s *Snapshot) checkMapEntry(vf string, owner, mapped map[string]string) *issue {
	hn, key := s.VFMap[vf], []string{"vfmap", vf}
	if prev, dup := mapped[hn]; dup {
		return issuef(key, "%s is mapped to %s, which already has VF %s", vf, hn, prev)
	}
	mapped[hn] = vf
	i, ok := s.Lookup(hn)
	switch {
	case !ok:
		return issuef(key, "%s is not one of the hn devices (hn.%s missing)", hn, hn)
	case i.VF != vf && i.VF != "":
		return issuef(key, "%s maps to %s, but hn.%s.vf is %s", vf, hn, hn, i.VF)
	case i.VF == "":
		return issuef(key, "%s maps to %s, but hn.%s has no vf", vf, hn, hn)
	}
	// Here vf is i.VF, which checkPairs has already found in vflist.
	return nil
}

// validMAC accepts exactly six two-digit hex octets separated by colons,
// the form ifconfig prints; case is normalized by the readers.
func validMAC(mac string) bool {
	parts := strings.Split(mac, ":")
	if len(parts) != 6 {
		return false
	}
	for _, p := range parts {
		if len(p) != 2 || strings.Trim(p, "0123456789abcdefABCDEF") != "" {
			return false
		}
	}
	return true
}
