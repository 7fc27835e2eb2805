package apply

import (
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/render"
)

// fakeHost is the emulated host run in process (fakebsd.InProcess).
type fakeHost struct{ *fakebsd.InProcess }

const testMAC = "00:15:5d:00:00:04"

// newFake is a host with hn0 (down, with carrier) and a DHCP lease waiting
// for its MAC.
func newFake(t *testing.T) *fakeHost {
	t.Helper()
	return &fakeHost{fakebsd.NewInProcess(t, testMAC, "10.0.0.4/24")}
}

// newFakeVFFirst is newFake where mce0 attached before hn0 (at boot): it
// has the lower interface index, so `ifconfig lagg0` lists it first.
func newFakeVFFirst(t *testing.T) *fakeHost {
	t.Helper()
	h := &fakeHost{&fakebsd.InProcess{Host: fakebsd.New(t)}}
	h.AddVF("mce0", testMAC)
	h.AddHN("hn0", testMAC)
	h.SetDHCP(testMAC, "10.0.0.4/24")
	return h
}

// input is an apply of plan whose file write and restore are marked in
// the log ("write files", "restore files").
func (h *fakeHost) input(plan *render.Plan, changed ...string) Input {
	return Input{Plan: plan, Changed: changed, Write: func() (func() error, error) {
		h.Mark("write files")
		return func() error { h.Mark("restore files"); return nil }, nil
	}}
}

// laggPlan is lagg mode with one lagg0 over hn0 (and mce0 when vf).
func laggPlan(vf bool, dhcp bool, static ...string) *render.Plan {
	l := render.Lagg{Name: "lagg0", HN: "hn0", DHCP: dhcp}
	for _, s := range static {
		fam, word, _ := strings.Cut(s, " ")
		l.Static = append(l.Static, render.NewStaticAddr(fam, word))
	}
	if vf {
		l.VF = "mce0"
	}
	return &render.Plan{Mode: render.Decision{Mode: render.ModeLagg}, Laggs: []render.Lagg{l}}
}

// converged is lagg0 as a static lagg-mode apply leaves it.
var converged = []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0",
	"ifconfig hn0 up", "ifconfig lagg0 inet 10.0.0.4/24"}
