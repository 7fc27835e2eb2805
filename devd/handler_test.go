//go:build fakebsd

package devd

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
)

// fixture is an in-process emulated host with hn0 and mce0 attached, and a
// handler whose plan puts hn0 in lagg (or leaves it alone when lagg is "").
type fixture struct {
	h             *fakebsd.InProcess
	log           strings.Builder // what syslog gets in production
	plans         []bool          // the full flag of every Plan call
	unlocks       int             // plans rendered when Unlock was called, -1: never
	changed       []string        // the files the full plan's write changes
	later         [][]string      // what the handler started detached
	lockedAtLater bool            // the lock was still held when it did
}

func newFixture(t *testing.T, lagg string, delay int) (*fixture, *Handler) {
	f := &fixture{h: fakebsd.NewInProcess(t, "00:15:5d:00:00:04", "10.0.0.4/24")}
	f.h.AttachVF("hn0", "mce0")
	plan := &render.Plan{Mode: render.Decision{Mode: render.ModeLagg, Kernel: render.ModeLagg, Reason: "mode=lagg (test)"}, VFDelay: delay}
	if lagg != "" {
		plan.Laggs = []render.Lagg{{Name: lagg, HN: "hn0", VF: "mce0"}}
	}
	f.unlocks = -1
	return f, &Handler{
		Sys:    live.Programs(context.Background(), f.h),
		Log:    &f.log,
		Unlock: func() { f.unlocks = len(f.plans) },
		Later: func(argv []string) error {
			f.later = append(f.later, argv)
			f.lockedAtLater = f.unlocks < 0
			return nil
		},
		Runtime: func(context.Context, *hn.Snapshot) (*render.Plan, error) {
			f.plans = append(f.plans, false)
			return plan, nil
		},
		Plan: func(context.Context, *hn.Snapshot) (apply.Input, error) {
			f.plans = append(f.plans, true)
			return apply.Input{Plan: plan, Changed: f.changed, Write: func() (func() error, error) {
				f.h.Mark("write files")
				return func() error { return nil }, nil
			}}, nil
		},
	}
}

// The fast path joins the VF to the lagg the plan names (lagg5 here, as
// hvnetconf.toml may say), with a runtime-only plan and nothing else.
func TestVFUpJoinsThePlansLagg(t *testing.T) {
	for _, lagg := range []string{"lagg0", "lagg5"} {
		t.Run(lagg, func(t *testing.T) {
			f, h := newFixture(t, lagg, 2)
			f.h.Do(t, "ifconfig "+lagg+" create", "ifconfig "+lagg+" laggproto failover laggport hn0", "ifconfig hn0 up")
			if err := h.VFUp(context.Background(), "hn0"); err != nil {
				t.Fatal(err)
			}
			if c := f.h.Changes(); !slices.Contains(c, "ifconfig "+lagg+" laggport mce0") || slices.ContainsFunc(c, func(l string) bool {
				return strings.Contains(l, " laggport ") && !strings.HasPrefix(l, "ifconfig "+lagg+" ")
			}) {
				t.Errorf("commands %q: want mce0 joined to %s and to nothing else", c, lagg)
			}
			if !slices.Equal(f.plans, []bool{false}) {
				t.Errorf("plans rendered (full?) %v, want one runtime-only", f.plans)
			}
			for _, want := range []string{"[started]  ifconfig " + lagg + " laggport mce0", "[finished] ifconfig " + lagg + " laggport mce0"} {
				if !strings.Contains(f.log.String(), want) {
					t.Errorf("log lacks %q:\n%s", want, f.log.String())
				}
			}
		})
	}
}

// A lagg that is not as rendered (here: missing) is not joined: the whole
// plan is applied, files first, from a full render.
func TestVFUpAppliesWhenNotAsRendered(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t)
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	c := f.h.Changes()
	if len(c) < 2 || c[0] != "write files" || c[1] != "ifconfig lagg0 create" || !slices.Contains(c, "ifconfig lagg0 laggport mce0") {
		t.Errorf("commands %q: want the files written, lagg0 created and mce0 joined", c)
	}
	if !slices.Equal(f.plans, []bool{false, true}) {
		t.Errorf("plans rendered (full?) %v, want runtime-only, then full", f.plans)
	}
}

