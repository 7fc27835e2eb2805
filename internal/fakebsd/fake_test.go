//go:build fakebsd

package fakebsd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hvnetconf/hvnetconf/live"
)

func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

// Through real processes: live.Show parses what the fake ifconfig prints,
// errors come back as live.CmdError, and live.Sysctls reads the state.
func TestThroughProcesses(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:04")
	h.AttachVF("hn0", "mce10")
	h.AddHN("hn1", "00:15:5d:00:00:05")
	h.AttachVF("hn1", "mce1")
	r, ctx := h.Runner(), context.Background()
	for _, argv := range [][]string{
		{"ifconfig", "lagg0", "create"}, {"ifconfig", "hn0", "up"},
		{"ifconfig", "lagg0", "laggproto", "failover", "laggport", "hn0", "laggport", "mce10", "10.0.0.4/24", "up"},
		{"ifconfig", "mce10", "up"},
	} {
		if _, err := r.Run(ctx, argv...); err != nil {
			t.Fatal(err)
		}
	}
	h.RunTimers() // mce10's carrier
	ifc, err := live.Show(ctx, r, "lagg0")
	if err != nil {
		t.Fatal(err)
	}
	want := []live.Port{{Name: "hn0", Flags: 1, Master: true}, {Name: "mce10", Flags: 4, Active: true}}
	if fmt.Sprint(ifc.Lagg.Ports) != fmt.Sprint(want) || ifc.Inet[0] != (live.Addr{Addr: "10.0.0.4", PrefixLen: 24}) || ifc.MAC != "00:15:5d:00:00:04" {
		t.Errorf("lagg0 = %+v", ifc)
	}
	if _, ok := ifc.Lagg.Port("mce1"); ok {
		t.Error("mce1 found as a port of lagg0")
	}
	if _, err := live.Show(ctx, r, "lagg9"); !errors.Is(err, live.ErrNoInterface) {
		t.Errorf("missing interface: %v", err)
	}
	_, err = r.Run(ctx, "ifconfig", "lagg0", "laggproto", "bogus")
	if err == nil || err.Error() != "ifconfig lagg0 laggproto bogus: exit status 1: ifconfig: Invalid aggregation protocol: bogus" {
		t.Errorf("err = %v", err)
	}
	names, err := live.List(ctx, r)
	if err != nil || strings.Join(names, " ") != "lo0 hn0 mce10 hn1 mce1 lagg0" {
		t.Errorf("List = %v, %v", names, err)
	}
	if v, ok, err := h.Sysctls().String("hw.hn.vfmap"); v != "mce10:hn0 mce1:hn1" || !ok || err != nil {
		t.Errorf("vfmap = %q %v %v", v, ok, err)
	}
	if v, ok, err := h.Sysctls().Int("hw.hn.vf_transparent"); v != 0 || !ok || err != nil {
		t.Errorf("vf_transparent = %d %v %v", v, ok, err)
	}
	if _, ok, err := h.Sysctls().String("dev.hn.7.vf"); ok || err != nil {
		t.Errorf("dev.hn.7.vf: ok %v err %v", ok, err)
	}
	if n := len(h.Commands()); n != 8 {
		t.Errorf("%d commands logged, want 8: %+v", n, h.Commands())
	}
}

// 16 processes at once, each adding its own hn as a port: the state file
// lock must keep every change.
func TestConcurrentProcesses(t *testing.T) {
	h := New(t)
	const n = 16
	for k := range n {
		h.AddHN(fmt.Sprintf("hn%d", k), fmt.Sprintf("00:15:5d:00:01:%02x", k))
	}
	r, ctx := h.Runner(), context.Background()
	if _, err := r.Run(ctx, "ifconfig", "lagg0", "create"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for k := range n {
		wg.Go(func() {
			_, err := r.Run(ctx, "ifconfig", "lagg0", "laggport", fmt.Sprintf("hn%d", k))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	s := h.State()
	if got := len(s.Ifaces["lagg0"].Ports); got != n || len(s.Commands) != n+1 {
		t.Errorf("%d ports, %d commands; want %d, %d", got, len(s.Commands), n, n+1)
	}
	for k := range n {
		if s.Ifaces[fmt.Sprintf("hn%d", k)].PortOf != "lagg0" {
			t.Errorf("hn%d not a port", k)
		}
	}
}

// Two hosts built the same way dump the same text, and dumping twice
// changes nothing (maps are sorted, nothing depends on time).
func TestDumpDeterministic(t *testing.T) {
	build := func() *Host {
		h := New(t)
		for _, n := range []string{"hn3", "hn1", "hn2", "hn0"} {
			h.AddHN(n, "00:15:5d:00:00:0"+n[2:])
		}
		h.AttachVF("hn2", "mce0")
		h.SetDHCP("00:15:5d:00:00:01", "10.0.1.4/24")
		h.SetTransparent(true)
		return h
	}
	a, b := build(), build()
	da, db := a.Dump(), b.Dump()
	if da != db || da != a.Dump() {
		t.Errorf("dumps differ:\n%s\n---\n%s", da, db)
	}
	if !strings.Contains(da, "iface hn0 kind=hn mac=00:15:5d:00:00:00 mtu=1500 up=false link=true\niface hn1") ||
		!strings.Contains(da, `sysctl hw.hn.vflist="mce0"`) {
		t.Errorf("dump:\n%s", da)
	}
}

func TestHostBuilders(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:04")
	h.AttachVF("hn0", "mana0")
	h.FailAt(1)
	_, err := h.Runner().Run(context.Background(), "ifconfig", "-l")
	var ce *live.CmdError
	if !errors.As(err, &ce) || ce.ExitCode != 1 || !strings.Contains(ce.Stderr, "injected failure") {
		t.Errorf("FailAt: %v", err)
	}
	h.DetachVF("mana0")
	ev := h.Events()
	if strings.Join(ev, "|") != "system=IFNET subsystem=hn0 type=ATTACH|system=ETHERNET subsystem=hn0 type=IFATTACH|system=IFNET subsystem=hn0 type=LINK_UP|"+
		"system=IFNET subsystem=mana0 type=ATTACH|system=ETHERNET subsystem=mana0 type=IFATTACH|system=ETHERNET subsystem=mana0 type=IFDETACH|system=IFNET subsystem=mana0 type=DETACH" {
		t.Errorf("events %q", ev)
	}
	h.ClearLogs()
	if len(h.Events()) != 0 || len(h.Commands()) != 0 {
		t.Error("logs not cleared")
	}
}
