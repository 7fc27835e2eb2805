package fakebsd

import (
	"fmt"
	"slices"
)

// laggProtos are the protocols ifconfig knows (net/if_lagg.h LAGG_PROTOS).
var laggProtos = map[string]bool{
	"failover": true, "lacp": true, "loadbalance": true, "roundrobin": true, "broadcast": true, "none": true,
}

func (r *ifconfigRun) laggProto(p string) error {
	if !laggProtos[p] {
		return r.fail("Invalid aggregation protocol: %s", p)
	}
	if r.i.Kind != KindLagg {
		return r.fail("SIOCSLAGG: Inappropriate ioctl for device")
	}
	r.i.Proto = p
	return nil
}

// laggPort adds a port as if_lagg.c lagg_ioctl SIOCSLAGGPORT and
// lagg_port_create do (read at 01b359d4, a 12.x-era file):
// EEXIST (already ours) is ignored by ifconfig; any other failure is a
// warning and exit status 1, and the remaining words still run (iflagg.c
// setlaggport). A port with a link-local address loses its IPv6 first
// (in6JoinLagg). The first port becomes the primary (MASTER) and lends
// the lagg its MTU and MAC; every port is kept in interface-index order,
// so the primary is not necessarily the first one printed.
func (r *ifconfigRun) laggPort(p string) {
	l := r.i
	if l.Kind != KindLagg {
		r.warn("%s %s: SIOCSLAGGPORT: Inappropriate ioctl for device", l.Name, p)
		return
	}
	pi := r.s.Ifaces[p]
	if pi != nil {
		r.s.in6JoinLagg(l, pi) // before lagg_port_create, whatever it answers
	}
	switch {
	case pi == nil || pi.Kind == KindLagg:
		r.warn("%s %s: SIOCSLAGGPORT: Invalid argument", l.Name, p)
	case pi.PortOf == l.Name:
		// already a port: EEXIST, ignored
	case pi.PortOf != "":
		r.warn("%s %s: SIOCSLAGGPORT: Device busy", l.Name, p)
	case pi.Kind == KindLo:
		r.warn("%s %s: SIOCSLAGGPORT: Protocol not supported", l.Name, p)
	case len(l.Ports) > 0 && pi.MTU != l.MTU:
		// lagg(4): "All additional interfaces are required to have exactly
		// the same value"; the kernel logs "lagg0: invalid MTU for mce0".
		r.s.Messages = append(r.s.Messages, fmt.Sprintf("%s: invalid MTU for %s", l.Name, p))
		r.warn("%s %s: SIOCSLAGGPORT: Invalid argument", l.Name, p)
	default:
		if len(l.Ports) == 0 {
			l.MTU, l.MAC, l.Primary = pi.MTU, pi.MAC, p
		}
		k := len(l.Ports)
		for j, q := range l.Ports {
			if qi := r.s.Ifaces[q]; qi != nil && qi.Index > pi.Index {
				k = j
				break
			}
		}
		l.Ports = slices.Insert(l.Ports, k, p)
		pi.PortOf = l.Name
	}
}

func (r *ifconfigRun) laggDelPort(p string) error {
	pi := r.s.Ifaces[p]
	switch {
	case r.i.Kind != KindLagg:
		return r.fail("SIOCSLAGGDELPORT: Inappropriate ioctl for device")
	case pi == nil:
		return r.fail("SIOCSLAGGDELPORT: Invalid argument")
	case pi.PortOf != r.i.Name:
		return r.fail("SIOCSLAGGDELPORT: No such file or directory")
	}
	r.s.removePort(r.i, p)
	return nil
}
