// Package render is hvnetconf's pure core: from the rc.conf variables as
// FreeBSD evaluates them, the hn/VF snapshot and the policy config, it
// decides every file hvnetconf owns and what the running system should look
// like. It reads no files, runs nothing and changes nothing.
package render

import (
	"cmp"
	"slices"

	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// The files hvnetconf may own, as logical paths under the root.
const (
	NetworkFile = "/usr/local/etc/rc.conf.d/network" // read by netif and dhclient after rc.conf
	RoutingFile = "/usr/local/etc/rc.conf.d/routing" // read by rc.d/routing
	DevdFile    = "/usr/local/etc/devd/hvnetconf.conf"
	LoaderFile  = "/boot/loader.conf.d/hvnetconf.conf"
)

// Targets lists every path hvnetconf may own; an owned one the plan does not
// write any more is removed.
var Targets = append([]string{LoaderFile, DevdFile}, rcTargets()...)

// Binary is where the devd rules find hvnetconf (the port's install path).
var Binary = "/usr/local/sbin/hvnetconf"

// Input is everything a render depends on.
type Input struct {
	Netif   *rcconf.Env // as rc.d/netif loads it (network, netif), hvnetconf's own files masked
	Routing *rcconf.Env // as rc.d/routing loads it (routing), hvnetconf's own files masked; nil: not loaded (runtime only)
	// Services holds load_rc_config NAME for every other service with an
	// rc.conf.d file and every service a reference rule writes for
	// (refrules.go), hvnetconf's own files masked.
	Services map[string]*rcconf.Env
	Snapshot *hn.Snapshot
	Config   *config.Config
	// Firewall holds rule files to scan for hn names, by logical path.
	Firewall map[string][]byte
	// Loader holds the loader files that can contradict LoaderFile
	// (LoaderOverrides) and LoaderDefaults, by logical path; absent
	// files are absent.
	Loader map[string][]byte
}

// File is one file hvnetconf wants to exist with exactly this content.
type File struct {
	Path string
	Data []byte
}

// Lagg is the runtime intent for one hn in lagg mode: apply and check bring
// the system to it and verify it.
type Lagg struct {
	Name string `json:"name"`
	// Clone is the laggN created and then renamed to Name (ifconfig_laggN_name;
	// see chosen); "" when the lagg is created as Name.
	Clone  string       `json:"clone,omitempty"`
	HN     string       `json:"hn"`
	VF     string       `json:"vf,omitempty"` // attached now, per the snapshot
	MTU    int          `json:"mtu,omitempty"`
	DHCP   bool         `json:"dhcp"`
	Config string       `json:"ifconfig"` // the rendered ifconfig_laggN
	Static []StaticAddr `json:"static,omitempty"`
}

// Expectation is a value the self-check requires a service to see.
type Expectation struct {
	Services []string
	Name     string
	Value    string
	File     string // the rendered file that sets it
}

// Plan is the whole outcome of a render.
type Plan struct {
	Mode     Decision          `json:"mode"`
	Files    []File            `json:"-"`
	Laggs    []Lagg            `json:"laggs"`
	Findings []finding.Finding `json:"findings"`
	Expect   []Expectation     `json:"-"`
	// VFDelay is the hyperv_vf_delay rendered, in seconds: how long
	// vf-attach waits before it brings a new VF up. 0 when no lagg is
	// rendered (nothing then waits for a VF).
	VFDelay int `json:"-"`
}

// Runtime is what the running system is brought to now, and what apply,
// check and the devd handlers converge and verify: the plan's laggs, none
// outside lagg mode, and none while the mode waits for the next boot (the
// kernel still runs the other mode; only the files may change).
func (p *Plan) Runtime() []Lagg {
	if p.Mode.Mode != ModeLagg || p.Mode.Reboot {
		return nil
	}
	return p.Laggs
}

// RuntimeLagg is the lagg the plan brings hn into now, if any.
func (p *Plan) RuntimeLagg(hn string) (Lagg, bool) {
	for _, l := range p.Runtime() {
		if l.HN == hn {
			return l, true
		}
	}
	return Lagg{}, false
}

// File returns the planned content of path, if the plan writes it.
func (p *Plan) File(path string) ([]byte, bool) {
	i := slices.IndexFunc(p.Files, func(f File) bool { return f.Path == path })
	if i < 0 {
		return nil, false
	}
	return p.Files[i].Data, true
}

// Render decides the plan. Its output depends only on in: the same input
// always gives byte-identical files in the same order.
func Render(in Input) (*Plan, error) {
	p := &Plan{Mode: decideMode(in.Config, in.Snapshot)}
	b := newBuilder(in, p)
	if p.Mode.Mode == ModeLagg {
		b.lagg()
	} else {
		b.transparent()
	}
	b.common()
	b.noHN()
	if err := b.files(); err != nil {
		return nil, err
	}
	sortFindings(p.Findings)
	return p, nil
}

// transparent renders transparent mode: hn drives the VF itself, so the only
// job is to keep rc.conf off every VF and to report what would still reach
// one. No lagg, no devd rules.
func (b *builder) transparent() {
	if b.in.Config.Mode == config.ModeAuto {
		// Installing hvnetconf on a stock guest renders no lagg: say
		// why, what it means, and how to get the lagg if that was
		// the point (render/mode.go decideMode, loaderTunables).
		_, why := kernelMode(b.in.Snapshot)
		b.finding(finding.Warning, rcconf.Origin{}, "mode auto follows the kernel (%s: transparent, FreeBSD's default): hn(4) drives each VF itself, so no lagg is rendered and every VF is kept NOAUTO; for failover laggs set mode = \"lagg\" in %s (renders hw.hn.vf_transparent=0 for the loader; takes effect at the next boot)",
			why, cmp.Or(b.in.Config.Source, config.DefaultPath))
	}
	b.vfNoAuto("VFs: hn(4) drives them in transparent mode; rc must not configure them")
	b.defaultReachesVFs()
	owners := b.portOwners()
	for _, vf := range b.knownVFs() {
		if v, ok := owners[vf]; ok {
			b.finding(finding.Warning, v.Origin, "%s puts the VF %s in a lagg; in transparent mode hn(4) drives it and nothing else may", v.Name, vf)
		}
	}
}

// common renders what both modes share, after the mode's own rules.
func (b *builder) common() {
	b.loaderTunables()
	b.firewallFindings()
	b.nearMisses()
	b.misplaced()
}
