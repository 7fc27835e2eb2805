// Package config reads hvnetconf's policy file, hvnetconf.toml: which VF
// mode to aim for, how long to wait before bringing a VF up, the devd rule
// priority, and per-hn exceptions. Every key is optional (see
// hvnetconf.toml.sample, embedded as Sample); unknown keys and bad values
// are errors naming FILE:LINE and the key, exit 78. It never writes the file.
package config

import (
	_ "embed"
	"strconv"
)

// DefaultPath is where hvnetconf.toml lives under the root.
const DefaultPath = "/usr/local/etc/hvnetconf.toml"

// Mode is the VF mode hvnetconf configures for.
type Mode string

// The modes: hn(4) drives its VF itself (transparent), or userland joins
// hn and VF in a failover lagg(4) (hw.hn.vf_transparent, read by
// sys/dev/hyperv/netvsc/if_hn.c).
const (
	ModeAuto        Mode = "auto"        // follow the running kernel's hw.hn.vf_transparent
	ModeTransparent Mode = "transparent" // hn drives the VF; keep rc away from it
	ModeLagg        Mode = "lagg"        // non-transparent: a failover laggN per hnN
)

// Bounds, each with its reason.
const (
	// MinVFDelay is the smallest hyperv_vf_delay FreeBSD's hyperv_vfattach
	// uses (it replaces anything smaller with 2), and its default.
	MinVFDelay = 2
	// MaxDelay catches typos (minutes or milliseconds for seconds): no
	// sensible wait for a VF or the transparent attach is over an hour.
	MaxDelay = 3600
	// BaseDevdPriority is the priority of the base system's hyperv.conf
	// rules; devd runs only the highest-priority match, so ours must exceed it.
	BaseDevdPriority = 10
	// maxDevdPriority keeps the value an int in every devd.
	maxDevdPriority = 1<<31 - 1
)

// Interface is the policy for one hnN.
type Interface struct {
	Skip     bool   // leave this hn alone
	Lagg     string // the lagg that takes it over; "" = lagg<unit>
	LaggLine int    // the line of lagg in the policy file (0: not set)
}

// Config is hvnetconf's policy.
type Config struct {
	Mode         Mode
	VFDelay      int  // seconds before a new VF is brought up (>= 2; Azure advises ~120)
	VFDelaySet   bool // vf_delay was given; if not, rc.conf's hyperv_vf_delay may apply
	DevdPriority int  // priority of hvnetconf's devd rules (> 10)
	XpntAttwait  int  // hw.hn.vf_xpnt_attwait for transparent mode; 0 = leave unset
	Interfaces   map[string]Interface
	Source       string // the file read; "" = defaults only (DefaultPath absent)
}

// Sample is hvnetconf.toml.sample: every key, commented out, with its
// default and why one would change it.
//
//go:embed hvnetconf.toml.sample
var Sample []byte

// Default is the policy without a file.
func Default() *Config {
	return &Config{
		Mode:         ModeAuto,
		VFDelay:      MinVFDelay,
		DevdPriority: 20,
		Interfaces:   map[string]Interface{},
	}
}

// LaggName is the lagg that takes over hnN (unit N): the configured name,
// else laggN. It is the only place the name is derived: render puts it in
// the plan, and everything at run time reads it from there.
func (i Interface) LaggName(unit int) string {
	if i.Lagg != "" {
		return i.Lagg
	}
	return "lagg" + strconv.Itoa(unit)
}

// Interface returns the policy for hn (the zero Interface if none is set).
func (c *Config) Interface(hn string) Interface {
	return c.Interfaces[hn]
}

// Load parses the policy file read by the caller (data, named name for
// messages); exists false gives Default().
func Load(name string, data []byte, exists bool) (*Config, error) {
	if !exists {
		return Default(), nil
	}
	return Parse(name, data)
}