// vf-up runs inside devd, which waits for it: when the apply it falls
// back to changed devd's rules, the restart is started detached, after
// the lock is let go, never run (and waited for) by the handler.
func TestVFUpNeverWaitsForDevd(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.changed = []string{render.DevdFile}
	f.h.Do(t)
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); slices.Contains(c, "service devd restart") || !slices.Contains(c, "ifconfig lagg0 laggport mce0") {
		t.Errorf("commands %q: want mce0 joined and no devd restart run by the handler", c)
	}
	if !slices.EqualFunc(f.later, [][]string{{live.Service, "devd", "restart"}}, slices.Equal) || f.lockedAtLater {
		t.Errorf("started detached %q (lock still held: %v), want the devd restart, after the lock", f.later, f.lockedAtLater)
	}
}

// An hn the plan does not manage is left alone, whatever lagg exists.
func TestVFUpLeavesUnmanagedAlone(t *testing.T) {
	f, h := newFixture(t, "", 2)
	f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0")
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); len(c) != 0 {
		t.Errorf("commands %q, want none", c)
	}
	if !strings.Contains(f.log.String(), "hn0: not managed by hvnetconf (mode=lagg (test)); left alone") {
		t.Errorf("log:\n%s", f.log.String())
	}
}

// vf-attach's first decision, on every Ethernet attach: only a VF of
// hw.hn.vflist in lagg mode, or a lagg clone attaching while a VF is
// attached in lagg mode (netif recreated it without the VF), goes on (to
// the background), and nothing renders a plan or takes the lock for it.
func TestAttachDecisions(t *testing.T) {
	for _, tt := range []struct {
		name        string
		transparent bool
		vfUp        bool // mce0 up (outside any lagg) before the attach
		later       bool
		ran         int // commands run: the sysctl read, then `ifconfig -l -u` for a lagg
	}{
		{"mce0", false, false, true, 1},
		{"mce0", true, false, false, 1},
		{"hn0", false, false, false, 1},
		{"lagg0", false, true, true, 2},
		{"lagg0", false, false, false, 2}, // boot: the VF's own arrival joins it
		{"lagg0", true, true, false, 1},
		{"lagg0.5", false, true, false, 1},
	} {
		f, h := newFixture(t, "lagg0", 120)
		f.h.SetTransparent(tt.transparent)
		if tt.vfUp {
			f.h.Do(t, "ifconfig mce0 up")
		} else {
			f.h.Do(t)
		}
		called := false
		if err := h.Attach(tt.name, func() error { called = true; return nil }); err != nil || called != tt.later || len(f.plans) != 0 {
			t.Errorf("%s (transparent %v, VF up %v): err %v, went on %v, %d plan(s); want went on %v, no plan",
				tt.name, tt.transparent, tt.vfUp, err, called, len(f.plans), tt.later)
		}
		if l := f.h.Log(); len(l) != tt.ran || !strings.HasPrefix(l[0], "sysctl ") || tt.ran == 2 && l[1] != "ifconfig -l -u" {
			t.Errorf("%s: ran %q, want a sysctl read%s", tt.name, l, map[bool]string{true: " and ifconfig -l -u"}[tt.ran == 2])
		}
	}
}

// A VF that goes away during the wait is left alone, and the log says so;
// an interrupted wait (SIGTERM) exits 75 with nothing changed.
func TestVFAttachAfterTheWait(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up")
	gone := func(context.Context, time.Duration) error { f.h.DetachVF("mce0"); return nil }
	if err := h.VFAttach(context.Background(), "mce0", gone); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); len(c) != 0 || !strings.Contains(f.log.String(), "vf-attach mce0: no longer a VF") {
		t.Errorf("ran %q, log:\n%s", c, f.log.String())
	}

	f, h = newFixture(t, "lagg0", 2)
	f.h.Do(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.VFAttach(ctx, "mce0", live.Sleep)
	if sysexits.Code(err) != sysexits.TempFail || !strings.HasPrefix(err.Error(), "vf-attach mce0: interrupted") {
		t.Errorf("interrupted wait: %v (exit %d), want 75", err, sysexits.Code(err))
	}
	if c := f.h.Changes(); len(c) != 0 {
		t.Errorf("interrupted wait ran %q", c)
	}
}

// vf-attach in the background: for a lagg the plan manages it waits the
// plan's delay holding no lock, then joins the VF; an unmanaged hn is left
// alone without a wait.
func TestVFAttachWaitsThePlansDelay(t *testing.T) {
	for _, lagg := range []string{"lagg0", ""} {
		f, h := newFixture(t, lagg, 120)
		f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up")
		var waited []time.Duration
		unlockedFirst := false
		wait := func(_ context.Context, d time.Duration) error {
			waited = append(waited, d)
			unlockedFirst = f.unlocks == len(f.plans)
			return nil
		}
		if err := h.VFAttach(context.Background(), "mce0", wait); err != nil {
			t.Fatal(err)
		}
		joined := slices.Contains(f.h.Changes(), "ifconfig lagg0 laggport mce0")
		if lagg == "" {
			if len(waited) != 0 || joined {
				t.Errorf("unmanaged: waited %v, joined %v; want neither", waited, joined)
			}
			continue
		}
		if !slices.Equal(waited, []time.Duration{120 * time.Second}) || !unlockedFirst || !joined {
			t.Errorf("waited %v (unlocked first: %v), joined %v; want 120s without the lock, then joined", waited, unlockedFirst, joined)
		}
		if !slices.Equal(f.plans, []bool{false, false}) {
			t.Errorf("plans %v: want one before the wait and one after", f.plans)
		}
	}
}

