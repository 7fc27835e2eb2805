//go:build fakebsd

package fakebsd

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The failover flags and the lagg's link through a VF's life in
// non-transparent mode: hn master and active; VF up forces hn's link down
// at once while the VF's carrier comes later, so the lagg is without link
// in between (LINK_DOWN, then LINK_UP: devd's LINK_UP rule runs dhclient
// on the lagg); VF down gives hn its link back only when its link task
// ran, so the lagg flaps again.
func TestLaggFlagsThroughVFLife(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggproto failover laggport hn0 laggport mce0 up")
	steps := []struct {
		cmd    string // "" : let the kernel's pending work run
		ports  string // laggport lines of `ifconfig lagg0`
		status string
		events []string // lagg0's link events and the VF events, in order
	}{
		{"ifconfig mce0 up", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=0<>", "no carrier",
			[]string{"HYPERV_NIC_VF hn0 VF_UP", "IFNET lagg0 LINK_DOWN"}},
		{"", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=4<ACTIVE>", "active", []string{"IFNET lagg0 LINK_UP"}},
		{"ifconfig mce0 down", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=0<>", "no carrier",
			[]string{"HYPERV_NIC_VF hn0 VF_DOWN", "IFNET lagg0 LINK_DOWN"}},
		{"", "laggport: hn0 flags=5<MASTER,ACTIVE>\n\tlaggport: mce0 flags=0<>", "active", []string{"IFNET lagg0 LINK_UP"}},
		{"ifconfig hn0 down", "laggport: hn0 flags=1<MASTER>\n\tlaggport: mce0 flags=0<>", "no carrier", nil},
	}
	for _, st := range steps {
		s.Events = nil
		if st.cmd == "" {
			elapse(s)
		} else if code, _, e := runAll(s, st.cmd); code != 0 {
			t.Fatalf("%s: %d %s", st.cmd, code, e)
		}
		got := laggEvents(s.Events, "lagg0")
		_, out, _ := runAll(s, "ifconfig lagg0")
		if !strings.Contains(out, "\t"+st.ports+"\n") || !strings.Contains(out, "\tstatus: "+st.status+"\n") {
			t.Errorf("after %q:\n%s\nwant ports %q, status %q", st.cmd, out, st.ports, st.status)
		}
		if !slices.Equal(got, st.events) {
			t.Errorf("after %q: events %q, want %q", st.cmd, got, st.events)
		}
	}
}

// laggEvents are the HYPERV_NIC_VF events and lagg's IFNET link events, as
// "SYSTEM SUBSYSTEM TYPE".
func laggEvents(events []string, lagg string) []string {
	var out []string
	for _, e := range events {
		var sys, sub, typ string
		fmt.Sscanf(strings.NewReplacer("system=", "", "subsystem=", "", "type=", "").Replace(e), "%s %s %s", &sys, &sub, &typ)
		if sys == "HYPERV_NIC_VF" || sys == "IFNET" && sub == lagg && strings.HasPrefix(typ, "LINK_") {
			out = append(out, sys+" "+sub+" "+typ)
		}
	}
	return out
}

// A host network change (hn_netchg_init_taskfunc): hn fakes a link-down
// of 5 s, and its lagg loses link with it when the VF is away.
func TestNetworkChange(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggport hn0 up")
	s.Events = nil
	change(s, func(s *State) { s.NetworkChange("hn0") })
	if got := laggEvents(s.Events, "lagg0"); !slices.Equal(got, []string{"IFNET lagg0 LINK_DOWN"}) {
		t.Errorf("events %q", got)
	}
	if at, ok := s.NextTimer(); !ok || time.Until(at) < 4*time.Second {
		t.Errorf("the link should come back after about 5 s: %v %v", at, ok)
	}
	s.Events = nil
	elapse(s)
	if got := laggEvents(s.Events, "lagg0"); !slices.Equal(got, []string{"IFNET lagg0 LINK_UP"}) {
		t.Errorf("events %q", got)
	}
}

// Live migration: the VF disappears while active; it leaves the lagg and
// hn takes over once its link task ran.
func TestDetachVFWhileActive(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggport hn0 laggport mce0 up", "ifconfig mce0 up")
	elapse(s)
	s.Events = nil
	change(s, func(s *State) { s.removeIface("mce0") })
	want := []string{"system=HYPERV_NIC_VF subsystem=hn0 type=VF_DOWN", "system=ETHERNET subsystem=mce0 type=IFDETACH", "system=IFNET subsystem=mce0 type=DETACH",
		"system=IFNET subsystem=lagg0 type=LINK_DOWN"}
	if !slices.Equal(s.Events, want) {
		t.Errorf("events %q, want %q", s.Events, want)
	}
	elapse(s)
	_, out, _ := runAll(s, "ifconfig lagg0")
	if !strings.Contains(out, "\tlaggport: hn0 flags=5<MASTER,ACTIVE>\n\tgroups: lagg\n") {
		t.Errorf("after detach:\n%s", out)
	}
	if s.Ifaces["hn0"].VF != "" || !s.hasLink(s.Ifaces["hn0"]) {
		t.Errorf("hn0 still paired or without link: %+v", s.Ifaces["hn0"])
	}
}

// Ports are kept in interface-index order while the primary stays the
// first port added (lagg_port_create); a freed index is reused
// (ifindex_alloc), so a VF can sort before its hn. When the primary
// leaves, the first port left takes over.
func TestPortOrderIsNotMastership(t *testing.T) {
	s := testState()
	change(s, func(s *State) { s.removeIface("hn1") }) // index 3 is free again
	change(s, func(s *State) {
		s.addIface(&Iface{Name: "hn2", Kind: KindHN, MAC: "00:15:5d:00:00:06", Carrier: true, VF: "mce2"})
		s.addIface(&Iface{Name: "mce2", Kind: KindVF, MAC: "00:15:5d:00:00:06", Carrier: true, HN: "hn2"})
	})
	if hn, vf := s.Ifaces["hn2"].Index, s.Ifaces["mce2"].Index; hn != 3 || vf != 5 {
		t.Fatalf("indexes hn2 %d, mce2 %d; want 3 and 5", hn, vf)
	}
	change(s, func(s *State) { s.removeIface("hn2") })
	change(s, func(s *State) { // hn1 comes back: it gets index 3, below mce2
		s.addIface(&Iface{Name: "hn1", Kind: KindHN, MAC: "00:15:5d:00:00:06", Carrier: true, VF: "mce2"})
		s.Ifaces["mce2"].HN = "hn1"
	})
	runAll(s, "ifconfig lagg0 create", "ifconfig lagg0 laggport mce2", "ifconfig lagg0 -laggport mce2",
		"ifconfig lagg0 laggport hn1 laggport mce2 up", "ifconfig hn1 up")
	_, out, _ := runAll(s, "ifconfig lagg0")
	if !strings.Contains(out, "\tlaggport: hn1 flags=5<MASTER,ACTIVE>\n\tlaggport: mce2 flags=0<>\n") {
		t.Errorf("hn1 (index 3) first and master:\n%s", out)
	}
	runAll(s, "ifconfig lagg1 create", "ifconfig lagg1 laggport hn0", "ifconfig lagg1 laggport lo0", "ifconfig lagg0 -laggport hn1",
		"ifconfig lagg0 laggport hn1")
	_, out, _ = runAll(s, "ifconfig lagg0")
	if !strings.Contains(out, "\tlaggport: hn1 flags=4<ACTIVE>\n\tlaggport: mce2 flags=1<MASTER>\n") {
		t.Errorf("hn1 re-added prints first but mce2, left alone, is the master now:\n%s", out)
	}
}

// Joining a lagg strips a port's IPv6 when it has a link-local address
// (lagg_ioctl SIOCSLAGGPORT → in6_ifdetach), and only then.
func TestJoinStripsIPv6(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig hn0 up", "ifconfig hn0 inet6 2001:db8::4/64", "ifconfig hn1 inet6 2001:db8::5/64", "ifconfig hn1 inet6 ifdisabled")
	if ll := linkLocal(s.Ifaces["hn0"]); ll != "fe80::215:5dff:fe00:4" {
		t.Fatalf("adding an address enables IPv6 and, hn0 being up, its link-local: %q", ll)
	}
	if ll := linkLocal(s.Ifaces["hn1"]); ll != "" {
		t.Fatalf("hn1 is down: no link-local yet, got %q", ll)
	}
	runAll(s, "ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg1 create", "ifconfig lagg1 laggport hn1")
	if a := s.Ifaces["hn0"].Inet6; len(a) != 0 {
		t.Errorf("hn0 kept %v", a)
	}
	if a := s.Ifaces["hn1"].Inet6; len(a) != 1 {
		t.Errorf("hn1 had no link-local and keeps its address: %v", a)
	}
	if len(s.Messages) != 1 || !strings.Contains(s.Messages[0], "IPv6 addresses on hn0 have been removed") {
		t.Errorf("kernel messages %q", s.Messages)
	}
}

// ND6_IFF_IFDISABLED is set at attach; `inet6 -ifdisabled` on an up
// interface with auto link-local gives it its link-local address.
func TestND6Flags(t *testing.T) {
	s := testState()
	runAll(s, "ifconfig lagg0 create", "ifconfig lagg0 laggport hn0 up")
	_, out, _ := runAll(s, "ifconfig lagg0")
	if !strings.Contains(out, "\tnd6 options=29<PERFORMNUD,IFDISABLED,AUTO_LINKLOCAL>\n") || strings.Contains(out, "fe80") {
		t.Errorf("a new lagg has IPv6 disabled:\n%s", out)
	}
	runAll(s, "ifconfig lagg0 inet6 -ifdisabled")
	_, out, _ = runAll(s, "ifconfig lagg0 inet6")
	want := "\tinet6 fe80::215:5dff:fe00:4%lagg0 prefixlen 64 scopeid 0x5\n"
	if !strings.Contains(out, want) || !strings.Contains(out, "nd6 options=21<PERFORMNUD,AUTO_LINKLOCAL>") {
		t.Errorf("after -ifdisabled:\n%s", out)
	}
}

// The lagg's MTU: 12.x refuses a change (lagg_ioctl SIOCSIFMTU), main
// passes it to every port.
func TestLaggMTUByRelease(t *testing.T) {
	for _, tt := range []struct {
		release string
		code    int
		mtu     int
	}{{"12.1", 1, 1500}, {"", 0, 9000}} {
		s := testState()
		s.Release = tt.release
		code, _, _ := runAll(s, "ifconfig lagg0 create", "ifconfig lagg0 laggport hn0", "ifconfig lagg0 mtu 9000")
		if code != tt.code || s.Ifaces["hn0"].MTU != tt.mtu || s.Ifaces["lagg0"].MTU != tt.mtu {
			t.Errorf("release %q: exit %d, hn0 mtu %d, lagg0 mtu %d; want %d, %d", tt.release, code, s.Ifaces["hn0"].MTU, s.Ifaces["lagg0"].MTU, tt.code, tt.mtu)
		}
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
		"ifconfig lagg0 inet6 -auto_linklocal", "ifconfig lagg0 inet6 fe80::1/64", "ifconfig lagg0 inet6 2001:db8::4/64")
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
	nd6 options=1<PERFORMNUD>
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

// The kernel programs the rc scripts call besides ifconfig: route(8)
// with its reachability check, sysctl(8) writes, kldstat/kldload, and
// the `ifconfig IF -alias` and `ifconfig -l` forms network.subr and the
// base hyperv scripts rely on. (dhclient, service(8) and the daemons run
// only in a sandbox: internal/conformance tests them with FreeBSD's
// rc.d/dhclient.)
func TestKernelPrograms(t *testing.T) {
	tests := []struct {
		name   string
		cmds   []string
		code   int
		stdout string
		stderr string
		dump   []string
	}{
		{"route unreachable gateway", []string{"route add default 10.0.0.1"}, 1, "add host default: gateway 10.0.0.1 fib 0: Network is unreachable\n",
			"route: writing to routing socket: Network is unreachable\n", nil},
		{"route via an address on hn0", []string{"ifconfig hn0 inet 10.0.0.4/24", "route add default 10.0.0.1"}, 0, "add host default: gateway 10.0.0.1\n", "", nil},
		{"route twice", []string{"ifconfig hn0 inet 10.0.0.4/24", "route add default 10.0.0.1", "route add default 10.0.0.1"}, 1,
			"add host default: gateway 10.0.0.1 fib 0: route already in table\n", "route: writing to routing socket: File exists\n", nil},
		{"route -interface missing", []string{"route add -net 10.1.0.0/16 -interface lagg0"}, 1, "add net 10.1.0.0/16: gateway lagg0 fib 0: Network is unreachable\n",
			"route: writing to routing socket: Network is unreachable\n", nil},
		{"route scoped inet6", []string{"route add -inet6 default fe80::1%hn0"}, 0, "add host default: gateway fe80::1\n", "", nil},
		{"sysctl write", []string{"sysctl net.inet.ip.forwarding=1", "sysctl -n net.inet.ip.forwarding"}, 0, "1\n", "", nil},
		{"sysctl tunable", []string{"sysctl hw.hn.vf_transparent=1"}, 1, "", "sysctl: oid 'hw.hn.vf_transparent' is read only\n", nil},
		{"kldload then kldstat", []string{"kldload if_lagg", "kldstat -q -m if_lagg"}, 0, "", "", nil},
		{"kldstat not loaded", []string{"kldstat -q -m if_bridge"}, 1, "", "", nil},
		{"-alias removes the first address", []string{"ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet 10.0.0.5/32 alias", "ifconfig hn0 -alias"}, 0, "", "",
			[]string{"iface hn0 kind=hn mac=00:15:5d:00:00:04 mtu=1500 up=true link=true vf=mce0\n  inet 10.0.0.5/32\n"}},
		{"-alias with no address left", []string{"ifconfig hn0 -alias"}, 1, "", "ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n", nil},
		{"list up only", []string{"ifconfig hn1 up", "ifconfig -ul"}, 0, "lo0 hn1\n", "", nil},
		{"list down, ether", []string{"ifconfig -d -l ether"}, 0, "hn0 hn1 mce0\n", "", nil},
		{"-n is accepted", []string{"ifconfig -n hn1 up"}, 0, "", "", nil},
		{"unknown route verb", []string{"route monitor"}, 1, "", "route: fakebsd: unsupported command: route monitor\n", []string{"unknown route monitor"}},
		{"pciconf -l: the VF's function, mlx5_core attached", []string{"pciconf -l"}, 0,
			"mlx5_core0@pci1:0:2:0:\tclass=0x020000 rev=0x00 hdr=0x00 vendor=0x15b3 device=0x1016 subvendor=0x15b3 subdevice=0x0000\n", "", nil},
		{"pciconf without -l", []string{"pciconf -r pci0:0:0:0 0"}, 1, "", "pciconf: fakebsd: unsupported command: pciconf -r pci0:0:0:0 0\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testState()
			code, stdout, stderr := runAll(s, tt.cmds...)
			if code != tt.code || stdout != tt.stdout || stderr != tt.stderr {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, stdout, stderr, tt.code, tt.stdout, tt.stderr)
			}
			for _, want := range tt.dump {
				if d := s.Dump(); !strings.Contains(d, want) {
					t.Errorf("dump lacks %q:\n%s", want, d)
				}
			}
		})
	}
}

