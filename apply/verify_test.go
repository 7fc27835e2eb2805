package apply

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/render"
)

// TestVerifyNamesEachExpectation: every expectation that does not hold is
// named, and only those, each by what was observed.
func TestVerifyNamesEachExpectation(t *testing.T) {
	tests := []struct {
		name  string
		setup []string
		vf    bool
		plan  *render.Plan
		want  []string
	}{
		{"converged", nil, false, laggPlan(false, false, "inet 10.0.0.4/24"), nil},
		{"VF absent is valid", nil, false, laggPlan(true, false, "inet 10.0.0.4/24"), nil},
		{"lagg missing", []string{"ifconfig lagg0 destroy"}, false, laggPlan(false, false, "inet 10.0.0.4/24"),
			[]string{"lagg0: does not exist"}},
		{"protocol and order", []string{"ifconfig lagg0 laggproto lacp", "ifconfig lagg0 -laggport hn0"}, false,
			laggPlan(false, false, "inet 10.0.0.4/24"),
			[]string{"lagg0: laggproto is lacp, not failover", "lagg0: hn0 is not the master port (master: none; ports: none)"}},
		// the master is the port flagged MASTER, not the first printed
		{"VF master", []string{"ifconfig lagg0 -laggport hn0", "ifconfig lagg0 laggport mce0 laggport hn0"}, true, laggPlan(true, false, "inet 10.0.0.4/24"),
			[]string{"lagg0: hn0 is not the master port (master: mce0; ports: hn0 mce0)"}},
		{"VF not a port", nil, true, laggPlan(true, false, "inet 10.0.0.4/24"),
			[]string{"lagg0: VF mce0 is not a port (ports: hn0)"}},
		{"static address missing", nil, false, laggPlan(false, false, "inet 10.0.0.4/24", "inet 10.0.0.5/24"),
			[]string{"lagg0: does not have address 10.0.0.5"}},
		{"inet6 compared by value", []string{"ifconfig lagg0 inet6 2001:db8::4/64"}, false, laggPlan(false, false, "inet 10.0.0.4/24", "inet6 2001:DB8::0004/64"), nil},
		// a host name ifconfig would resolve is never seen as carried;
		// an address is compared by value and named as written
		{"host name and missing inet6", nil, false, laggPlan(false, false, "inet 10.0.0.4/24", "inet gw.example", "inet6 2001:DB8::0004/64"),
			[]string{"lagg0: does not have address gw.example", "lagg0: does not have address 2001:DB8::0004"}},
		{"dhclient and address left on hn0", []string{"service dhclient start hn0"}, false, laggPlan(false, true),
			[]string{"lagg0: dhclient is not running", "hn0: has address 10.0.0.4/24 (it belongs on lagg0)", "hn0: dhclient is running (it belongs on lagg0)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newFake(t)
			h.Do(t, converged...)
			if tt.vf {
				h.AttachVF("hn0", "mce0")
			}
			h.Do(t, tt.setup...)
			got, err := Verify(context.Background(), Env{Runner: h}, tt.plan.Laggs, Retry{Attempts: 1})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("failed %q, want %q\n%s", got, tt.want, h.Dump())
			}
			if c := h.Changes(); len(c) != 0 {
				t.Errorf("verify changed something: %q", c)
			}
		})
	}
}