// TestHandlerReadFailureExitsOne: a failed read in a devd handler is the
// handler failing (exit 1, naming the handler), not an internal error.
func TestHandlerReadFailureExitsOne(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t)
	f.h.FailAt(1)
	err := h.VFUp(context.Background(), "hn0")
	if code := sysexits.Code(err); code != sysexits.Failure || !strings.HasPrefix(err.Error(), "vf-up hn0: ") ||
		strings.Count(err.Error(), "vf-up hn0") != 1 {
		t.Errorf("exit %d: %v; want 1 naming vf-up hn0 first and once", code, err)
	}
}

// A name devd passes is data: anything that is not an interface name is
// refused with 65 before anything is read.
func TestBadNamesRefused(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t)
	for _, bad := range []string{"", "hn0;reboot", "-x", "hn0 mce0", strings.Repeat("a", 40)} {
		wait := func(context.Context, time.Duration) error { t.Errorf("VFAttach(%q) waited", bad); return nil }
		if err := h.VFAttach(context.Background(), bad, wait); sysexits.Code(err) != sysexits.DataErr {
			t.Errorf("VFAttach(%q): %v, want exit 65", bad, err)
		}
		later := func() error { t.Errorf("Attach(%q) went on", bad); return nil }
		if err := h.Attach(bad, later); sysexits.Code(err) != sysexits.DataErr {
			t.Errorf("Attach(%q): %v, want exit 65", bad, err)
		}
	}
	if err := h.VFUp(context.Background(), "mce0"); sysexits.Code(err) != sysexits.DataErr {
		t.Errorf("VFUp(mce0): %v, want exit 65 (not an hn)", err)
	}
	if l := f.h.Log(); len(l) != 0 {
		t.Errorf("ran %q for bad names", l)
	}
}

// A VF that is already an up port of its hn's failover lagg needs no plan:
// vf-up renders none and changes nothing (the common case: VF_UP after
// vf-attach joined it).
func TestVFUpJoinedNeedsNoPlan(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up",
		"ifconfig lagg0 laggport mce0", "ifconfig mce0 up")
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); len(c) != 0 || len(f.plans) != 0 {
		t.Errorf("ran %q, %d plan(s); want nothing", c, len(f.plans))
	}
	if !strings.Contains(f.log.String(), "hn0: mce0 is already an up port of lagg0; nothing to do") {
		t.Errorf("log:\n%s", f.log.String())
	}
	// Down, it is not joined yet: the plan decides.
	f.h.Do(t, "ifconfig mce0 down")
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); !slices.Equal(c, []string{"ifconfig mce0 up"}) || len(f.plans) != 1 {
		t.Errorf("ran %q, %d plan(s); want mce0 up from one plan", c, len(f.plans))
	}
}

// stuck is a system whose `ifconfig LAGG laggport VF` never returns by
// itself (a stuck driver): only the context ends it. It keeps how far off
// that context's deadline was when the command started.
type stuck struct {
	live.System
	left *time.Duration
}

func (s stuck) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if len(argv) == 4 && argv[2] == "laggport" {
		if d, ok := ctx.Deadline(); ok {
			*s.left = time.Until(d)
		}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.System.Run(ctx, argv...)
}

// A join that hangs is cut short (joinTimeout), fails with exit 1 and is
// rolled back, instead of holding devd and the lock for ever.
func TestJoinIsBounded(t *testing.T) {
	defer func(d time.Duration) { joinTimeout = d }(joinTimeout)
	joinTimeout = 200 * time.Millisecond
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up")
	var left time.Duration
	h.Sys = stuck{h.Sys, &left}
	err := h.VFUp(context.Background(), "hn0")
	if sysexits.Code(err) != sysexits.Failure || !strings.Contains(err.Error(), "rolled back") {
		t.Errorf("got %v (exit %d), want exit 1, rolled back", err, sysexits.Code(err))
	}
	// The join's own deadline bounded the stuck command (the deadline is
	// set before the command starts, so what is left is below
	// joinTimeout), not apply's longer step bound.
	if left <= 0 || left > joinTimeout {
		t.Errorf("the stuck laggport had %v left, want at most joinTimeout (%v)", left, joinTimeout)
	}
	if ports := f.h.State().Ifaces["lagg0"].Ports; !slices.Equal(ports, []string{"hn0"}) {
		t.Errorf("lagg0 ports %v after the rollback, want hn0 alone", ports)
	}
}

