package conformance

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// Metrics are what the base system's hyperv scripts and hvnetconf are
// compared on, measured on the emulated kernel after a boot and the VF
// events that follow it.
type Metrics struct {
	AddressMoves  int      // addresses removed from an hn after boot (moved to the lagg)
	Leases        int      // DHCP leases taken, boot included
	Renewals      int      // DHCPREQUESTs for a lease already held (dhclient on each link-up), boot included
	DhclientOnHN  []string // hn interfaces dhclient still runs on at the end
	LaggAddresses int      // IPv4 and IPv6 (not link-local) addresses on laggs at the end
	LaggPorts     []string // "lagg0: hn0 mce0" per lagg
}

// Mark is a point in the command log (see MetricsSince).
func (m *Machine) Mark() int { return len(m.Commands()) }

// MetricsSince measures the state now and the commands since mark.
func (m *Machine) MetricsSince(mark int) Metrics {
	st := m.State()
	var x Metrics
	for _, c := range st.Commands[mark:] {
		if c.Exit == 0 && removesHNAddress(c.Argv) {
			x.AddressMoves++
		}
	}
	for _, n := range st.Leases {
		x.Leases += n
	}
	for _, n := range st.Renewals {
		x.Renewals += n
	}
	for _, name := range slices.Sorted(maps.Keys(st.Ifaces)) {
		i := st.Ifaces[name]
		switch {
		case i.Kind == fakebsd.KindHN && st.Dhclient[name]:
			x.DhclientOnHN = append(x.DhclientOnHN, name)
		case i.Kind == fakebsd.KindLagg:
			x.LaggPorts = append(x.LaggPorts, name+": "+strings.Join(i.Ports, " "))
			x.LaggAddresses += len(i.Inet)
			for _, a := range i.Inet6 {
				if ip, err := netip.ParseAddr(a.Addr); err == nil && !ip.IsLinkLocalUnicast() {
					x.LaggAddresses++
				}
			}
		}
	}
	return x
}

// removesHNAddress: `ifconfig hnN [inet|inet6] [ADDR] -alias|delete`.
func removesHNAddress(argv []string) bool {
	if len(argv) < 3 || argv[0] != "ifconfig" || !strings.HasPrefix(argv[1], "hn") {
		return false
	}
	last := argv[len(argv)-1]
	return last == "-alias" || last == "delete"
}

// Row is the metrics as table cells.
func (x Metrics) Row() []string {
	dh := "no"
	if len(x.DhclientOnHN) > 0 {
		dh = strings.Join(x.DhclientOnHN, " ")
	}
	ports := strings.Join(x.LaggPorts, "; ")
	if ports == "" {
		ports = "(no lagg)"
	}
	return []string{fmt.Sprint(x.AddressMoves), fmt.Sprint(x.Leases), fmt.Sprint(x.Renewals), dh, fmt.Sprint(x.LaggAddresses), ports}
}
