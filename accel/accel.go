// Package accel answers "is accelerated networking carrying this guest's
// traffic?": for each hn(4), its mode now and at the next boot, its VF
// (present, attached, up, a port of the lagg, the ACTIVE one), one
// verdict line, what check must call drift, and the VF history. It is
// pure: the caller reads the running system (package live), the loader
// files (NextBoot) and the history (package vfhistory) and hands them in.
package accel

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/hvnetconf/hvnetconf/vfhistory"
)

// Input is what the running system, the plan, the loader files and the
// history say.
type Input struct {
	Snapshot *hn.Snapshot
	Plan     *render.Plan
	// Ifaces holds `ifconfig NAME` of each lagg of the plan and each VF
	// of the snapshot; nil (or absent) for an interface that does not exist.
	Ifaces   map[string]*live.Interface
	PCI      []live.PCIFunc
	NextBoot Tunable
	History  []vfhistory.Event
	Boot     time.Time
	Now      time.Time
}

// Report is the whole answer.
type Report struct {
	HN []HN `json:"hn"`
	// Orphans are network functions of a VF vendor that no driver
	// claimed: a VF the image cannot drive.
	Orphans []Orphan `json:"orphans"`
	// DirectVFs are VF interfaces with no hn at all (a guest whose NICs
	// are VFs alone, as Azure's direct MANA mode offers).
	DirectVFs []string `json:"direct_vfs"`
	// Drift is what check reports (exit 1): a VF present but carrying no
	// traffic in lagg mode, an orphaned VF function, a mode in force that
	// differs from the loader files'.
	Drift []string `json:"drift"`
	// Accelerated is true when every hn (or, without hn, a direct VF)
	// runs over its VF.
	Accelerated bool `json:"accelerated"`
}

// HN is one hn's answer.
type HN struct {
	Name        string            `json:"name"`
	Mode        Mode              `json:"mode"`
	Lagg        string            `json:"lagg,omitempty"`
	VF          *VF               `json:"vf"`
	Accelerated bool              `json:"accelerated"`
	Verdict     string            `json:"verdict"`
	History     vfhistory.Summary `json:"history"`
}

// Mode is the hn mode now (hw.hn.vf_transparent) and at the next boot.
type Mode struct {
	Running      render.Mode `json:"running"`
	NextBoot     render.Mode `json:"next_boot"`
	NextBootFrom string      `json:"next_boot_from"`
}

// VF is the VF the kernel pairs with an hn (dev.hn.N.vf).
type VF struct {
	Name   string `json:"name"`
	Family string `json:"family"` // mlx4, mlx5, mana, unknown
	// Attached: its driver attached an interface (ifconfig shows it).
	Attached bool `json:"attached"`
	Up       bool `json:"up"`
	Port     bool `json:"port"`   // a port of the hn's lagg (lagg mode)
	Active   bool `json:"active"` // that port is flagged ACTIVE: it carries the traffic
}

// Orphan is a PCI function no driver claimed.
type Orphan struct {
	Selector string `json:"selector"`
	Vendor   string `json:"vendor"`
	Device   string `json:"device"`
	Family   string `json:"family"`
}

// Family is hn.VFFamily, "unknown" for a name of no VF driver.
func Family(name string) string {
	if f := hn.VFFamily(name); f != "" {
		return f
	}
	return "unknown"
}

// vfVendors are the PCI vendors of Azure's VFs: Mellanox (ConnectX-3:
// mlx4, ConnectX-4 and later: mlx5) and Microsoft (MANA).
var vfVendors = map[uint16]string{0x15b3: "mlx4 or mlx5", 0x1414: "mana"}

// Assess answers for every hn of the snapshot.
func Assess(in Input) Report {
	r := Report{HN: []HN{}, Orphans: orphans(in.PCI), DirectVFs: []string{}, Drift: []string{}}
	running := render.ModeLagg
	if in.Snapshot.Transparent {
		running = render.ModeTransparent
	}
	next, from := running, "unset in the loader files: the kernel's default, as now"
	if in.NextBoot.Set {
		next, from = in.NextBoot.Mode, in.NextBoot.Origin
		if next != running {
			r.Drift = append(r.Drift, fmt.Sprintf("the kernel runs %s mode but %s sets hw.hn.vf_transparent for %s mode: reboot to bring it in force, or change the file", running, from, next))
		}
	}
	for _, o := range r.Orphans {
		r.Drift = append(r.Drift, fmt.Sprintf("PCI network function %s (vendor %s, %s) has no driver attached: %s", o.Selector, o.Vendor, o.Family, loadHint(o.Family)))
	}
	r.Accelerated = true
	for _, i := range in.Snapshot.HN {
		h := assessHN(in, i, Mode{Running: running, NextBoot: next, NextBootFrom: from}, r.Orphans)
		if !h.Accelerated {
			r.Accelerated = false
			if d := drift(h); d != "" {
				r.Drift = append(r.Drift, d)
			}
		}
		r.HN = append(r.HN, h)
	}
	if len(in.Snapshot.HN) == 0 {
		r.DirectVFs = directVFs(in)
		r.Accelerated = len(r.DirectVFs) > 0
	}
	return r
}

// drift is the check line for an hn whose VF is here and attached but
// carries no traffic in lagg mode: the silent fallback. An hn without a
// VF is not drift (migration takes it away for a while).
func drift(h HN) string {
	if h.VF == nil || !h.VF.Attached || h.Mode.Running != render.ModeLagg || h.Lagg == "" {
		return ""
	}
	return h.Name + ": " + strings.TrimPrefix(h.Verdict, "accelerated: no: ")
}

// loadHint says how to give a family's function a driver.
func loadHint(family string) string {
	switch family {
	case "mana":
		return "the image lacks mana(4): kldload if_mana (and keep devmatch_enable=YES in rc.conf so a hot-added VF loads it)"
	}
	return "the image lacks its driver: kldload mlx5en (ConnectX-4 and later) or mlx4en (ConnectX-3), and keep devmatch_enable=YES in rc.conf"
}

func orphans(pci []live.PCIFunc) []Orphan {
	out := []Orphan{}
	for _, f := range pci {
		if fam, ok := vfVendors[f.Vendor]; ok && f.Network() && !f.Attached() {
			out = append(out, Orphan{Selector: f.Selector, Vendor: fmt.Sprintf("0x%04x", f.Vendor), Device: fmt.Sprintf("0x%04x", f.Device), Family: fam})
		}
	}
	return out
}

// directVFs are the interfaces of a guest without hn that a VF driver
// made (by family name): its NICs themselves.
func directVFs(in Input) []string {
	out := []string{}
	for _, n := range in.Snapshot.Interfaces {
		if Family(n) != "unknown" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
