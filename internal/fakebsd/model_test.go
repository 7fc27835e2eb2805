package fakebsd

import (
	"bytes"
	"strings"
	"testing"
)

// The failover flags through a VF's life in non-transparent mode:
// hn master and active; VF up forces hn's link down so the VF is active
// and devd hears VF_UP; VF down gives hn its link back.
func TestLaggFlagsThroughVFLife(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggproto failover laggport hn0 laggport mce0 up")
	steps := []struct {
		cmd    string
		ports  string // laggport lines of `ifconfig lagg0`
		status string
		event  string // last event
	}{
		{"", "laggport: hn0 flags=5<MASTER,ACTIVE>\n\tlaggport: mce0 flags=0<>", "active", "system=ETHERNET subsystem=lagg0 type=IFATTACH"},
		{"ifconfig mce0 up", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=4<ACTIVE>", "active", "system=HYPERV_NIC_VF subsystem=hn0 type=VF_UP"},
		{"ifconfig mce0 down", "laggport: hn0 flags=5<MASTER,ACTIVE>\n\tlaggport: mce0 flags=0<>", "active", "system=HYPERV_NIC_VF subsystem=hn0 type=VF_DOWN"},
		{"ifconfig hn0 down", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=0<>", "no carrier", "system=HYPERV_NIC_VF subsystem=hn0 type=VF_DOWN"},
	}
	for _, st := range steps {
		if st.cmd != "" {
			if code, _, e := runAll(s, st.cmd); code != 0 {
				t.Fatalf("%s: %d %s", st.cmd, code, e)
			}
		}
		_, out, _ := runAll(s, "ifconfig lagg0")
		if !strings.Contains(out, "\t"+st.ports+"\n") || !strings.Contains(out, "\tstatus: "+st.status+"\n") {
			t.Errorf("after %q:\n%s\nwant ports %q, status %q", st.cmd, out, st.ports, st.status)
		}
		if got := s.Events[len(s.Events)-1]; got != st.event {
			t.Errorf("after %q: last event %q, want %q", st.cmd, got, st.event)
		}
	}
}

// Live migration: the VF disappears while active; it leaves the lagg and
// hn takes over with its link restored.
func TestDetachVFWhileActive(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggport hn0 laggport mce0 up", "ifconfig mce0 up")
	s.removeIface("mce0")
	_, out, _ := runAll(s, "ifconfig lagg0")
	if !strings.Contains(out, "\tlaggport: hn0 flags=5<MASTER,ACTIVE>\n\tgroups: lagg\n") {
		t.Errorf("after detach:\n%s", out)
	}
	want := []string{"system=HYPERV_NIC_VF subsystem=hn0 type=VF_DOWN", "system=ETHERNET subsystem=mce0 type=IFDETACH"}
	if got := s.Events[len(s.Events)-2:]; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events %q, want %q", got, want)
	}
	if s.Ifaces["hn0"].VF != "" || !s.hasLink(s.Ifaces["hn0"]) {
		t.Errorf("hn0 still paired or without link: %+v", s.Ifaces["hn0"])
	}
}

// Transparent mode: hn drives the VF; its link never drops, no VF events.
func TestTransparentVFUp(t *testing.T) {
	s := testState()
	s.Transparent = true
	runAll(s, "ifconfig hn0 up", "ifconfig mce0 up")
	if !s.hasLink(s.Ifaces["hn0"]) || len(s.Events) != 0 {
		t.Errorf("link %v, events %q", s.hasLink(s.Ifaces["hn0"]), s.Events)
	}
}

// The whole `ifconfig IF` output of a lagg with an address, exactly.
func TestIfconfigOutput(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up",
		"ifconfig lagg0 laggproto failover laggport hn0 laggport mce0 10.0.0.4/24 up",
		"ifconfig lagg0 inet6 fe80::1/64", "ifconfig lagg0 inet6 2001:db8::4/64")
	_, out, _ := runAll(s, "ifconfig lagg0")
	want := `lagg0: flags=1008843<UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST,LOWER_UP> metric 0 mtu 1500
	options=80000<LINKSTATE>
	ether 00:15:5d:00:00:04
	inet 10.0.0.4 netmask 0xffffff00 broadcast 10.0.0.255
	inet6 fe80::1%lagg0 prefixlen 64 scopeid 0x5
	inet6 2001:db8::4 prefixlen 64
	laggproto failover lagghash l2,l3,l4
	laggport: hn0 flags=5<MASTER,ACTIVE>
	laggport: mce0 flags=0<>
	groups: lagg
	media: Ethernet autoselect
	status: active
	nd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>
`
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	_, list, _ := runAll(s, "ifconfig -l")
	if list != "lo0 hn0 hn1 mce0 lagg0\n" {
		t.Errorf("ifconfig -l = %q", list)
	}
}

