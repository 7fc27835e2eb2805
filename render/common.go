package render

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// knownVFs lists every VF the snapshot knows, sorted: current ones
// (hw.hn.vflist), mapped ones and the ones named by dev.hn.N.vf.
func (b *builder) knownVFs() []string {
	s := b.in.Snapshot
	set := map[string]bool{}
	for _, vf := range s.VFList {
		set[vf] = true
	}
	for vf := range s.VFMap {
		set[vf] = true
	}
	for _, h := range s.HN {
		if h.VF != "" {
			set[h.VF] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// vfNoAuto keeps rc.conf (netif at boot, pccard_ether at hot-plug) away from
// every known VF, and reports the settings that tried to configure one.
func (b *builder) vfNoAuto(why string) {
	s := section{Title: why}
	for _, vf := range b.knownVFs() {
		m := rcconf.MangleIfName(vf)
		a := assign{Name: "ifconfig_" + m, Value: "NOAUTO", Comments: []string{b.vfOrigin(vf)}}
		if v, ok := b.in.Netif.Lookup("ifconfig_" + m); ok && !rcconf.ParseKeywords(v.Value).NoAuto {
			a.Comments = append(a.Comments, "overrides "+from(v))
		}
		b.vfLines(vf)
		s.Assigns = append(s.Assigns, a)
		if v, ok := b.in.Netif.IfVar(vf, "ifconfig_IF_name"); ok && v.Value != "" {
			// network.subr ifnet_rename does not look at NOAUTO: a VF
			// present when netif starts would be renamed, and neither
			// this NOAUTO nor the next VF after a live migration (a new
			// device, a new name) would follow it.
			b.finding(finding.Warning, v.Origin, "%s renames the VF %s to %q: a VF is replaced at every live migration and only its driver name pairs it with its hn; the rename is cancelled", v.Name, vf, v.Value)
			s.Assigns = append(s.Assigns, assign{Name: v.Name, Value: "", Comments: []string{"cancels " + from(v)}})
		}
	}
	b.add("network", s)
}

// vfOrigin says which kernel fact makes vf a VF, for its origin comment.
// It names sysctls, not the snapshot file, so that an offline and a live
// render of the same host write the same bytes.
func (b *builder) vfOrigin(vf string) string {
	if h, ok := b.in.Snapshot.HNForVF(vf); ok {
		if unit, err := hn.HNUnit(h); err == nil {
			return fmt.Sprintf("VF of %s (dev.hn.%d.vf, hw.hn.vfmap)", h, unit)
		}
	}
	return "a VF (hw.hn.vflist)"
}

// defaultReachesVFs warns about ifconfig_DEFAULT: it applies to every
// interface without its own ifconfig_IF, so a VF that attaches later (a new
// name after live migration) would be configured by rc.
func (b *builder) defaultReachesVFs() {
	for _, name := range []string{"ifconfig_DEFAULT", "ifconfig_DEFAULT_ipv6"} {
		if v, ok := b.in.Netif.Lookup(name); ok && len(fields(v.Value)) > 0 {
			b.finding(finding.Warning, v.Origin, "%s reaches VFs that attach later (new names after live migration); set ifconfig_hnN explicitly and remove it", name)
		}
	}
}

// clonedInterfaces renders the merged, static cloned_interfaces: rc.conf.d
// files are sourced several times per boot, so "${cloned_interfaces} lagg0"
// would grow with every pass.
func (b *builder) clonedInterfaces(needs map[string][]string) {
	v, _ := b.in.Netif.Lookup("cloned_interfaces")
	words := fields(v.Value)
	have := map[string]bool{}
	for _, w := range words {
		have[strings.SplitN(w, ":", 2)[0]] = true // name[:sticky]
	}
	var added []string
	for _, l := range b.laggs {
		if !have[l] {
			words = cloneOrder(words, l, needs[l])
			added = append(added, l)
		}
	}
	comment := "hvnetconf's laggs"
	if v.Origin.File != "" {
		comment = fmt.Sprintf("from %s cloned_interfaces", v.Origin)
	}
	if len(added) > 0 {
		comment += ", plus " + strings.Join(added, " ")
	}
	b.add("network", section{Title: "clones created by netif", Assigns: []assign{
		{Name: "cloned_interfaces", Value: strings.Join(words, " "), Comments: []string{comment}},
	}})
}

// vfDelay renders hyperv_vf_delay, read by vf-attach before it brings a new
// VF up. hvnetconf.toml wins; else rc.conf's value; never below FreeBSD's 2
// (libexec/hyperv/hyperv_vfattach), never above config.MaxDelay.
func (b *builder) vfDelay() {
	delay, comment := config.MinVFDelay, "FreeBSD's default"
	if v, ok := b.in.Netif.Lookup("hyperv_vf_delay"); ok {
		n, err := strconv.Atoi(v.Value)
		switch {
		case err == nil && n > config.MaxDelay:
			// A typo (milliseconds for seconds) would leave a new VF
			// down for days; hvnetconf.toml refuses it outright.
			delay, comment = config.MaxDelay, from(v)+", capped"
			b.finding(finding.Warning, v.Origin, "hyperv_vf_delay=%q is over %d seconds; using %d", v.Value, config.MaxDelay, config.MaxDelay)
		case err == nil && n >= config.MinVFDelay:
			delay, comment = n, from(v)
		default:
			b.finding(finding.Warning, v.Origin, "hyperv_vf_delay=%q is not a number of seconds >= 2; using 2", v.Value)
		}
	}
	// Where to change it: this file is rendered over, so say which
	// input wins (hvnetconf.toml's vf_delay over rc.conf's).
	change := "to change it: sysrc hyperv_vf_delay=N (rc.conf), then hvnetconf apply"
	if c := b.in.Config; c.VFDelaySet {
		delay, comment = c.VFDelay, "from "+configName(c)+" vf_delay"
		change = "to change it: vf_delay in " + configName(c) + " (it wins over rc.conf), then hvnetconf apply"
	}
	b.p.VFDelay = delay
	b.add("network", section{Title: "seconds vf-attach waits before bringing a new VF up", Assigns: []assign{
		{Name: "hyperv_vf_delay", Value: strconv.Itoa(delay), Comments: []string{comment, change}},
	}})
}

// loaderTunables renders what only the loader can set: the VF mode when the
// policy differs from the kernel, and the transparent-mode attach wait.
func (b *builder) loaderTunables() {
	d := b.p.Mode
	if d.Reboot {
		val := "0"
		if d.Mode == ModeTransparent {
			val = "1"
		}
		b.loader = append(b.loader, assign{Name: "hw.hn.vf_transparent", Value: val,
			Comments: []string{fmt.Sprintf("mode = %q in %s; the kernel runs %s mode", b.in.Config.Mode, configName(b.in.Config), d.Kernel)}})
		b.finding(finding.Warning, rcconf.Origin{File: LoaderFile}, "the kernel runs %s mode but %s asks for %s: reboot for hw.hn.vf_transparent=%s to take effect; until then only files change", d.Kernel, configName(b.in.Config), d.Mode, val)
		b.loaderOverrides()
	}
	if w := b.in.Config.XpntAttwait; w > 0 && d.Mode == ModeTransparent {
		b.loader = append(b.loader, assign{Name: "hw.hn.vf_xpnt_attwait", Value: strconv.Itoa(w),
			Comments: []string{"from " + configName(b.in.Config) + " xpnt_attwait"}})
	}
	if len(b.loader) > 0 {
		b.loaderWithoutDirs()
	}
}

// LoaderDefaults is the loader's own defaults file, which says whether it
// reads /boot/loader.conf.d at all.
const LoaderDefaults = "/boot/defaults/loader.conf"

var loaderConfDirs = regexp.MustCompile(`(?m)^[ \t]*loader_conf_dirs[ \t]*=`)

// loaderWithoutDirs warns when the root's loader will not read LoaderFile:
// stand/defaults/loader.conf sets loader_conf_dirs="/boot/loader.conf.d"
// in freebsd-src @ 023fc80ee38a, and has no such line in older trees
// (FreeBSD 12-era stand/, e.g. cadets/freebsd-old @ 40fd828fe31d), whose
// loader reads loader_conf_files only. A root without the defaults file
// (a bare test tree) says nothing either way: no warning.
func (b *builder) loaderWithoutDirs() {
	defaults, ok := b.in.Loader[LoaderDefaults]
	if !ok || loaderConfDirs.Match(defaults) {
		return
	}
	for _, o := range LoaderOverrides {
		if loaderConfDirs.Match(b.in.Loader[o.Path]) {
			return
		}
	}
	names := make([]string, len(b.loader))
	for i, a := range b.loader {
		names[i] = a.Name + "=" + a.Value
	}
	b.finding(finding.Warning, rcconf.Origin{File: LoaderDefaults},
		"this loader has no loader_conf_dirs (older FreeBSD), so it never reads %s and %s will not take effect: set it in /boot/loader.conf instead",
		LoaderFile, strings.Join(names, " "))
}

// firewallFindings reports rule files that name a managed hn: in lagg mode
// the traffic flows over the lagg, so such rules silently stop matching.
func (b *builder) firewallFindings() {
	for _, l := range b.p.Laggs {
		word := regexp.MustCompile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(l.HN) + `($|[^A-Za-z0-9_])`)
		for _, path := range slices.Sorted(maps.Keys(b.in.Firewall)) {
			for i, line := range strings.Split(string(b.in.Firewall[path]), "\n") {
				if word.MatchString(line) {
					b.finding(finding.Warning, rcconf.Origin{File: path, Line: i + 1}, "firewall rule names %s; traffic now flows over %s: update the rule", l.HN, l.Name)
				}
			}
		}
	}
}

// LoaderOverrides are the loader files that may set hw.hn.vf_transparent
// too, with why each one matters. FreeBSD's stand/defaults/loader.conf
// reads loader_conf_files (/boot/loader.conf), then loader_conf_dirs
// (/boot/loader.conf.d), then local_loader_conf_files
// (/boot/loader.conf.local, read last since FreeBSD 14.1); a later
// assignment replaces an earlier one. A loader without loader_conf_dirs
// (the Forth one, older releases) never reads LoaderFile at all.
var LoaderOverrides = []struct{ Path, Why string }{
	{"/boot/loader.conf", "a loader that does not read " + LoaderFile + " (no loader_conf_dirs) takes this value"},
	{"/boot/loader.conf.local", "the loader reads this file after " + LoaderFile + " (local_loader_conf_files), so this value wins"},
}

var loaderTransparent = regexp.MustCompile(`^[ \t]*hw\.hn\.vf_transparent[ \t]*=`)

// loaderOverrides warns about every hw.hn.vf_transparent the user set
// where it can beat the rendered one: left there, the mode never changes
// and the reboot-needed warning comes back after every reboot.
func (b *builder) loaderOverrides() {
	for _, o := range LoaderOverrides {
		for i, line := range strings.Split(string(b.in.Loader[o.Path]), "\n") {
			if loaderTransparent.MatchString(line) {
				b.finding(finding.Warning, rcconf.Origin{File: o.Path, Line: i + 1},
					"hw.hn.vf_transparent is set here too and %s sets it: %s; remove it here", LoaderFile, o.Why)
			}
		}
	}
}

// noHN says what a guest without any hn(4) gets: nothing. Its NICs are
// VFs alone (Azure's direct MANA mode on newer sizes), rc.conf configures
// them directly, and nothing rendered may touch them (no lagg, no
// NOAUTO: hw.hn.vflist lists no VF without an hn).
func (b *builder) noHN() {
	if len(b.in.Snapshot.HN) > 0 {
		return
	}
	var vfs []string
	for _, n := range b.in.Snapshot.Interfaces {
		if hn.VFFamily(n) != "" {
			vfs = append(vfs, n)
		}
	}
	if len(vfs) == 0 {
		return
	}
	b.finding(finding.Info, rcconf.Origin{}, "no hn(4) interface: %s are this guest's NICs themselves (direct VFs, as Azure's direct MANA mode offers), configured by rc.conf alone; hvnetconf renders nothing that touches them", strings.Join(vfs, " "))
}
