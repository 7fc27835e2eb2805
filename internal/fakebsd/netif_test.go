package fakebsd

import (
	"context"
	"strings"
	"testing"
)

// service netif start, evaluated from rc.conf under the root by the fake
// binary (through package rcconf), the way rc.d/netif would.
func TestNetifStart(t *testing.T) {
	tests := []struct {
		name    string
		rcconf  string
		cmds    [][]string
		wantErr string
		dump    []string
	}{
		{"lagg with DHCP, IPv6 and alias",
			`cloned_interfaces="lagg0"
ifconfig_hn0="up"
ifconfig_lagg0="laggproto failover laggport hn0 DHCP"
ifconfig_lagg0_ipv6="inet6 2001:db8::4/64"
ifconfig_lagg0_alias0="inet 10.0.0.5/32"
`, [][]string{{"service", "netif", "start", "hn0"}, {"service", "netif", "start", "lagg0"}}, "",
			[]string{"iface lagg0 kind=lagg mac=00:15:5d:00:00:04 mtu=1500 up=true link=true proto=failover\n  inet 10.0.0.5/32\n  inet 10.0.0.4/24\n  inet6 2001:db8::4/64\n  laggport hn0 flags=5\n",
				"dhclient lagg0\n", "leases lagg0 1\n"}},
		{"static, netmask form", `cloned_interfaces="lagg0"
ifconfig_hn0="up mtu 9000"
ifconfig_lagg0="laggproto failover laggport hn0 10.0.0.4 netmask 255.255.255.0"
`, [][]string{{"service", "netif", "start", "hn0"}, {"service", "netif", "start", "lagg0"}}, "",
			[]string{"iface lagg0 kind=lagg mac=00:15:5d:00:00:04 mtu=9000 up=true link=true proto=failover\n  inet 10.0.0.4/24\n"}},
		{"inet after laggport is a bad value", `cloned_interfaces="lagg0"
ifconfig_lagg0="laggproto failover laggport hn0 inet 10.0.0.4/24"
`, [][]string{{"service", "netif", "start", "lagg0"}}, "service netif start lagg0: exit status 1: ifconfig: inet: bad value", nil},
		{"dhclient needs a DHCP interface", `ifconfig_hn0="inet 10.0.0.4/24"`,
			[][]string{{"service", "dhclient", "start", "hn0"}}, "service dhclient start hn0: exit status 1", nil},
		{"all interfaces, NOAUTO skipped", `ifconfig_hn0="inet 10.0.0.4/24"
ifconfig_mce0="NOAUTO"
ifconfig_DEFAULT="SYNCDHCP"
`, [][]string{{"service", "netif", "start"}}, "",
			[]string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=1500 up=true link=true vf=mce0\n  inet 10.0.0.4/24\n",
				"iface mce0 kind=vf mac=00:15:5d:00:00:04 mtu=1500 up=false"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := rcHost(t, tt.rcconf)
			var err error
			for _, argv := range tt.cmds {
				if _, err = h.Runner().Run(context.Background(), argv...); err != nil {
					break
				}
			}
			if (err == nil) != (tt.wantErr == "") || err != nil && !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			d := h.Dump()
			for _, want := range tt.dump {
				if !strings.Contains(d, want) {
					t.Errorf("dump lacks %q:\n%s", want, d)
				}
			}
		})
	}
}
