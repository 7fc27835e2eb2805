// Package imageready says, when hvnetconf renders into an image, whether
// that image can drive the VFs the hn snapshot names: a driver module in
// /boot/kernel or the driver built into the kernel, and devmatch(8) left
// on so that a hot-added VF's module is loaded. A VF the image cannot
// drive sits on the PCI bus without a driver and the guest silently runs
// on the synthetic path. It decides only: plan reads the image (Read).
package imageready

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// KernelDir is where the image keeps its kernel and modules.
const KernelDir = "/boot/kernel"

// Driver is what drives one VF family: its module file in KernelDir
// (KMOD of its sys/modules Makefile in freebsd-src: sys/modules/mlx5en
// KMOD=mlx5en, sys/modules/mlx4en KMOD=mlx4en, sys/modules/mana
// KMOD=if_mana) and its name in a kernel configuration's device line.
type Driver struct {
	Family, Module, Device string
}

// Drivers of the VF families (hn.VFFamily).
var Drivers = []Driver{
	{"mlx5", "mlx5en.ko", "mlx5en"},
	{"mlx4", "mlx4en.ko", "mlx4en"},
	{"mana", "if_mana.ko", "mana"},
}

// Input is what plan read from the image.
type Input struct {
	VFs     []string // the VFs the snapshot names
	Modules []string // file names in KernelDir
	// KernelConf is the kernel's embedded configuration (Read); "" when
	// the kernel has none (built without INCLUDE_CONFIG_FILE) or none
	// could be read, and then only modules count.
	KernelConf string
	Netif      *rcconf.Env // rc.conf as netif loads it: devmatch_enable and its blocklist
}

var deviceLine = regexp.MustCompile(`(?m)^[ \t]*device[ \t]+([^#\n]+)`)

// builtIn lists the devices a kernel configuration compiles in.
func builtIn(conf string) []string {
	var out []string
	for _, m := range deviceLine.FindAllStringSubmatch(conf, -1) {
		out = append(out, strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })...)
	}
	return out
}

// Check returns a warning for each VF family the image cannot drive and,
// when there are VFs, for devmatch(8) turned off or told to skip a VF
// driver.
func Check(in Input) []finding.Finding {
	var out []finding.Finding
	devices := builtIn(in.KernelConf)
	seen := map[string]bool{}
	for _, vf := range in.VFs {
		d, ok := driverOf(vf)
		if !ok || seen[d.Family] {
			continue
		}
		seen[d.Family] = true
		if slices.Contains(in.Modules, d.Module) || slices.Contains(devices, d.Device) {
			continue
		}
		how := "its kernel has no embedded configuration to say whether it is built in"
		if in.KernelConf != "" {
			how = "its kernel's configuration has no \"device " + d.Device + "\""
		}
		out = append(out, finding.Finding{File: KernelDir, Severity: finding.Warning, Message: fmt.Sprintf(
			"this image cannot drive VF %s (%s): no %s in %s and %s; the VF would sit on the PCI bus without a driver and the guest would run on hn alone: install the driver module (or build it into the kernel)",
			vf, d.Family, d.Module, KernelDir, how)})
	}
	if len(seen) > 0 && in.Netif != nil {
		out = append(out, devmatch(in.Netif, seen)...)
	}
	return out
}

// devmatch warns when rc.d/devmatch will not load a hot-added VF's
// module: devmatch_enable off (rcvar of libexec/rc/rc.d/devmatch; YES in
// etc/defaults/rc.conf), or the module in its blocklist
// (devmatch_blocklist, devmatch_blacklist before FreeBSD 13).
func devmatch(env *rcconf.Env, families map[string]bool) []finding.Finding {
	var out []finding.Finding
	if !env.Enabled("devmatch_enable") {
		v, _ := env.Lookup("devmatch_enable")
		out = append(out, finding.Finding{File: v.Origin.File, Line: v.Origin.Line, Severity: finding.Warning, Message: fmt.Sprintf(
			"devmatch_enable is %q: devmatch(8) will not load the driver of a VF hot-added after boot (live migration), so it would run without one: set devmatch_enable=\"YES\"", v.Value)})
	}
	for _, name := range []string{"devmatch_blocklist", "devmatch_blacklist"} {
		v, ok := env.Lookup(name)
		if !ok {
			continue
		}
		for _, m := range strings.Fields(v.Value) {
			for _, d := range Drivers {
				if families[d.Family] && strings.TrimSuffix(m, ".ko") == strings.TrimSuffix(d.Module, ".ko") {
					out = append(out, finding.Finding{File: v.Origin.File, Line: v.Origin.Line, Severity: finding.Warning, Message: fmt.Sprintf(
						"%s names %s: devmatch(8) will not load the driver of a hot-added %s VF", name, m, d.Family)})
				}
			}
		}
	}
	return out
}

func driverOf(vf string) (Driver, bool) {
	for _, d := range Drivers {
		if d.Family == hn.VFFamily(vf) {
			return d, true
		}
	}
	return Driver{}, false
}
