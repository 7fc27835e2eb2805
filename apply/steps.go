package apply

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
)

// Step is one command that changes the system, and the commands that put
// back what it changed (run in order, after the files are restored).
type Step struct {
	Argv []string   `json:"argv"`
	Undo [][]string `json:"undo,omitempty"`
	// Partial: the command does several things and may have done some of
	// them when it fails (service netif start), so its undo runs even then.
	Partial bool `json:"-"`
	// Effect is what the kernel does besides, which the undo puts back
	// (a port joining a lagg loses its IPv6 addresses).
	Effect string `json:"effect,omitempty"`
	// strips: the interface whose IPv6 addresses this step removes
	// (predict takes them away for the phases after it).
	strips string
}

func (s Step) String() string { return strings.Join(s.Argv, " ") }

func ifconfig(args ...string) []string { return append([]string{live.Ifconfig}, args...) }
func service(args ...string) []string  { return append([]string{live.Service}, args...) }

func step(argv []string, undo ...[]string) Step { return Step{Argv: argv, Undo: undo} }

// phase decides the steps of one stage from a fresh observation. The
// phases run in this fixed order, each seeing what the previous did:
//
//  1. the lagg itself: created, failover, hnN its master (primary) port;
//  2. dhclient stopped on hnN;
//  3. hnN's addresses deleted (after dhclient, which may have removed some);
//  4. `service netif start laggN`: FreeBSD's own rc.d applies the rendered
//     ifconfig_laggN (addresses, IPv6, aliases, dhclient);
//  5. the VF, if attached: MTU first (lagg ports must agree), then port, up.
type phase func(l render.Lagg, o *observed, created bool) []Step

var phases = []phase{laggPhase, dhclientPhase, addrPhase, netifPhase, vfPhase}

func laggPhase(l render.Lagg, o *observed, _ bool) []Step {
	var out []Step
	switch {
	case o.lagg == nil && l.Clone != "":
		// Created under the name a cloner knows, renamed in the same
		// ifconfig(8) run, as netif does at boot (render: chosen).
		out = append(out, step(ifconfig(l.Clone, "create", "name", l.Name), ifconfig(l.Name, "destroy")))
	case o.lagg == nil:
		out = append(out, step(ifconfig(l.Name, "create"), ifconfig(l.Name, "destroy")))
	}
	if o.lagg == nil || o.lagg.Lagg == nil || o.lagg.Lagg.Proto != "failover" {
		s := step(ifconfig(l.Name, "laggproto", "failover"))
		if o.lagg != nil && o.lagg.Lagg != nil && o.lagg.Lagg.Proto != "" {
			s.Undo = [][]string{ifconfig(l.Name, "laggproto", o.lagg.Lagg.Proto)}
		}
		out = append(out, s)
	}
	if l.MTU > 0 && o.hn.MTU != l.MTU && !slices.Contains(ports(o.lagg), l.HN) {
		out = append(out, step(ifconfig(l.HN, "mtu", strconv.Itoa(l.MTU)), ifconfig(l.HN, "mtu", strconv.Itoa(o.hn.MTU))))
	}
	if !o.hn.HasFlag("UP") {
		out = append(out, step(ifconfig(l.HN, "up"), ifconfig(l.HN, "down")))
	}
	return append(out, portOrder(l, o.lagg, o.hn)...)
}

// portOrder makes hnN the lagg's master. Failover's master (primary) is
// the first port added, not the first one `ifconfig laggN` prints: ports
// are listed in interface-index order (if_lagg.c lagg_port_create), and a
// VF may have a lower index than its hn (an index freed and reused,
// if.c ifindex_alloc). So the MASTER flag decides. When another port is
// master, every port but hnN is taken out (the first one left, hnN,
// becomes the primary: lagg_port_destroy); the VF phase adds the VF back.
func portOrder(l render.Lagg, lagg, hn *live.Interface) []Step {
	if master(lagg) == l.HN {
		return nil
	}
	var out []Step
	for _, p := range ports(lagg) {
		if p != l.HN {
			out = append(out, step(ifconfig(l.Name, "-laggport", p), ifconfig(l.Name, "laggport", p)))
		}
	}
	if !slices.Contains(ports(lagg), l.HN) {
		out = append(out, joinStep(l.Name, hn))
	}
	return out
}