func TestSysctls(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(*State)
		want   map[string]string
		absent []string
	}{
		{"non-transparent, VF down", func(*State) {}, map[string]string{
			"hw.hn.vf_transparent": "0", "hw.hn.vflist": "mce0", "hw.hn.vfmap": "mce0:hn0",
			"dev.hn.0.vf": "mce0", "dev.hn.1.vf": "", "dev.hn.0.rxvf": "",
		}, []string{"dev.hn.0.vf_xpnt_enabled"}},
		{"VF up carries RX", func(s *State) { s.setUp(s.Ifaces["mce0"], true) }, map[string]string{"dev.hn.0.rxvf": "mce0"}, nil},
		{"transparent", func(s *State) { s.Transparent = true }, map[string]string{
			"hw.hn.vf_transparent": "1", "dev.hn.0.vf_xpnt_enabled": "1", "dev.hn.1.vf_xpnt_enabled": "0",
		}, []string{"dev.hn.0.rxvf"}},
		{"old kernel", func(s *State) { s.Kernel = Kernel{NoVFTransparent: true, NoVFList: true, NoVFMap: true} },
			map[string]string{"dev.hn.0.vf": "mce0"}, []string{"hw.hn.vf_transparent", "hw.hn.vflist", "hw.hn.vfmap"}},
		{"no VF", func(s *State) { s.removeIface("mce0") }, map[string]string{"hw.hn.vflist": "", "hw.hn.vfmap": "", "dev.hn.0.vf": ""}, nil},
		{"override", func(s *State) { s.Sysctls = map[string]string{"hw.hn.vflist": "mana0 mce0"} }, map[string]string{"hw.hn.vflist": "mana0 mce0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testState()
			tt.setup(s)
			got := s.sysctls()
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %q (present %v), want %q", k, g, ok, v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s present, want absent", k)
				}
			}
		})
	}
}

func TestServices(t *testing.T) {
	tests := []struct {
		name   string
		cmds   []string
		code   int
		stderr string
		dump   []string
	}{
		{"dhclient lease", []string{"ifconfig hn0 up", "service dhclient start hn0"}, 0, "", []string{"  inet 10.0.0.4/24", "dhclient hn0", "leases hn0 1"}},
		{"dhclient twice", []string{"service dhclient start hn0", "service dhclient start hn0"}, 1, "dhclient already running?  (pid=1002).\n", []string{"leases hn0 1\n"}},
		{"dhclient restart re-leases", []string{"service dhclient start hn0", "service dhclient stop hn0", "service dhclient start hn0"}, 0, "", []string{"leases hn0 2\n", "  inet 10.0.0.4/24\n"}},
		{"dhclient stop keeps address", []string{"service dhclient start hn0", "service dhclient stop hn0"}, 0, "", []string{"  inet 10.0.0.4/24\n"}},
		{"dhclient stop not running", []string{"service dhclient stop hn0"}, 1, "dhclient not running? (check /var/run/dhclient/dhclient.hn0.pid).\n", nil},
		{"dhclient no link no lease", []string{"service dhclient start mce0", "ifconfig mce0"}, 0, "", []string{"dhclient mce0"}},
		{"routing restart", []string{"service routing restart"}, 0, "", []string{"event service routing restart"}},
		{"devd restart", []string{"service devd restart"}, 0, "", []string{"event service devd restart"}},
		{"unknown service", []string{"service sshd restart"}, 1, "service: fakebsd: unsupported command: service sshd restart\n", []string{"unknown service sshd restart"}},
		{"unknown program", []string{"route add default 10.0.0.1"}, 1, "route: fakebsd: unsupported command: route add default 10.0.0.1\n", nil},
		{"netif start without rc.conf", []string{"service netif start hn0"}, 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testState()
			s.DHCP = map[string]string{"00:15:5d:00:00:04": "10.0.0.4/24"}
			code, _, stderr := runAll(s, tt.cmds...)
			if code != tt.code || stderr != tt.stderr {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, stderr, tt.code, tt.stderr)
			}
			for _, want := range tt.dump {
				if d := s.Dump(); !strings.Contains(d, want) {
					t.Errorf("dump lacks %q:\n%s", want, d)
				}
			}
		})
	}
}

func TestFailAt(t *testing.T) {
	s := testState()
	s.FailAt = 2
	var codes []int
	for range 3 {
		code, _, _ := runAll(s, "ifconfig hn0 up")
		codes = append(codes, code)
	}
	if codes[0] != 0 || codes[1] != 1 || codes[2] != 0 {
		t.Errorf("exit codes %v, want [0 1 0]", codes)
	}
	var e bytes.Buffer
	s.FailAt = 1
	s.run("ifconfig", []string{"hn0", "down"}, &e, &e, "")
	if e.String() != "ifconfig: injected failure (fakebsd FailAt)\n" || !s.Ifaces["hn0"].Up {
		t.Errorf("injected failure: %q, and the command must not have run (up=%v)", e.String(), s.Ifaces["hn0"].Up)
	}
	if n := len(s.Commands); n != 4 || s.Commands[1].Exit != 1 || s.Commands[3].Exit != 1 {
		t.Errorf("command log %+v", s.Commands)
	}
}
