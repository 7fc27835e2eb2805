package live

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Outputs in the shape FreeBSD 13/14 prints them (sbin/ifconfig: status(),
// af_inet.c, af_inet6.c, iflagg.c lagg_status()).
const hn0Out = `hn0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
	options=8051b<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,TSO4,LRO,LINKSTATE>
	ether 00:15:5d:00:00:04
	inet 10.0.0.4 netmask 0xffffff00 broadcast 10.0.0.255
	inet 10.0.0.5 netmask 0xffffffff broadcast 10.0.0.5
	inet6 fe80::215:5dff:fe00:4%hn0 prefixlen 64 scopeid 0x2
	inet6 2001:db8::4 prefixlen 64
	media: Ethernet autoselect (10Gbase-T <full-duplex>)
	status: active
	nd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>
`

const lagg0Out = `lagg0: flags=8843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST> metric 0 mtu 9000
	options=80000<LINKSTATE>
	ether 00:15:5d:00:00:04
	inet 192.168.1.10 netmask 0xfffffc00 broadcast 192.168.3.255
	laggproto failover lagghash l2,l3,l4
	laggport: hn0 flags=1<MASTER>
	laggport: mce10 flags=4<ACTIVE>
	laggport: mce1 flags=0<>
	groups: lagg
	media: Ethernet autoselect
	status: active
	nd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>
`

const mce0Out = `mce0: flags=8802<BROADCAST,SIMPLEX,MULTICAST> metric 0 mtu 1500
	options=7ef07bb<RXCSUM,TXCSUM,VLAN_MTU,VLAN_HWTAGGING,JUMBO_MTU,VLAN_HWCSUM,TSO4,TSO6,LRO,VLAN_HWFILTER,VLAN_HWTSO,LINKSTATE,RXCSUM_IPV6,TXCSUM_IPV6,HWRXTSTMP,NOMAP,TXTLS4,TXTLS6,VXLAN_HWCSUM,VXLAN_HWTSO,TXTLS_RTLMT>
	ether 00:15:5d:00:00:04
	media: Ethernet autoselect <full-duplex,rxpause,txpause>
	status: no carrier
	nd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>
`

func TestParseIfconfig(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want *Interface
	}{
		{"hn with addresses", hn0Out, &Interface{
			Name:   "hn0",
			Flags:  []string{"UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST", "LOWER_UP"},
			MTU:    1500,
			MAC:    "00:15:5d:00:00:04",
			Inet:   []Addr{{"10.0.0.4", 24}, {"10.0.0.5", 32}},
			Inet6:  []Addr{{"fe80::215:5dff:fe00:4", 64}, {"2001:db8::4", 64}},
			Status: "active",
		}},
		{"lagg with ports", lagg0Out, &Interface{
			Name:   "lagg0",
			Flags:  []string{"UP", "BROADCAST", "RUNNING", "SIMPLEX", "MULTICAST"},
			MTU:    9000,
			MAC:    "00:15:5d:00:00:04",
			Inet:   []Addr{{"192.168.1.10", 22}},
			Status: "active",
			Lagg: &Lagg{Proto: "failover", Ports: []Port{
				{Name: "hn0", Flags: 1, Master: true},
				{Name: "mce10", Flags: 4, Active: true},
				{Name: "mce1", Flags: 0},
			}},
		}},
		{"down VF", mce0Out, &Interface{
			Name:   "mce0",
			Flags:  []string{"BROADCAST", "SIMPLEX", "MULTICAST"},
			MTU:    1500,
			MAC:    "00:15:5d:00:00:04",
			Status: "no carrier",
		}},
		{"no flags names, no status", "lo1: flags=0<> metric 0 mtu 16384\n", &Interface{Name: "lo1", MTU: 16384}},
		{"stops at the next interface", hn0Out + mce0Out, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIfconfig([]byte(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == nil {
				tt.want, _ = parseIfconfig([]byte(hn0Out))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseIfconfigErrors(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{"empty", "", "ifconfig output: empty"},
		{"no header", "\tether 00:15:5d:00:00:04\n", `ifconfig output:1: want "NAME: flags=…", got "\tether 00:15:5d:00:00:04"`},
		{"bad flags", "hn0: flags=zz<UP> metric 0 mtu 1500\n", `ifconfig output:1: bad flags "zz<UP>"`},
		{"bad mtu", "hn0: flags=1<UP> metric 0 mtu big\n", `ifconfig output:1: bad mtu "big"`},
		{"bad netmask", "hn0: flags=1<UP> mtu 1500\n\tinet 10.0.0.4 netmask 0xff00ff00\n", `ifconfig output:2: bad netmask "0xff00ff00"`},
		{"bad prefixlen", "hn0: flags=1<UP> mtu 1500\n\tinet6 ::1 prefixlen 200\n", `ifconfig output:2: bad prefixlen "200"`},
		{"bad laggport", "lagg0: flags=1<UP> mtu 1500\n\tlaggport: hn0\n", `ifconfig output:2: want "laggport: IF flags=…", got "laggport: hn0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseIfconfig([]byte(tt.out))
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %s", err, tt.want)
			}
			if c := sysexits.Code(err); c != sysexits.DataErr {
				t.Errorf("code = %d, want %d", c, sysexits.DataErr)
			}
		})
	}
}

// A substring search would find mce1 in "mce10": Port must not.
func TestLaggPortExactName(t *testing.T) {
	ifc, err := parseIfconfig([]byte(lagg0Out))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		found  bool
		active bool
	}{{"mce10", true, true}, {"mce1", true, false}, {"mce", false, false}, {"hn", false, false}, {"mce100", false, false}} {
		p, ok := ifc.Lagg.Port(tt.name)
		if ok != tt.found || p.Active != tt.active || (ok && p.Name != tt.name) {
			t.Errorf("Port(%q) = %+v, %v", tt.name, p, ok)
		}
	}
	if _, ok := (*Lagg)(nil).Port("hn0"); ok {
		t.Error("nil lagg has a port")
	}
}

type answer string

func (a answer) Run(context.Context, ...string) ([]byte, error) { return []byte(a), nil }

// Output Show cannot read is the command failing (exit 1), not bad input.
func TestShowUnreadableExitsOne(t *testing.T) {
	_, err := Show(context.Background(), answer("lagg0: flags=zz<UP> mtu 1500\n"), "lagg0")
	if sysexits.Code(err) != sysexits.Failure || !strings.Contains(err.Error(), "ifconfig lagg0: ifconfig output:1: bad flags") {
		t.Errorf("got %v (exit %d), want exit 1 naming the command and the line", err, sysexits.Code(err))
	}
}
