package fakebsd

import (
	"fmt"
	"strconv"
	"strings"
)

// create makes a cloned interface (lagg, vlan); others cannot be cloned.
func (r *ifconfigRun) create(name string) error {
	if r.i != nil {
		// sbin/ifconfig: SIOCIFCREATE2 fails with EEXIST.
		return r.fail("SIOCIFCREATE2 (%s): File exists", name)
	}
	i := &Iface{Name: name, Carrier: true}
	switch {
	case isUnit(name, "lagg"):
		i.Kind, i.Proto = KindLagg, "failover" // failover is lagg(4)'s default
	case isUnit(name, "vlan"):
		i.Kind = KindVLAN
	case r.dottedVLAN(name, i):
	case isUnit(name, "bridge"):
		i.Kind = KindBridge
	case isUnit(name, "lo"):
		i.Kind = KindLo
	case isUnit(name, "tap"):
		i.Kind = KindTap
	default:
		return r.fail("SIOCIFCREATE2 (%s): Invalid argument", name)
	}
	// A lagg attaches with an all-zero MAC until its first port lends
	// it one (if_lagg.c lagg_clone_create, read at 01b359d4); a vlan
	// until its parent is set.
	i.MAC = zeroMAC
	r.s.addIface(i)
	switch i.Kind {
	case KindLagg:
	case KindVLAN:
		if p := r.s.Ifaces[i.HN]; p != nil {
			i.MAC = p.MAC // a vlan on a parent has the parent's MAC
		}
	default:
		// bridge and tap make up an address of their own (if_bridge.c
		// bridge_clone_create, if_tuntap.c tuncreate: random); one per
		// index keeps outcomes reproducible.
		i.MAC = fmt.Sprintf("58:9c:fc:10:ff:%02x", i.Index&0xff)
	}
	r.i = i
	return nil
}

func (r *ifconfigRun) destroy() error {
	if r.i.Kind == KindHN || r.i.Kind == KindVF {
		return r.fail("SIOCIFDESTROY: Invalid argument")
	}
	r.s.removeIface(r.i.Name)
	r.i = &Iface{Name: r.i.Name} // later words act on a detached copy, like on a gone ifnet
	return nil
}

// dottedVLAN is if_vlan.c's second cloner match (vlan_clone_match_ethervid):
// PARENT.VID creates a vlan with tag VID on an existing PARENT, which is
// how network.subr childif_create makes vlans_IF's numbered children.
func (r *ifconfigRun) dottedVLAN(name string, i *Iface) bool {
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return false
	}
	parent := r.s.Ifaces[name[:dot]]
	vid, err := strconv.Atoi(name[dot+1:])
	if parent == nil || err != nil || vid < 1 || vid > 4094 {
		return false
	}
	i.Kind, i.HN = KindVLAN, parent.Name
	return true
}

func isUnit(name, prefix string) bool {
	_, ok := unit(name, prefix)
	return ok
}