// joinStep adds port to lagg. A port with a link-local address loses
// every IPv6 address as it joins (if_lagg.c lagg_ioctl SIOCSLAGGPORT calls
// in6_ifdetach, 12.x and main), so the undo, after taking the port out,
// adds back each address the kernel removed, the link-local one included:
// a rollback leaves the port as it found it, not only without its own
// steps.
func joinStep(lagg string, port *live.Interface) Step {
	s := step(ifconfig(lagg, "laggport", port.Name), ifconfig(lagg, "-laggport", port.Name))
	if !hasLinkLocal(port) {
		return s
	}
	var addrs []string
	for _, a := range port.Inet6 {
		addr := a.Addr
		if isLinkLocal(addr) {
			addr += "%" + port.Name
		}
		s.Undo = append(s.Undo, ifconfig(port.Name, "inet6", addr, "prefixlen", strconv.Itoa(a.PrefixLen), "alias"))
		addrs = append(addrs, a.Addr)
	}
	s.Effect = fmt.Sprintf("the kernel removes %s's IPv6 addresses (%s) as it joins %s", port.Name, strings.Join(addrs, " "), lagg)
	s.strips = port.Name
	return s
}

// dhclientPhase stops dhclient on hnN. forcestop, not stop: rc.d/dhclient
// refuses to stop an interface rc.conf no longer calls DHCP (its
// dhclient_pre_check), and the rendered ifconfig_hnN is just "up". The
// undo runs after the old files are back, so plain start passes that check.
func dhclientPhase(l render.Lagg, o *observed, _ bool) []Step {
	if !o.dhcpHN {
		return nil
	}
	return []Step{step(service("dhclient", "forcestop", l.HN), service("dhclient", "start", l.HN))}
}

// addrPhase deletes hnN's addresses: laggN owns them from now on. Last
// first, so that a rollback, which undoes in reverse, adds them back in
// their order: the first IPv4 address of a subnet is the source FreeBSD
// picks for it (in.c in_aifaddr_ioctl appends each to the interface's
// list, and the subnet's route takes the first).
func addrPhase(l render.Lagg, o *observed, _ bool) []Step {
	inet, inet6 := routable(o.hn)
	var out []Step
	for _, a := range slices.Backward(inet) {
		out = append(out, step(ifconfig(l.HN, "inet", a.Addr, "-alias"), ifconfig(l.HN, "inet", a.String(), "alias")))
	}
	for _, a := range slices.Backward(inet6) {
		out = append(out, step(ifconfig(l.HN, "inet6", a.Addr, "-alias"), ifconfig(l.HN, "inet6", a.String(), "alias")))
	}
	return out
}

// netifPhase starts the lagg through rc.d/netif when its configuration is
// not live: a static address missing, or DHCP without dhclient. Undone by
// destroying the lagg when this run created it, else by taking back what
// netif added.
func netifPhase(l render.Lagg, o *observed, created bool) []Step {
	var missing []render.StaticAddr
	for _, s := range l.Static {
		if !hasAddr(o.lagg, s) {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 && (!l.DHCP || o.dhcpLagg) {
		return nil
	}
	s := step(service("netif", "start", l.Name))
	s.Partial = true
	if !created {
		for _, a := range missing {
			s.Undo = append(s.Undo, ifconfig(l.Name, a.Family, a.Host(), "-alias"))
		}
		if l.DHCP && !o.dhcpLagg {
			s.Undo = append(s.Undo, service("dhclient", "forcestop", l.Name))
		}
	}
	return []Step{s}
}

// vfPhase joins an attached VF. An absent VF (detached during host
// servicing) is a valid state: nothing to do.
func vfPhase(l render.Lagg, o *observed, _ bool) []Step {
	if o.vf == nil || slices.Contains(ports(o.lagg), l.VF) {
		return nil
	}
	return joinVF(l.Name, laggMTU(l, o), o.vf)
}

// laggMTU is the MTU the lagg has, or will have once hnN (its first port
// added, which lends it the MTU) is in.
func laggMTU(l render.Lagg, o *observed) int {
	switch {
	case o.lagg != nil && len(ports(o.lagg)) > 0:
		return o.lagg.MTU
	case l.MTU > 0:
		return l.MTU
	}
	return o.hn.MTU
}

// joinVF sets the VF's MTU to the lagg's (lagg(4) refuses a port with
// another MTU), adds it behind hnN and brings it up, which makes hn switch
// its datapath and emit VF_UP.
func joinVF(lagg string, mtu int, vf *live.Interface) []Step {
	var out []Step
	if mtu > 0 && vf.MTU != mtu {
		out = append(out, step(ifconfig(vf.Name, "mtu", strconv.Itoa(mtu)), ifconfig(vf.Name, "mtu", strconv.Itoa(vf.MTU))))
	}
	out = append(out, joinStep(lagg, vf))
	if !vf.HasFlag("UP") {
		out = append(out, step(ifconfig(vf.Name, "up"), ifconfig(vf.Name, "down")))
	}
	return out
}
