package render

import "github.com/hvnetconf/hvnetconf/internal/finding"

// transparent renders transparent mode: hn drives the VF itself, so the only
// job is to keep rc.conf off every VF and to report what would still reach
// one. No lagg, no devd rules.
func (b *builder) transparent() {
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
}
