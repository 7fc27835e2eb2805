package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hvnetconf/hvnetconf/accel"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/hvnetconf/hvnetconf/vfhistory"
	"github.com/spf13/pflag"
)

func statusCommand() *command {
	in := &inputFlags{}
	var prom bool
	return &command{
		name:    "status",
		summary: "is accelerated networking carrying the traffic? each hn's mode, VF, verdict and VF history (running system only)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVarP(&in.root, "root", "R", "/", "the running system's root `DIR`")
			fs.StringVarP(&in.config, "config", "c", "", "policy `FILE` (default ROOT/usr/local/etc/hvnetconf.toml, optional)")
			fs.BoolVar(&in.lenient, "lenient", false, "skip rc.conf statements hvnetconf refuses to evaluate (reported as findings)")
			fs.BoolVar(&in.json, "json", false, "print one JSON object instead of text")
			fs.BoolVar(&prom, "prometheus", false, "print node_exporter's textfile format (gauges and counters with hn and vf labels)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "status: unexpected argument %q", inv.args[0])
			}
			if in.json && prom {
				return sysexits.Errorf(sysexits.Usage, "status: --json and --prometheus exclude each other")
			}
			rep, err := status(ctx, inv, in)
			if err != nil {
				return err
			}
			switch {
			case in.json:
				return writeJSON(inv.stdout, rep)
			case prom:
				writePrometheus(inv.stdout, rep)
			default:
				writeStatus(inv.stdout, rep)
			}
			return nil
		},
	}
}

// statusReport is status --json (docs/hvnetconf.schema.json, #/$defs/status).
type statusReport struct {
	Version string `json:"version"`
	Root    string `json:"root"`
	Boot    string `json:"boot_time"`
	accel.Report
	// Notes say what status could not fully read (a history file with
	// unreadable lines, rebuilt at the next event).
	Notes []string `json:"notes"`
}

// status reads the running system, the plan, the loader files and the VF
// history, and assesses them (package accel).
func status(ctx context.Context, inv *invocation, in *inputFlags) (*statusReport, error) {
	sys := live.New(ctx)
	root, _, err := in.open(ctx, inv, lockWait, func(image bool) error {
		if image {
			return sysexits.Errorf(sysexits.Usage, "status: -R %s is an image; status reads the running system only", in.root)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s, err := live.Snapshot(sys)
	if err != nil {
		return nil, err
	}
	o := in.options(root)
	o.Snapshot = s
	res, err := in.render(ctx, o, sys)
	if err != nil {
		return nil, in.refused(inv, err)
	}
	a, notes, err := gather(ctx, sys, o.Root, s, res.Plan)
	if err != nil {
		return nil, err
	}
	return &statusReport{Version: version.Version, Root: in.root, Boot: a.Boot.UTC().Format(time.RFC3339),
		Report: accel.Assess(a), Notes: notes}, nil
}

// gather reads what accel.Assess needs from the running system and the
// root: each lagg of the plan and each VF (`ifconfig NAME`), the PCI
// functions (`pciconf -l`), the loader files, the history, the boot time.
func gather(ctx context.Context, sys live.System, root *fsys.Root, s *hn.Snapshot, p *render.Plan) (accel.Input, []string, error) {
	in := accel.Input{Snapshot: s, Plan: p, Ifaces: map[string]*live.Interface{}, Now: time.Now()}
	notes := []string{}
	var names []string
	for _, l := range p.Laggs {
		names = append(names, l.Name)
	}
	for _, i := range s.HN {
		if i.VF != "" {
			names = append(names, i.VF)
		}
	}
	for _, n := range names {
		ifc, err := live.Show(ctx, sys, n)
		if err != nil && !errors.Is(err, live.ErrNoInterface) {
			return in, nil, err
		}
		in.Ifaces[n] = ifc
	}
	var err error
	if in.PCI, err = live.PCI(ctx, sys); err != nil {
		// /dev/pci may be closed to this process (a jail): the rest
		// of the answer still holds.
		notes = append(notes, fmt.Sprintf("%s -l: %v (functions without a driver were not looked for)", live.Pciconf, err))
	}
	if in.NextBoot, err = accel.NextBoot(root); err != nil {
		return in, nil, err
	}
	events, dropped, err := vfhistory.Read(root)
	if err != nil {
		notes = append(notes, fmt.Sprintf("%s: %v (the history starts afresh at the next VF event)", vfhistory.Path, err))
	}
	if dropped > 0 {
		notes = append(notes, fmt.Sprintf("%s: %d unreadable line(s) ignored; the next VF event rewrites the file", vfhistory.Path, dropped))
	}
	in.History = events
	in.Boot, err = live.BootTime(sys)
	return in, notes, err
}

func writeStatus(w io.Writer, r *statusReport) {
	for _, h := range r.HN {
		fmt.Fprintf(w, "%s: %s\n", h.Name, h.Verdict)
		fmt.Fprintf(w, "  mode: %s now, %s at next boot (%s)\n", h.Mode.Running, h.Mode.NextBoot, h.Mode.NextBootFrom)
		if v := h.VF; v != nil {
			fmt.Fprintf(w, "  vf: %s (%s): attached=%s up=%s", v.Name, v.Family, yes(v.Attached), yes(v.Up))
			if h.Lagg != "" {
				fmt.Fprintf(w, " port-of-%s=%s active=%s", h.Lagg, yes(v.Port), yes(v.Active))
			}
			fmt.Fprintln(w)
		} else {
			fmt.Fprintln(w, "  vf: none")
		}
		hs := h.History
		fmt.Fprintf(w, "  since boot: %d arrival(s), %d departure(s), %s without a VF", hs.Arrivals, hs.Departures, seconds(hs.WithoutVFSeconds))
		if hs.LastJoinSeconds != nil {
			fmt.Fprintf(w, ", last join took %s", seconds(*hs.LastJoinSeconds))
		}
		fmt.Fprintln(w)
		for _, e := range hs.Events {
			fmt.Fprintf(w, "    %s %-6s %s\n", e.Time.UTC().Format(time.RFC3339), e.Kind, e.VF)
		}
	}
	if len(r.HN) == 0 {
		fmt.Fprintf(w, "no hn(4) interface: this guest's NICs are not synthetic; hvnetconf manages nothing here and renders nothing that touches them\n")
		if len(r.DirectVFs) > 0 {
			fmt.Fprintf(w, "direct VFs (no hn, e.g. Azure's direct MANA): %v, configured by rc.conf alone\n", r.DirectVFs)
		}
	}
	for _, o := range r.Orphans {
		fmt.Fprintf(w, "orphan: PCI function %s (vendor %s device %s, %s) has no driver\n", o.Selector, o.Vendor, o.Device, o.Family)
	}
	for _, d := range r.Drift {
		fmt.Fprintf(w, "drift: %s\n", d)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func seconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(time.Millisecond).String()
}
