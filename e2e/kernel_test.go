package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// TestVFBelowHN: mce0 attached before hn0, so it has the lower interface
// index and `ifconfig lagg0` prints it first (if_lagg.c lagg_port_create
// keeps ports in index order), while hn0, added first by netif, is the
// master. Every devd handler succeeds, mce0 joins as the active port, and
// apply and check find the host converged.
func TestVFBelowHN(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := firstbootVF(t, tree, true)
		lagg := h.iface("lagg0")
		for _, want := range []string{"laggport mce0 flags=4", "laggport hn0 flags=1"} {
			if !strings.Contains(lagg, want) {
				t.Errorf("lagg0 lacks %q:\n%s", want, lagg)
			}
		}
		for _, e := range h.Handled() {
			if strings.Contains(e.Action, "/usr/local/sbin/hvnetconf") && e.Exit != 0 {
				t.Errorf("a handler failed: %+v", e)
			}
		}
		assertSecondApplyReads(t, h)
		if r := h.run("check"); r.code != 0 {
			t.Errorf("check: exit %d\n%s", r.code, r.stdout)
		}
	})
}

// TestDualStackRollbackKeepsIPv6: hn0 has IPv6 (its link-local address
// too), so FreeBSD strips all of it as hn0 joins lagg0 (SIOCSLAGGPORT →
// in6_ifdetach). A failure after that phase must leave hn0 with every
// IPv6 address it had: the undo adds back what the kernel removed.
func TestDualStackRollbackKeepsIPv6(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := bootedHost(t, tree, dualRC, "inet6 2001:db8::4/64")
		before := h.iface("hn0")
		if !strings.Contains(before, "inet6 fe80::") {
			t.Fatalf("setup: hn0 has no link-local address:\n%s", before)
		}
		runtime, mark := h.runtime(), len(h.Commands())
		h.Update(func(s *fakebsd.State) { s.FailOn = "service netif start lagg0" })
		r := h.run("apply")
		if r.code != 1 || !strings.Contains(r.stderr, "service netif start lagg0") {
			t.Fatalf("apply: exit %d, want 1 naming netif:\n%s", r.code, r.stderr)
		}
		// (the undo adds the IPv4 addresses back last first: their
		// order may differ, the set may not)
		if got := h.iface("hn0"); sorted(got) != sorted(before) {
			t.Errorf("hn0 after the rollback:\n%s\nbefore:\n%s", got, before)
		}
		if got := h.runtime(); sorted(got) != sorted(runtime) {
			t.Errorf("runtime after the rollback:\n%s\nbefore:\n%s", got, runtime)
		}
		if _, changing := h.changes(mark); !slices.Contains(changing, "ifconfig hn0 inet6 2001:db8::4 prefixlen 64 alias") {
			t.Errorf("the undo did not add 2001:db8::4 back: %q", changing)
		}
	})
}

const dualRC = `ifconfig_hn0="SYNCDHCP"
ifconfig_hn0_ipv6="inet6 2001:db8::4/64"
ifconfig_hn0_alias0="inet 10.0.0.5/32"
`

// TestLinkFlapsKeepAddress: on a DHCP lagg, each of these takes lagg0's
// link down and up again: the VF leaving (hn's link comes back from a
// taskqueue, not at once), a host network change (hn fakes 5 s of
// link-down: hn_netchg_init_taskfunc) and the VF arriving (hn's link is
// forced down at `ifconfig VF up`, the VF's carrier comes later). devd's
// LINK_UP rule runs `service dhclient quietstart lagg0`, which finds
// dhclient running and leaves it; dhclient itself asks for its lease
// again on each link-up (a renewal: same address, no new lease). The
// address never leaves lagg0 and dhclient is never restarted.
func TestLinkFlapsKeepAddress(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := firstboot(t, tree)
		pid := h.dhclientPid("lagg0")
		steps := []struct {
			name string
			do   func()
		}{
			{"VF leaves", func() { h.DetachVF("mce0") }},
			{"host network change", func() { h.Update(func(s *fakebsd.State) { s.NetworkChange("hn0") }) }},
			{"VF arrives", func() { h.AttachVF("hn0", "mce1") }},
		}
		for _, st := range steps {
			renewals, logged := h.State().Renewals["lagg0"], len(h.Handled())
			st.do()
			h.Settle()
			var flaps []string
			for _, e := range h.Handled()[logged:] {
				if strings.HasPrefix(e.Event, "system=IFNET subsystem=lagg0 type=LINK_") {
					flaps = append(flaps, e.Event+": "+e.Action)
				}
			}
			if len(flaps) != 2 || !strings.Contains(flaps[0], "LINK_DOWN") || !strings.Contains(flaps[1], "LINK_UP: service dhclient quietstart") {
				t.Errorf("%s: lagg0's link events: %q", st.name, flaps)
			}
			if !strings.Contains(h.iface("lagg0"), "inet 10.0.0.4/24") {
				t.Fatalf("%s: lagg0 lost its address:\n%s", st.name, h.Dump())
			}
			s := h.State()
			if s.Leases["lagg0"] != 1 || s.Renewals["lagg0"] != renewals+1 || h.dhclientPid("lagg0") != pid {
				t.Errorf("%s: leases %d, renewals %d (before %d), dhclient pid %q (before %q)", st.name,
					s.Leases["lagg0"], s.Renewals["lagg0"], renewals, h.dhclientPid("lagg0"), pid)
			}
		}
	})
}

func (h *host) dhclientPid(ifname string) string {
	b, _ := os.ReadFile(filepath.Join(h.Root, fakebsd.DhclientPidfile(ifname)))
	return strings.TrimSpace(string(b))
}

// sorted is text with its lines sorted.
func sorted(text string) string {
	l := strings.Split(text, "\n")
	slices.Sort(l)
	return strings.Join(l, "\n")
}