// TestRollbackReverse: a failed step restores the files first, then undoes
// the steps that ran, last first; the runtime is as before.
func TestRollbackReverse(t *testing.T) {
	oldWay := func(t *testing.T) *fakeHost {
		h := newFake(t)
		h.Do(t, "service dhclient start hn0")
		return h
	}
	plan := laggPlan(false, true)
	ref := oldWay(t)
	if _, err := Apply(context.Background(), Env{Runner: ref}, ref.input(plan), Options{NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	k := slices.Index(ref.Log(), "service netif start lagg0") // FailAt counts every command, "write files" is no command
	h := oldWay(t)
	before := liveState(h)
	h.FailAt(k)
	_, err := Apply(context.Background(), Env{Runner: h}, h.input(plan), Options{NoVerify: true})
	if err == nil || !strings.Contains(err.Error(), "apply: service netif start lagg0: exit status 1") ||
		strings.Count(err.Error(), "service netif start lagg0") != 1 {
		t.Fatalf("err = %v", err)
	}
	i := slices.Index(h.Log(), "service netif start lagg0")
	want := []string{"restore files", "ifconfig hn0 inet 10.0.0.4/24 alias", "service dhclient start hn0",
		"ifconfig lagg0 -laggport hn0", "ifconfig lagg0 destroy"}
	if got := h.Log()[i+1:]; !slices.Equal(got, want) {
		t.Errorf("after the failure ran:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if after := liveState(h); after != before {
		t.Errorf("runtime not restored:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestRollbackRestoresIPv6: hn0 with IPv6 (a link-local address, so
// joining lagg0 strips all of it: in6_ifdetach) and a failure after the
// lagg phase: the rollback gives hn0 back every IPv6 address FreeBSD took.
func TestRollbackRestoresIPv6(t *testing.T) {
	dual := func(t *testing.T) *fakeHost {
		h := newFake(t)
		h.Do(t, "ifconfig hn0 up", "ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet6 2001:db8::4/64")
		return h
	}
	plan := laggPlan(false, false, "inet 10.0.0.4/24", "inet6 2001:db8::4/64")
	ref := dual(t)
	if _, err := Apply(context.Background(), Env{Runner: ref}, ref.input(plan), Options{NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	h := dual(t)
	before := liveState(h)
	if !strings.Contains(before, "inet6 fe80::215:5dff:fe00:4/64") {
		t.Fatalf("setup: hn0 has no link-local address:\n%s", before)
	}
	h.FailAt(slices.Index(ref.Log(), "service netif start lagg0"))
	if _, err := Apply(context.Background(), Env{Runner: h}, h.input(plan), Options{NoVerify: true}); err == nil {
		t.Fatal("apply did not fail")
	}
	if after := liveState(h); after != before {
		t.Errorf("runtime not restored:\nbefore:\n%s\nafter:\n%s\nran: %q", before, after, h.Log())
	}
}

// TestRollbackKeepsAddressOrder: hn0's first IPv4 address is its primary
// (the source FreeBSD picks for the subnet: in.c keeps addresses in the
// order added); a rollback gives them back in that order, not reversed.
func TestRollbackKeepsAddressOrder(t *testing.T) {
	multi := func(t *testing.T) *fakeHost {
		h := newFake(t)
		h.Do(t, "ifconfig hn0 up", "ifconfig hn0 inet 10.0.0.4/24", "ifconfig hn0 inet 10.0.0.5/32 alias", "ifconfig hn0 inet 10.0.0.6/32 alias")
		return h
	}
	plan := laggPlan(false, false, "inet 10.0.0.4/24", "inet 10.0.0.5/32", "inet 10.0.0.6/32")
	ref := multi(t)
	if _, err := Apply(context.Background(), Env{Runner: ref}, ref.input(plan), Options{NoVerify: true}); err != nil {
		t.Fatal(err)
	}
	h := multi(t)
	before := liveState(h)
	h.FailAt(slices.Index(ref.Log(), "service netif start lagg0"))
	if _, err := Apply(context.Background(), Env{Runner: h}, h.input(plan), Options{NoVerify: true}); err == nil {
		t.Fatal("apply did not fail")
	}
	if after := liveState(h); after != before {
		t.Errorf("runtime not restored in order:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// liveState is the host's dump without the logs (events, lease counts).
func liveState(h *fakeHost) string {
	var out []string
	for _, l := range strings.Split(h.Dump(), "\n") {
		if !strings.HasPrefix(l, "event ") && !strings.HasPrefix(l, "leases ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// cancelAt cancels the run's context (what SIGTERM or SIGINT does through
// main) when the host is about to run argv.
type cancelAt struct {
	*fakeHost
	argv   string
	cancel context.CancelFunc
}

func (c *cancelAt) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if strings.Join(argv, " ") == c.argv {
		c.cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err // exec.CommandContext kills or never starts it
	}
	return c.fakeHost.Run(ctx, argv...)
}

// TestInterruptRollsBack: a signal in the middle of apply lets the
// command under way finish, stops before the next and rolls everything back (files first, then the
// steps that ran), with commands that still run although the run's
// context is cancelled; the runtime ends as before.
func TestInterruptRollsBack(t *testing.T) {
	plan := laggPlan(false, true)
	h := newFake(t)
	h.Do(t, "service dhclient start hn0")
	before := liveState(h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancelAt{fakeHost: h, argv: "service dhclient forcestop hn0", cancel: cancel}
	_, err := Apply(ctx, Env{Runner: r}, h.input(plan), Options{NoVerify: true})
	if err == nil || !strings.Contains(err.Error(), "rolled back") {
		t.Fatalf("err = %v, want a rollback", err)
	}
	if !slices.Contains(h.Log(), "restore files") || !slices.Contains(h.Log(), "ifconfig lagg0 destroy") {
		t.Errorf("rollback incomplete: %q", h.Log())
	}
	// The step the signal came in was not killed half-way: it ran to its
	// end, and the next one never started.
	if !slices.Contains(h.Log(), r.argv) || slices.Contains(h.Log(), "service netif start lagg0") {
		t.Errorf("%q should have run to its end, and no step after it: %q", r.argv, h.Log())
	}
	if after := liveState(h); after != before {
		t.Errorf("runtime not restored:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}
