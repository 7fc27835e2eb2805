package e2e

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
)

// The NIC renamed and configured under its new name, as images made for
// another hypervisor keep em0 in their scripts.
const renamedRC = `ifconfig_hn0_name="em0"
ifconfig_em0="SYNCDHCP"
`

// TestFirstbootRenamed: rendered at firstboot, the chosen name em0 is the
// lagg from the first boot on (netif creates lagg0 and renames it), and
// every live part agrees: vf-attach and vf-up put each new VF behind hn0
// in em0 through a live migration, the handlers change nothing on a
// converged host, and check finds no drift.
func TestFirstbootRenamed(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := firstbootWith(t, tree, renamedRC)
		assertRenamedLagg(t, h, "mce0")
		if st := h.State(); st.Leases["em0"] != 1 || !st.Dhclient["em0"] || st.Dhclient["hn0"] {
			t.Fatalf("boot: want one lease and dhclient on em0 only:\n%s", st.Network())
		}
		if r := h.run("check"); r.code != 0 {
			t.Errorf("check after firstboot: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		h.DetachVF("mce0")
		h.Settle()
		h.AttachVF("hn0", "mce1")
		h.Settle()
		assertRenamedLagg(t, h, "mce1")
		if got := h.State().Leases["em0"]; got != 1 {
			t.Errorf("DHCP re-leases during migration: %d leases on em0, want 1", got)
		}
		mark := len(h.Commands())
		for _, args := range [][]string{{"vf-up", "--", "hn0"}, {"vf-attach", "--detached", "--", "mce1"}} {
			if r := h.run(args[0], args[1:]...); r.code != 0 {
				t.Errorf("%q on a converged host: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
			}
		}
		if _, changing := h.changes(mark); len(changing) != 0 {
			t.Errorf("handlers on a converged host ran %q", changing)
		}
	})
}

// assertRenamedLagg: em0 is the failover lagg, hn0 its master, vf active,
// and the address is em0's, not hn0's.
func assertRenamedLagg(t *testing.T, h *host, vf string) {
	t.Helper()
	if p := h.ports("em0"); !slices.Equal(p, []string{"hn0", vf}) {
		t.Fatalf("em0 ports %v, want hn0 %s:\n%s", p, vf, h.Dump())
	}
	em := h.iface("em0")
	for _, want := range []string{"proto=failover", "inet 10.0.0.4/24", "laggport hn0 flags=1", "laggport " + vf + " flags=4"} {
		if !strings.Contains(em, want) {
			t.Errorf("em0 lacks %q:\n%s", want, h.Dump())
		}
	}
	if strings.Contains(h.iface("hn0"), "inet ") {
		t.Errorf("hn0 kept an address:\n%s", h.Dump())
	}
}

// TestApplyRenamedHost: a host that booted the old way (netif renamed hn0
// to em0 and ran DHCP on it) cannot be converged live: apply says why in
// one line and leaves the host and its files as they were.
func TestApplyRenamedHost(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := newHost(t, tree, renamedRC)
		h.Boot()
		if !strings.Contains(h.iface("em0"), "inet 10.0.0.4/24") {
			t.Fatalf("setup: em0 lacks its lease:\n%s", h.Dump())
		}
		before := h.files()
		mark := len(h.Commands())
		r := h.run("apply")
		if r.code == 0 || !strings.Contains(r.stderr, "hn0: interface does not exist (renamed at boot by ifconfig_hn0_name?") {
			t.Fatalf("apply: exit %d, want a failure naming the rename\n%s%s", r.code, r.stdout, r.stderr)
		}
		if _, changing := h.changes(mark); len(changing) != 0 {
			t.Errorf("apply changed the runtime: %q", changing)
		}
		if after := h.files(); !maps.Equal(before, after) {
			t.Errorf("apply left files changed")
		}
		if !strings.Contains(h.iface("em0"), "inet 10.0.0.4/24") {
			t.Errorf("em0 lost its address:\n%s", h.Dump())
		}
	})
}
