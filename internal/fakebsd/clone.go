package fakebsd

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
	default:
		return r.fail("SIOCIFCREATE2 (%s): Invalid argument", name)
	}
	// A lagg attaches with an all-zero MAC until its first port lends
	// it one (if_lagg.c lagg_clone_create, read at 01b359d4); a vlan
	// until its parent is set.
	i.MAC = zeroMAC
	r.s.addIface(i)
	r.i = i
	return nil
}

func (r *ifconfigRun) destroy() error {
	if r.i.Kind != KindLagg && r.i.Kind != KindVLAN {
		return r.fail("SIOCIFDESTROY: Invalid argument")
	}
	r.s.removeIface(r.i.Name)
	r.i = &Iface{Name: r.i.Name} // later words act on a detached copy, like on a gone ifnet
	return nil
}

func isUnit(name, prefix string) bool {
	_, ok := unit(name, prefix)
	return ok
}
