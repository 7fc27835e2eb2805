package render

import (
	"fmt"

	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/hn"
)

// Mode is how hn(4) and its VF are run.
type Mode string

// The two modes of hw.hn.vf_transparent.
const (
	ModeTransparent Mode = "transparent" // hn drives the VF; configure hn only
	ModeLagg        Mode = "lagg"        // userland puts hn and VF in a failover lagg
)

// Decision is the mode chosen and why, so users and tests see the reason.
type Decision struct {
	Mode   Mode   `json:"mode"`
	Reason string `json:"reason"`
	// Kernel is the mode the running (or snapshotted) kernel is in.
	Kernel Mode `json:"kernel"`
	// Reboot says the loader tunable must change and take effect at the next
	// boot; until then only files may change.
	Reboot bool `json:"reboot_needed"`
}

func kernelMode(s *hn.Snapshot) (Mode, string) {
	switch {
	case !s.TransparentKnown:
		// Kernels older than the tunable only know the lagg way (hw.hn.vf_transparent appeared after the 2017 lagg scripts, libexec/hyperv/hyperv_vfup).
		return ModeLagg, "hw.hn.vf_transparent absent (old kernel)"
	case s.Transparent:
		return ModeTransparent, "hw.hn.vf_transparent=1"
	default:
		return ModeLagg, "hw.hn.vf_transparent=0"
	}
}

func decideMode(c *config.Config, s *hn.Snapshot) Decision {
	kernel, why := kernelMode(s)
	d := Decision{Kernel: kernel}
	switch c.Mode {
	case config.ModeLagg:
		d.Mode = ModeLagg
	case config.ModeTransparent:
		d.Mode = ModeTransparent
	default:
		d.Mode = kernel
		d.Reason = fmt.Sprintf("mode=%s (auto: %s)", kernel, why)
		return d
	}
	d.Reboot = d.Mode != kernel
	d.Reason = fmt.Sprintf("mode=%s (%s: mode = %q; kernel: %s)", d.Mode, configName(c), c.Mode, why)
	return d
}

func configName(c *config.Config) string {
	if c.Source == "" {
		return "hvnetconf.toml"
	}
	return c.Source
}
