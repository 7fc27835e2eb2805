package apply

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/render"
)

// TestApplyDelta: from each observed state, exactly the commands that
// close the gap run, in order, and nothing else changes the system.
func TestApplyDelta(t *testing.T) {
	static := laggPlan(false, false, "inet 10.0.0.4/24")
	withVF := laggPlan(true, false, "inet 10.0.0.4/24")
	reboot := laggPlan(false, false, "inet 10.0.0.4/24")
	reboot.Mode.Reboot = true
	tests := []struct {
		name    string
		setup   func(*fakeHost)
		plan    *render.Plan
		changed []string
		want    []string
	}{
		{"converged", nil, static, nil, nil},
		{"converged with VF", func(h *fakeHost) {
			h.AttachVF("hn0", "mce0")
			h.Setup("ifconfig lagg0 laggport mce0", "ifconfig mce0 up")
		}, withVF, nil, nil},
		{"lagg missing", func(h *fakeHost) { h.reset() }, static, nil, []string{
			"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover", "ifconfig hn0 up",
			"ifconfig lagg0 laggport hn0", "service netif start lagg0"}},
		{"laggproto wrong", func(h *fakeHost) { h.Setup("ifconfig lagg0 laggproto lacp") }, static, nil, []string{
			"ifconfig lagg0 laggproto failover"}},
		// mce0 joined first: it is the master although hn0 (lower index)
		// is printed first.
		{"VF master", func(h *fakeHost) {
			h.AttachVF("hn0", "mce0")
			h.Setup("ifconfig lagg0 -laggport hn0", "ifconfig lagg0 laggport mce0 laggport hn0", "ifconfig mce0 up")
		}, withVF, nil, []string{"ifconfig lagg0 -laggport mce0", "ifconfig lagg0 laggport mce0"}},
		{"VF attached, not a port", func(h *fakeHost) { h.AttachVF("hn0", "mce0") }, withVF, nil, []string{
			"ifconfig lagg0 laggport mce0", "ifconfig mce0 up"}},
		{"VF with another MTU", func(h *fakeHost) {
			h.AttachVF("hn0", "mce0")
			h.Setup("ifconfig mce0 mtu 9000")
		}, withVF, nil, []string{"ifconfig mce0 mtu 1500", "ifconfig lagg0 laggport mce0", "ifconfig mce0 up"}},
		{"VF absent (host servicing)", nil, withVF, nil, nil},
		{"DHCP on hn0", func(h *fakeHost) {
			h.reset()
			h.Setup("service dhclient start hn0")
		}, laggPlan(false, true), nil, []string{
			"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover", "ifconfig lagg0 laggport hn0",
			"service dhclient forcestop hn0", "ifconfig hn0 inet 10.0.0.4 -alias", "service netif start lagg0"}},
		// hn0's link-local address makes joining lagg0 strip its IPv6
		// (in6_ifdetach): nothing is left to delete.
		{"static addresses on hn0", func(h *fakeHost) {
			h.reset()
			h.Setup("ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet6 2001:db8::4/64", "ifconfig hn0 inet6 fe80::4%hn0/64")
		}, laggPlan(false, false, "inet 10.0.0.4/24", "inet6 2001:db8::4/64"), nil, []string{
			"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover", "ifconfig lagg0 laggport hn0",
			"ifconfig hn0 inet 10.0.0.4 -alias", "service netif start lagg0"}},
		// Without a link-local address hn0 keeps its IPv6 as it joins.
		{"IPv6 on hn0 without a link-local address", func(h *fakeHost) {
			h.reset()
			h.Setup("ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet6 -auto_linklocal", "ifconfig hn0 inet6 2001:db8::4/64")
		}, laggPlan(false, false, "inet 10.0.0.4/24", "inet6 2001:db8::4/64"), nil, []string{
			"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover", "ifconfig lagg0 laggport hn0",
			"ifconfig hn0 inet 10.0.0.4 -alias", "ifconfig hn0 inet6 2001:db8::4 -alias", "service netif start lagg0"}},
		{"routing and devd files changed", nil, static, []string{render.RoutingFile, render.DevdFile}, []string{
			"service routing restart", "service devd restart"}},
		{"devd file changed", nil, static, []string{render.DevdFile, "/etc/rc.conf.d/network"}, []string{
			"service devd restart"}},
		{"mode needs a reboot", func(h *fakeHost) { h.reset() }, reboot, []string{render.DevdFile}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newFake(t)
			h.Do(t, converged...)
			if tt.setup != nil {
				tt.setup(h)
				h.Do(t)
			}
			res, err := Apply(context.Background(), Env{Runner: h}, h.input(tt.plan, tt.changed...), Options{NoVerify: true})
			if err != nil {
				t.Fatalf("apply: %v\n%s", err, h.Dump())
			}
			// devd is restarted only after the run, once the caller has
			// let go of the lock (devdRestart): never by Apply itself.
			if got := h.Changes(); slices.Contains(got, "service devd restart") {
				t.Errorf("Apply restarted devd itself: %q", got)
			}
			if err := RunDeferred(context.Background(), Env{Runner: h}, res); err != nil {
				t.Fatalf("deferred: %v", err)
			}
			want := append([]string{"write files"}, tt.want...)
			if got := h.Changes(); !slices.Equal(got, want) {
				t.Errorf("ran:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			var steps []string
			for _, s := range res.Steps {
				steps = append(steps, s.String())
			}
			if !slices.Equal(steps, tt.want) {
				t.Errorf("reported steps %q, want %q", steps, tt.want)
			}
		})
	}
}

// reset takes lagg0 away again: a host that was never applied.
func (h *fakeHost) reset() { h.Setup("ifconfig lagg0 destroy", "ifconfig hn0 down") }

// TestVFBelowHN: mce0 attached before hn0, so `ifconfig lagg0` prints it
// first, while hn0, added first, is the master. Apply, verify and the devd
// handlers' Joined judge by the MASTER flag: the host is converged, a
// second apply changes nothing.
func TestVFBelowHN(t *testing.T) {
	h := newFakeVFFirst(t)
	h.Do(t, append(converged, "ifconfig lagg0 laggport mce0", "ifconfig mce0 up")...)
	h.RunTimers() // mce0's carrier
	out, _ := h.Run(context.Background(), "ifconfig", "lagg0")
	if !strings.Contains(string(out), "laggport: mce0 flags=4<ACTIVE>\n\tlaggport: hn0 flags=1<MASTER>\n") {
		t.Fatalf("setup: mce0 should print first:\n%s", out)
	}
	h.Do(t)
	plan := laggPlan(true, false, "inet 10.0.0.4/24")
	if _, err := Apply(context.Background(), Env{Runner: h}, h.input(plan), Options{Retry: Retry{Attempts: 1}}); err != nil {
		t.Fatalf("apply: %v\n%s", err, h.Dump())
	}
	if got := h.Changes(); !slices.Equal(got, []string{"write files"}) {
		t.Errorf("apply on a converged host ran %q", got)
	}
	if ok, err := Joined(context.Background(), Env{Runner: h}, "hn0", "mce0", []string{"lo0", "mce0", "hn0", "lagg0"}); !ok || err != nil {
		t.Errorf("Joined = %v, %v", ok, err)
	}
}

// TestJoinedRenamedLagg: a lagg renamed in rc.conf (ifconfig_lagg0_name)
// is still found by what ifconfig shows, so a converged guest's vf-up
// takes the no-plan path whatever the lagg is called.
func TestJoinedRenamedLagg(t *testing.T) {
	h := newFakeVFFirst(t)
	h.Do(t, append(converged, "ifconfig lagg0 laggport mce0", "ifconfig mce0 up", "ifconfig lagg0 name wan0")...)
	h.RunTimers()
	for _, names := range [][]string{{"lo0", "hn0", "mce0", "wan0"}, {"em0", "wan0", "hn0", "mce0"}} {
		if ok, err := Joined(context.Background(), Env{Runner: h}, "hn0", "mce0", names); !ok || err != nil {
			t.Errorf("Joined over %q = %v, %v; want true", names, ok, err)
		}
	}
	if ok, _ := Joined(context.Background(), Env{Runner: h}, "hn0", "mce0", []string{"lo0", "hn0", "mce0"}); ok {
		t.Error("Joined without the lagg in the interface list = true")
	}
}

// TestDryRunPredictsStrip: the dry run shows what FreeBSD does when hn0
// joins with a link-local address: no step deletes the IPv6 address the
// kernel has already removed, and the join says so.
func TestDryRunPredictsStrip(t *testing.T) {
	h := newFake(t)
	h.Do(t, "ifconfig hn0 up", "ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet6 2001:db8::4/64")
	res, err := Apply(context.Background(), Env{Runner: h}, h.input(laggPlan(false, false, "inet 10.0.0.4/24", "inet6 2001:db8::4/64")), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	effect := ""
	for _, s := range res.Steps {
		steps = append(steps, s.String())
		effect += s.Effect
	}
	want := []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover", "ifconfig lagg0 laggport hn0",
		"ifconfig hn0 inet 10.0.0.4 -alias", "service netif start lagg0"}
	if !slices.Equal(steps, want) {
		t.Errorf("steps %q, want %q", steps, want)
	}
	if effect != "the kernel removes hn0's IPv6 addresses (fe80::215:5dff:fe00:4 2001:db8::4) as it joins lagg0" {
		t.Errorf("effect %q", effect)
	}
	if c := h.Changes(); len(c) != 0 {
		t.Errorf("dry run changed %q", c)
	}
}
