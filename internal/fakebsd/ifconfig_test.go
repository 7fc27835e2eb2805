package fakebsd

import (
	"bytes"
	"maps"
	"strings"
	"testing"
)

// testState is hn0 (with VF mce0, down) and hn1 (mtu 9000), transparent off.
func testState() *State {
	s := newState()
	s.addIface(&Iface{Name: "lo0", Kind: KindLo, MTU: 16384, Up: true, Carrier: true})
	s.addIface(&Iface{Name: "hn0", Kind: KindHN, MAC: "00:15:5d:00:00:04", Carrier: true, VF: "mce0"})
	s.addIface(&Iface{Name: "hn1", Kind: KindHN, MAC: "00:15:5d:00:00:05", Carrier: true, MTU: 9000})
	s.addIface(&Iface{Name: "mce0", Kind: KindVF, MAC: "00:15:5d:00:00:04", Carrier: true, HN: "hn0"})
	s.Events = nil
	return s
}

// runAll runs each command line in turn, each as one change of the
// kernel (link events and dhclients follow, as in update), and returns
// the last one's result.
func runAll(s *State, lines ...string) (code int, stdout, stderr string) {
	for _, l := range lines {
		var o, e bytes.Buffer
		f := strings.Fields(l)
		change(s, func(s *State) { code = s.runKernel(f[0], f[1:], &o, &e, kernelPrograms[f[0]]) })
		stdout, stderr = o.String(), e.String()
	}
	return code, stdout, stderr
}

// change is update without the file: fn, then what follows from it.
func change(s *State, fn func(*State)) {
	before, held := s.links(), maps.Clone(s.Leased)
	fn(s)
	s.linkEvents(before)
	s.dhcpClients(before, held)
}