// Link changes are devd events: an hn losing link while its VF is up
// (non-transparent), the VF gaining it once its carrier came (through
// the real programs: the kernel's timer runs when the state is next read).
func TestLinkEvents(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:04")
	h.AttachVF("hn0", "mce0")
	h.ClearLogs()
	if _, err := h.Runner().Run(context.Background(), "ifconfig", "mce0", "up"); err != nil {
		t.Fatal(err)
	}
	want := []string{"system=HYPERV_NIC_VF subsystem=hn0 type=VF_UP", "system=IFNET subsystem=hn0 type=LINK_DOWN"}
	if got := h.Events(); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	h.RunTimers()
	want = append(want, "system=IFNET subsystem=mce0 type=LINK_UP")
	if got := h.Events(); !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
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
	s.runKernel("ifconfig", []string{"hn0", "down"}, &e, &e, (*State).ifconfig)
	if e.String() != "ifconfig: injected failure (fakebsd FailAt)\n" || !s.Ifaces["hn0"].Up {
		t.Errorf("injected failure: %q, and the command must not have run (up=%v)", e.String(), s.Ifaces["hn0"].Up)
	}
	if n := len(s.Commands); n != 4 || s.Commands[1].Exit != 1 || s.Commands[3].Exit != 1 {
		t.Errorf("command log %+v", s.Commands)
	}
}

// elapse lets every pending kernel timer run now, as if its time had come.
func elapse(s *State) {
	for k := range s.Timers {
		s.Timers[k].At = 0
	}
	s.settle()
}

// A function the host offers with no driver is none<N>, numbered apart
// from the attached ones (pciconf.c list_devs), after the VFs' own.
func TestPciconfDriverless(t *testing.T) {
	s := testState()
	s.PCI = append(s.PCI, PCIFunc{Driver: "none", Vendor: 0x1414, Device: 0xba}, PCIFunc{Driver: "none", Vendor: 0x15b3, Device: 0x101a})
	code, stdout, _ := runAll(s, "pciconf -l")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[1], "none0@pci2:0:2:0:\tclass=0x020000 ") ||
		!strings.Contains(lines[1], "vendor=0x1414 device=0x00ba") || !strings.HasPrefix(lines[2], "none1@pci3:0:2:0:") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}
