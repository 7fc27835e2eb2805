package apply

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
)

// observed is what the running system says about one lagg's interfaces.
// Every decision apply takes starts from it, never from what the last run
// is believed to have done.
type observed struct {
	lagg, hn, vf     *live.Interface // nil: the interface does not exist
	dhcpLagg, dhcpHN bool            // dhclient running there
}

// observe reads the interfaces of l (`ifconfig IF` each) and where dhclient
// runs (`service dhclient status IF`: rc.subr's pidfile check of
// /var/run/dhclient/dhclient.IF.pid).
func observe(ctx context.Context, r live.Runner, l render.Lagg) (*observed, error) {
	o := &observed{}
	var err error
	if o.hn, err = show(ctx, r, l.HN); err != nil {
		return nil, err
	}
	if o.hn == nil {
		// The NIC may carry the name an old ifconfig_hnN_name gave it at
		// boot (network.subr ifnet_rename); the rendered files keep its
		// driver name from the next boot on (render: chosen).
		return nil, fmt.Errorf("%s: interface does not exist (renamed at boot by ifconfig_%s_name? the rendered files keep its name from the next boot on: reboot, or rename it back with ifconfig NEW name %s)", l.HN, l.HN, l.HN)
	}
	if o.lagg, err = show(ctx, r, l.Name); err != nil {
		return nil, err
	}
	if l.VF != "" {
		if o.vf, err = show(ctx, r, l.VF); err != nil {
			return nil, err
		}
	}
	if o.dhcpHN, err = dhclientRunning(ctx, r, l.HN); err != nil {
		return nil, err
	}
	if l.DHCP && o.lagg != nil {
		if o.dhcpLagg, err = dhclientRunning(ctx, r, l.Name); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// show is live.Show with a missing interface as nil: a VF detached by live
// migration, or a lagg not created yet, is a state, not an error.
func show(ctx context.Context, r live.Runner, name string) (*live.Interface, error) {
	i, err := live.Show(ctx, r, name)
	if errors.Is(err, live.ErrNoInterface) {
		return nil, nil
	}
	return i, err
}

// dhclientRunning asks rc.d/dhclient. rc.subr's status prints "dhclient
// is running as pid N." and exits 0 when the pidfile names a running
// dhclient, else prints "dhclient is not running." and exits 1. Exit 1 is
// also how the script ends on any other failure, so only exit 1 with that
// line means "not running"; anything else is an error, never a guess (a
// guess let apply leave dhclient on hnN and still report success).
func dhclientRunning(ctx context.Context, r live.Runner, ifname string) (bool, error) {
	out, err := r.Run(ctx, live.Service, "dhclient", "status", ifname)
	var ce *live.CmdError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ce) && ce.ExitCode == 1 && strings.Contains(string(out), notRunning):
		return false, nil
	}
	return false, err
}

// notRunning is what rc.subr's status prints for a service without a
// running process (run_rc_command, status).
const notRunning = " is not running."

// ports returns the lagg's port names in order (none if i is no lagg).
func ports(i *live.Interface) []string {
	if i == nil || i.Lagg == nil {
		return nil
	}
	var out []string
	for _, p := range i.Lagg.Ports {
		out = append(out, p.Name)
	}
	return out
}

// master is the lagg's port flagged MASTER (failover's primary), or "".
func master(i *live.Interface) string {
	if i == nil || i.Lagg == nil {
		return ""
	}
	for _, p := range i.Lagg.Ports {
		if p.Master {
			return p.Name
		}
	}
	return ""
}

// hasLinkLocal says whether i has an IPv6 link-local address
// (in6ifa_llaonifp: what makes joining a lagg strip its IPv6).
func hasLinkLocal(i *live.Interface) bool {
	return i != nil && slices.ContainsFunc(i.Inet6, func(a live.Addr) bool { return isLinkLocal(a.Addr) })
}

func isLinkLocal(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	return err == nil && ip.IsLinkLocalUnicast()
}

// hasAddr says whether i carries s (mask ignored: the rendered value may
// give it as /len or netmask, ifconfig prints it as hex). An address netip
// cannot read (a host name ifconfig resolved) is compared as written: an
// address ifconfig prints that netip cannot read either is the one way the
// two can be equal (render/static.go says why such words are kept).
func hasAddr(i *live.Interface, s render.StaticAddr) bool {
	if i == nil {
		return false
	}
	for _, a := range append(append([]live.Addr{}, i.Inet...), i.Inet6...) {
		if ip, err := netip.ParseAddr(a.Addr); err == nil && s.Addr.IsValid() {
			if ip == s.Addr {
				return true
			}
		} else if a.Addr == s.Host() {
			return true
		}
	}
	return false
}

// routable lists the addresses that belong to the network configuration:
// every IPv4 address and the IPv6 ones that are not link-local (each
// interface keeps its own fe80::, which is not moved).
func routable(i *live.Interface) (inet, inet6 []live.Addr) {
	if i == nil {
		return nil, nil
	}
	for _, a := range i.Inet6 {
		if !isLinkLocal(a.Addr) {
			inet6 = append(inet6, a)
		}
	}
	return i.Inet, inet6
}