func TestIfconfigForms(t *testing.T) {
	tests := []struct {
		name   string
		cmds   []string
		code   int
		stderr string
		dump   []string // lines the state dump must contain
	}{
		{"list", []string{"ifconfig -l"}, 0, "", nil},
		{"create lagg", []string{"ifconfig lagg0 create"}, 0, "", []string{"iface lagg0 kind=lagg mac=00:00:00:00:00:00 mtu=1500 up=false link=false proto=failover", "event system=ETHERNET subsystem=lagg0 type=IFATTACH"}},
		{"create existing", []string{"ifconfig lagg0 create", "ifconfig lagg0 create"}, 1, "ifconfig: SIOCIFCREATE2 (lagg0): File exists\n", nil},
		{"create non-clone", []string{"ifconfig hn7 create"}, 1, "ifconfig: SIOCIFCREATE2 (hn7): Invalid argument\n", nil},
		{"destroy", []string{"ifconfig vlan5 create", "ifconfig vlan5 destroy"}, 0, "", []string{"event system=ETHERNET subsystem=vlan5 type=IFDETACH"}},
		{"destroy hn", []string{"ifconfig hn0 destroy"}, 1, "ifconfig: SIOCIFDESTROY: Invalid argument\n", nil},
		{"missing", []string{"ifconfig hn9 up"}, 1, "ifconfig: interface hn9 does not exist\n", nil},
		{"up mtu", []string{"ifconfig hn0 mtu 4000 up"}, 0, "", []string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=4000 up=true link=true vf=mce0"}},
		{"bad mtu", []string{"ifconfig hn0 mtu 20"}, 1, "ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n", nil},
		{"mtu needs arg", []string{"ifconfig hn0 mtu"}, 1, "ifconfig: 'mtu' requires argument\n", nil},
		{"inet cidr", []string{"ifconfig hn0 inet 10.0.0.4/24"}, 0, "", []string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=1500 up=true", "  inet 10.0.0.4/24"}},
		{"inet netmask", []string{"ifconfig hn0 inet 10.0.0.4 netmask 255.255.0.0"}, 0, "", []string{"  inet 10.0.0.4/16"}},
		{"inet hex netmask", []string{"ifconfig hn0 inet 10.0.0.4 netmask 0xfffffff0"}, 0, "", []string{"  inet 10.0.0.4/28"}},
		{"inet classful", []string{"ifconfig hn0 inet 172.16.0.4"}, 0, "", []string{"  inet 172.16.0.4/16"}},
		{"inet replaces first", []string{"ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet 10.0.0.9/24 alias", "ifconfig hn0 inet 10.0.0.5/24"}, 0, "", []string{"  inet 10.0.0.9/24\n  inet 10.0.0.5/24\n"}},
		{"inet -alias", []string{"ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet 10.0.0.4 -alias"}, 0, "", []string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=1500 up=true link=true vf=mce0\niface"}},
		{"inet delete missing", []string{"ifconfig hn0 inet 10.0.0.4 delete"}, 1, "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n", nil},
		{"inet6", []string{"ifconfig hn0 inet6 2001:db8::4 prefixlen 64", "ifconfig hn0 inet6 2001:db8::5/56 no_dad"}, 0, "", []string{"  inet6 2001:db8::4/64\n  inet6 2001:db8::5/56\n"}},
		{"inet6 -alias", []string{"ifconfig hn0 inet6 2001:db8::4/64", "ifconfig hn0 inet6 2001:db8::4 -alias"}, 0, "", nil},
		{"bare address is inet", []string{"ifconfig hn0 10.0.0.4/24"}, 0, "", []string{"  inet 10.0.0.4/24"}},
		{"family after other words", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0 inet 10.0.0.4/24"}, 1, "ifconfig: inet: bad value\n", []string{"  laggport hn0 flags=1"}},
		{"unknown word", []string{"ifconfig hn0 frobnicate"}, 1, "ifconfig: frobnicate: bad value\n", []string{"unknown ifconfig word frobnicate"}},
		{"unknown option", []string{"ifconfig -z"}, 1, "ifconfig: fakebsd: unsupported command: ifconfig -z\n", []string{"unknown ifconfig -z"}},
		{"capability words ignored", []string{"ifconfig hn0 -tso -lro up"}, 0, "", []string{"mtu=1500 up=true"}},
		{"laggproto", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto lacp"}, 0, "", []string{"proto=lacp"}},
		{"laggproto unknown", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto bogus"}, 1, "ifconfig: Invalid aggregation protocol: bogus\n", nil},
		{"laggproto on hn", []string{"ifconfig hn0 laggproto failover"}, 1, "ifconfig: SIOCSLAGG: Inappropriate ioctl for device\n", nil},
		{"laggport twice ignored", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg0 laggport hn0"}, 0, "", []string{"  laggport hn0 flags=1\n"}},
		{"laggport missing goes on", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn9 laggport hn0 up"}, 1, "ifconfig: lagg0 hn9: SIOCSLAGGPORT: Invalid argument\n", []string{"  laggport hn0 flags=1\n", "iface lagg0 kind=lagg mac=00:15:5d:00:00:04 mtu=1500 up=true"}},
		{"laggport mtu mismatch", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0 laggport hn1"}, 1, "ifconfig: lagg0 hn1: SIOCSLAGGPORT: Invalid argument\n", []string{"  laggport hn0 flags=1\niface"}},
		{"laggport of other lagg", []string{"ifconfig lagg0 create", "ifconfig lagg1 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg1 laggport hn0"}, 1, "ifconfig: lagg1 hn0: SIOCSLAGGPORT: Device busy\n", nil},
		{"-laggport", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg0 -laggport hn0"}, 0, "", []string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=1500 up=false link=true vf=mce0\n"}},
		{"-laggport not a port", []string{"ifconfig lagg0 create", "ifconfig lagg0 -laggport hn0"}, 1, "ifconfig: SIOCSLAGGDELPORT: No such file or directory\n", nil},
		{"lagg mtu reaches ports", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg0 mtu 9000"}, 0, "", []string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=9000"}},
		{"port refuses own mtu", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig hn0 mtu 9000"}, 1, "ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n", nil},
		// hn0 is not up, yet its link state is: so is the lagg's
		// (lagg_linkstate reads the ports' link state, not IFF_UP), while
		// no port is ACTIVE (LAGG_PORTACTIVE needs IFF_UP too).
		{"handbook one-liner", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0 10.0.0.4/24 up"}, 0, "", []string{"iface lagg0 kind=lagg mac=00:15:5d:00:00:04 mtu=1500 up=true link=true proto=failover\n  inet 10.0.0.4/24\n  laggport hn0 flags=1\n",
			"event system=IFNET subsystem=lagg0 type=LINK_UP"}},
		// The last port leaving takes the MAC with it (lagg_port_destroy).
		{"last port leaves", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg0 -laggport hn0"}, 0, "", []string{"iface lagg0 kind=lagg mac=00:00:00:00:00:00 mtu=1500 up=false link=false"}},
		// A port's MTU is fixed (lagg_port_ioctl), even to its own value.
		{"port refuses its own mtu value", []string{"ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig hn0 mtu 1500"}, 1, "ifconfig: ioctl SIOCSIFMTU (set mtu): Invalid argument\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testState()
			code, _, stderr := runAll(s, tt.cmds...)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.stderr)
			}
			dump := s.Dump()
			for _, want := range tt.dump {
				if !strings.Contains(dump, want) {
					t.Errorf("dump lacks %q:\n%s", want, dump)
				}
			}
		})
	}
}