// Interfaces that are no VF but have names a VF never has (epair0a,
// vlan0.100) are "not a VF" for vf-attach, not bad input.
func TestAttachOtherInterfaces(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t)
	for _, name := range []string{"epair0a", "vlan0.100", "wan_1"} {
		if err := h.Attach(name, func() error { t.Errorf("%s went on", name); return nil }); err != nil {
			t.Errorf("Attach(%s): %v, want nil", name, err)
		}
	}
}

// A managed lagg that attached again (netif's stop destroyed it, its start
// created it with hn0 alone): after the delay mce0, still up outside it,
// joins it, and rc.d/routing puts back the static routes that left with
// the old lagg. A lagg the plan does not manage is left alone at once; one
// that is not as rendered (gone again) is left alone after the wait.
func TestVFAttachLaggBack(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig mce0 up", "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up")
	waited := 0
	wait := func(context.Context, time.Duration) error { waited++; return nil }
	if err := h.VFAttach(context.Background(), "lagg0", wait); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); waited != 1 || !slices.Contains(c, "ifconfig lagg0 laggport mce0") || !slices.Contains(c, "service routing static") {
		t.Errorf("waited %d, ran %q; want one wait, mce0 joined, routing static", waited, c)
	}

	f, h = newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig lagg5 create", "ifconfig lagg5 laggproto failover laggport hn0")
	if err := h.VFAttach(context.Background(), "lagg5", wait); err != nil || waited != 1 || len(f.h.Changes()) != 0 {
		t.Errorf("unmanaged lagg5: %v, waited %d, ran %q; want nothing", err, waited-1, f.h.Changes())
	}

	f, h = newFixture(t, "lagg0", 2)
	f.h.Do(t, "ifconfig mce0 up")
	if err := h.VFAttach(context.Background(), "lagg0", wait); err != nil || len(f.h.Changes()) != 0 ||
		!strings.Contains(f.log.String(), "lagg0 is not as rendered") {
		t.Errorf("lagg0 gone: %v, ran %q, log:\n%s", err, f.h.Changes(), f.log.String())
	}
}

// After a revert (Reverted), the plan, rendered from inputs that still
// say the reverted change, is not the configuration in force: the VF
// joins the running failover lagg its hn masters (lagg3 here, not the
// plan's lagg0), and when there is none nothing is rendered or applied.
func TestVFUpAfterARevert(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	h.Reverted = func() bool { return true }
	f.h.Do(t, "ifconfig lagg3 create", "ifconfig lagg3 laggproto failover laggport hn0", "ifconfig hn0 up")
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); !slices.Contains(c, "ifconfig lagg3 laggport mce0") || slices.Contains(c, "write files") || len(f.plans) != 0 {
		t.Errorf("commands %q, plans %v: want mce0 joined to lagg3, nothing rendered", c, f.plans)
	}

	f, h = newFixture(t, "lagg0", 2)
	h.Reverted = func() bool { return true }
	f.h.Do(t)
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); len(c) != 0 || len(f.plans) != 0 || !strings.Contains(f.log.String(), "left alone") {
		t.Errorf("commands %q, plans %v, log %q: want nothing done, and said", c, f.plans, f.log.String())
	}
}

// During a reverted change the plan is not what is in force: a lagg that
// attached again gets its hn's VF through the running lagg hn0 masters
// (lagg3 here, not the plan's lagg0), with no plan after the wait.
func TestVFAttachLaggBackAfterARevert(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	h.Reverted = func() bool { return true }
	f.h.Do(t, "ifconfig mce0 up", "ifconfig lagg3 create", "ifconfig lagg3 laggproto failover laggport hn0", "ifconfig hn0 up")
	wait := func(context.Context, time.Duration) error { return nil }
	if err := h.VFAttach(context.Background(), "lagg3", wait); err != nil {
		t.Fatal(err)
	}
	if c := f.h.Changes(); !slices.Contains(c, "ifconfig lagg3 laggport mce0") || !slices.Contains(c, "service routing static") || len(f.plans) > 1 {
		t.Errorf("ran %q, plans %v: want mce0 joined to lagg3, routing static, no plan after the wait", c, f.plans)
	}
}
