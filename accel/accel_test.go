package accel

import (
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
)

func lagg0(ports ...live.Port) *live.Interface {
	return &live.Interface{Name: "lagg0", Flags: []string{"UP"}, Lagg: &live.Lagg{Proto: "failover", Ports: ports}}
}

var (
	hnMaster = live.Port{Name: "hn0", Master: true}
	hnActive = live.Port{Name: "hn0", Master: true, Active: true}
	vfActive = live.Port{Name: "mce0", Active: true}
	vfPort   = live.Port{Name: "mce0"}
	vfUp     = &live.Interface{Name: "mce0", Flags: []string{"UP"}}
	vfDown   = &live.Interface{Name: "mce0"}
)

// Each way a VF can fail to carry the traffic gets its own verdict, and
// the silent ones (present, attached, not carrying traffic in lagg mode)
// are drift.
func TestVerdicts(t *testing.T) {
	lagg := &render.Plan{Mode: render.Decision{Mode: render.ModeLagg, Kernel: render.ModeLagg, Reason: "mode=lagg (test)"},
		Laggs: []render.Lagg{{Name: "lagg0", HN: "hn0"}}}
	transparent := &render.Plan{Mode: render.Decision{Mode: render.ModeTransparent, Kernel: render.ModeTransparent}}
	orphan := []live.PCIFunc{{Driver: "none", Class: 0x020000, Vendor: 0x1414, Device: 0xba, Selector: "pci2:0:2:0"}}
	cases := []struct {
		name        string
		transparent bool
		vf          string
		plan        *render.Plan
		ifaces      map[string]*live.Interface
		pci         []live.PCIFunc
		yes         bool
		verdict     string // a part of it
		drift       int
	}{
		{"active", false, "mce0", lagg, map[string]*live.Interface{"lagg0": lagg0(hnMaster, vfActive), "mce0": vfUp}, nil, true, "mce0 is the ACTIVE port of lagg0", 0},
		{"never joined", false, "mce0", lagg, map[string]*live.Interface{"lagg0": lagg0(hnActive), "mce0": vfDown}, nil, false, "not a port of lagg0", 1},
		{"joined not active", false, "mce0", lagg, map[string]*live.Interface{"lagg0": lagg0(hnActive, vfPort), "mce0": vfUp}, nil, false, "not ACTIVE", 1},
		{"no lagg", false, "mce0", lagg, map[string]*live.Interface{"mce0": vfUp}, nil, false, "lagg0 does not exist", 1},
		{"no vf", false, "", lagg, map[string]*live.Interface{"lagg0": lagg0(hnActive)}, nil, false, "no VF attached", 0},
		{"driverless", false, "", lagg, map[string]*live.Interface{"lagg0": lagg0(hnActive)}, orphan, false, "pci2:0:2:0 (mana) has no driver", 1},
		{"transparent", true, "mce0", transparent, map[string]*live.Interface{"mce0": vfUp}, nil, true, "transparent mode", 0},
		{"transparent down", true, "mce0", transparent, map[string]*live.Interface{"mce0": vfDown}, nil, false, "is down", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &hn.Snapshot{Transparent: c.transparent, TransparentKnown: true, HN: []hn.Iface{{Name: "hn0", VF: c.vf}}}
			r := Assess(Input{Snapshot: s, Plan: c.plan, Ifaces: c.ifaces, PCI: c.pci, Now: time.Now()})
			h := r.HN[0]
			if h.Accelerated != c.yes || r.Accelerated != c.yes || !strings.Contains(h.Verdict, c.verdict) || len(r.Drift) != c.drift {
				t.Errorf("got %v %q, drift %q; want %v, verdict with %q, %d drift", h.Accelerated, h.Verdict, r.Drift, c.yes, c.verdict, c.drift)
			}
			if want := "accelerated: no: "; !c.yes && !strings.HasPrefix(h.Verdict, want) {
				t.Errorf("verdict %q does not start with %q", h.Verdict, want)
			}
		})
	}
}

// The loader files asking for another mode than the kernel runs is drift;
// a guest without hn reports its VFs as direct ones.
func TestModeDriftAndDirectVFs(t *testing.T) {
	s := &hn.Snapshot{TransparentKnown: true, HN: []hn.Iface{{Name: "hn0"}}}
	r := Assess(Input{Snapshot: s, Plan: &render.Plan{}, NextBoot: Tunable{Set: true, Mode: render.ModeTransparent, Origin: "/boot/loader.conf:3"}})
	if len(r.Drift) != 1 || !strings.Contains(r.Drift[0], "/boot/loader.conf:3") || r.HN[0].Mode.NextBoot != render.ModeTransparent {
		t.Errorf("drift %q, mode %+v", r.Drift, r.HN[0].Mode)
	}
	r = Assess(Input{Snapshot: &hn.Snapshot{Interfaces: []string{"lo0", "mana0", "mana1"}}, Plan: &render.Plan{}})
	if len(r.HN) != 0 || len(r.DirectVFs) != 2 || !r.Accelerated || len(r.Drift) != 0 {
		t.Errorf("direct: %+v", r)
	}
}
