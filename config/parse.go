package config

import (
	"regexp"
	"slices"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/ifname"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/tomlpos"
)

// Parse reads hvnetconf.toml from data; name is the file name for messages.
func Parse(name string, data []byte) (*Config, error) {
	_, root, err := tomlpos.Parse(name, data, sysexits.Config)
	if err != nil {
		return nil, err
	}
	if err := root.Only("mode", "vf_delay", "devd_priority", "xpnt_attwait", "interface"); err != nil {
		return nil, err
	}
	c := Default()
	c.Source = name
	if err := c.decodeTop(root); err != nil {
		return nil, err
	}
	if err := c.decodeInterfaces(root); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) decodeTop(root tomlpos.Table) error {
	mode, ok, err := root.String("mode")
	if err != nil {
		return err
	}
	if ok {
		if !slices.Contains([]Mode{ModeAuto, ModeTransparent, ModeLagg}, Mode(mode)) {
			return root.Errorf("mode", "%q: want \"auto\", \"transparent\" or \"lagg\"", mode)
		}
		c.Mode = Mode(mode)
	}
	if c.VFDelaySet, err = intIn(root, "vf_delay", &c.VFDelay, MinVFDelay, MaxDelay); err != nil {
		return err
	}
	if _, err := intIn(root, "devd_priority", &c.DevdPriority, BaseDevdPriority+1, maxDevdPriority); err != nil {
		return err
	}
	// The kernel clamps hw.hn.vf_xpnt_attwait to at least 2 (if_hn.c
	// HN_XPNT_VF_ATTWAIT_MIN); 0, the default, means "do not set it".
	if _, err := intIn(root, "xpnt_attwait", &c.XpntAttwait, 0, MaxDelay); err != nil {
		return err
	}
	if c.XpntAttwait > 0 && c.XpntAttwait < MinVFDelay {
		return root.Errorf("xpnt_attwait", "%d: want 0 (leave unset) or %d..%d", c.XpntAttwait, MinVFDelay, MaxDelay)
	}
	if c.XpntAttwait != 0 && c.Mode == ModeLagg {
		return root.Errorf("xpnt_attwait", "applies to transparent mode only, but mode = \"lagg\"")
	}
	return nil
}

// intIn stores the integer at k in *dst if it lies in lo..hi.
func intIn(t tomlpos.Table, k string, dst *int, lo, hi int) (bool, error) {
	v, ok, err := t.Int(k)
	if !ok || err != nil {
		return false, err
	}
	if v < int64(lo) || v > int64(hi) {
		return false, t.Errorf(k, "%d is out of range %d..%d", v, lo, hi)
	}
	*dst = int(v)
	return true, nil
}

var laggName = regexp.MustCompile(`^lagg[0-9]+$`)

// IsLaggName says whether name is one a lagg(4) clone is created with
// (laggN): every lagg hvnetconf renders is created so, renamed or not.
func IsLaggName(name string) bool { return laggName.MatchString(name) }

func (c *Config) decodeInterfaces(root tomlpos.Table) error {
	ifs, _, err := root.Table("interface")
	if err != nil {
		return err
	}
	// Two hn on one lagg are not refused here: only render knows which hn
	// are managed (skip, NOAUTO, absent from the host), so it alone refuses
	// a clash, naming the lagg key's line (Interface.LaggLine).
	for _, name := range ifs.Keys() {
		t, _, err := ifs.Table(name)
		if err != nil {
			return err
		}
		if _, err := hn.HNUnit(name); err != nil {
			return ifs.Errorf(name, "%v", err)
		}
		i, err := decodeInterface(t)
		if err != nil {
			return err
		}
		c.Interfaces[name] = i
	}
	return nil
}

func decodeInterface(t tomlpos.Table) (Interface, error) {
	var i Interface
	if err := t.Only("skip", "lagg"); err != nil {
		return i, err
	}
	var err error
	if i.Skip, _, err = t.Bool("skip"); err != nil {
		return i, err
	}
	if i.Lagg, _, err = t.String("lagg"); err != nil {
		return i, err
	}
	if i.Lagg == "" {
		return i, nil
	}
	if err := ifname.Valid(i.Lagg); err != nil {
		return i, t.Errorf("lagg", "%v", err)
	}
	if !laggName.MatchString(i.Lagg) {
		return i, t.Errorf("lagg", "%q: want laggN (a name ifconfig can create as a lagg)", i.Lagg)
	}
	i.LaggLine = t.Line("lagg")
	return i, nil
}
