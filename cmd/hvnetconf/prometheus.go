package main

import (
	"fmt"
	"io"
)

// writePrometheus prints status in node_exporter's textfile collector
// format (the Prometheus text exposition format: one HELP and TYPE line
// per metric family, then samples with labels). Label values are
// interface names, which ifname.Valid limits to letters, digits, '.' and
// '_': nothing to escape.
func writePrometheus(w io.Writer, r *statusReport) {
	family := func(name, typ, help string, samples func(emit func(labels string, v float64))) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		samples(func(labels string, v float64) { fmt.Fprintf(w, "%s%s %g\n", name, labels, v) })
	}
	perVF := func(get func(h int) float64) func(emit func(string, float64)) {
		return func(emit func(string, float64)) {
			for i, h := range r.HN {
				vf := ""
				if h.VF != nil {
					vf = h.VF.Name
				}
				emit(fmt.Sprintf(`{hn=%q,vf=%q}`, h.Name, vf), get(i))
			}
		}
	}
	perHN := func(get func(h int) (float64, bool)) func(emit func(string, float64)) {
		return func(emit func(string, float64)) {
			for i, h := range r.HN {
				if v, ok := get(i); ok {
					emit(fmt.Sprintf(`{hn=%q}`, h.Name), v)
				}
			}
		}
	}
	family("hvnetconf_accelerated", "gauge", "1 when the hn's traffic runs over its VF (status verdict yes).",
		perVF(func(i int) float64 { return b2f(r.HN[i].Accelerated) }))
	family("hvnetconf_vf_present", "gauge", "1 when the kernel pairs a VF with the hn (dev.hn.N.vf).",
		perVF(func(i int) float64 { return b2f(r.HN[i].VF != nil) }))
	family("hvnetconf_vf_active", "gauge", "1 when the VF is the ACTIVE port of the hn's lagg (lagg mode).",
		perVF(func(i int) float64 { return b2f(r.HN[i].VF != nil && r.HN[i].VF.Active) }))
	family("hvnetconf_vf_arrivals_total", "counter", "VF arrivals since boot (VF history).",
		perHN(func(i int) (float64, bool) { return float64(r.HN[i].History.Arrivals), true }))
	family("hvnetconf_vf_departures_total", "counter", "VF departures since boot (VF history).",
		perHN(func(i int) (float64, bool) { return float64(r.HN[i].History.Departures), true }))
	family("hvnetconf_vf_last_join_seconds", "gauge", "How long the last VF join took, from arrival to lagg port.",
		perHN(func(i int) (float64, bool) {
			s := r.HN[i].History.LastJoinSeconds
			if s == nil {
				return 0, false
			}
			return *s, true
		}))
	family("hvnetconf_vf_absent_seconds", "gauge", "Time since boot the hn had no VF.",
		perHN(func(i int) (float64, bool) { return r.HN[i].History.WithoutVFSeconds, true }))
	family("hvnetconf_vf_orphan_functions", "gauge", "PCI network functions of a VF vendor with no driver attached.",
		func(emit func(string, float64)) { emit("", float64(len(r.Orphans))) })
	family("hvnetconf_drift", "gauge", "Silent-fallback findings check reports (exit 1 when above 0).",
		func(emit func(string, float64)) { emit("", float64(len(r.Drift))) })
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
