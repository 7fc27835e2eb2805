package accel

import (
	"fmt"
	"slices"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/hvnetconf/hvnetconf/vfhistory"
)

func assessHN(in Input, i hn.Iface, m Mode, orph []Orphan) HN {
	h := HN{Name: i.Name, Mode: m}
	h.History = vfhistory.Summarize(in.History, i.Name, in.Boot, in.Now, i.VF != "")
	var lagg *live.Interface
	if l, ok := planLagg(in.Plan, i.Name); ok {
		h.Lagg = l
		lagg = in.Ifaces[l]
	}
	if i.VF != "" {
		h.VF = vfState(i.VF, in.Ifaces[i.VF], lagg)
	}
	h.Accelerated, h.Verdict = verdict(h, lagg, orph, in.Plan)
	return h
}

// planLagg is the lagg the plan gives hn, in whatever mode it renders.
func planLagg(p *render.Plan, hnName string) (string, bool) {
	if p == nil {
		return "", false
	}
	for _, l := range p.Laggs {
		if l.HN == hnName {
			return l.Name, true
		}
	}
	return "", false
}

func vfState(name string, vf, lagg *live.Interface) *VF {
	v := &VF{Name: name, Family: Family(name), Attached: vf != nil}
	if vf != nil {
		v.Up = vf.HasFlag("UP")
	}
	if lagg != nil && lagg.Lagg != nil {
		if p, ok := lagg.Lagg.Port(name); ok {
			v.Port, v.Active = true, p.Active
		}
	}
	return v
}

func no(format string, a ...any) (bool, string) {
	return false, "accelerated: no: " + fmt.Sprintf(format, a...)
}

// verdict is the one line: yes, or no with why and what to do. In
// transparent mode hn(4) drives its VF itself (if_hn.c hn_xpnt_vf_*), so
// a VF that is up carries the traffic; in lagg mode only the lagg's
// ACTIVE port does (if_lagg.c lagg_link_active, failover).
func verdict(h HN, lagg *live.Interface, orph []Orphan, p *render.Plan) (bool, string) {
	v := h.VF
	switch {
	case v == nil && len(orph) > 0:
		return no("no VF attached to %s, and PCI function %s (%s) has no driver: %s", h.Name, orph[0].Selector, orph[0].Family, loadHint(orph[0].Family))
	case v == nil:
		return no("no VF attached to %s, traffic runs on the synthetic path: enable accelerated networking on the VM's NIC, or wait if the host is servicing it (status shows the departures)", h.Name)
	case !v.Attached:
		return no("%s names VF %s but no such interface exists: check dmesg for its driver", h.Name, v.Name)
	case h.Mode.Running == render.ModeTransparent && !v.Up:
		return no("VF %s is down; in transparent mode hn(4) brings it up itself after hw.hn.vf_xpnt_attwait: wait, then check dmesg", v.Name)
	case h.Mode.Running == render.ModeTransparent:
		return true, fmt.Sprintf("accelerated: yes (transparent mode: %s drives %s)", h.Name, v.Name)
	case h.Lagg == "" || p.Mode.Reboot:
		return no("lagg mode, and hvnetconf has no lagg for %s now (%s): its VF %s carries no traffic; hvnetconf apply (or reboot, when the mode waits for it)", h.Name, p.Mode.Reason, v.Name)
	case lagg == nil:
		return no("%s does not exist, so VF %s carries no traffic: hvnetconf apply", h.Lagg, v.Name)
	case !v.Port:
		return no("VF %s is not a port of %s (ports: %s), traffic runs on %s: hvnetconf vf-up %s", v.Name, h.Lagg, ports(lagg), h.Name, h.Name)
	case !v.Active:
		return no("VF %s is a port of %s but not ACTIVE (up: %v), %s carries the traffic: check its link (ifconfig %s)", v.Name, h.Lagg, v.Up, h.Name, v.Name)
	}
	return true, fmt.Sprintf("accelerated: yes (%s is the ACTIVE port of %s)", v.Name, h.Lagg)
}

func ports(l *live.Interface) string {
	var out []string
	if l.Lagg != nil {
		for _, p := range l.Lagg.Ports {
			out = append(out, p.Name)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	slices.Sort(out)
	return fmt.Sprint(out)
}
