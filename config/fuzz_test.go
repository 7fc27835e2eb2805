package config

import (
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/ifname"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// FuzzParsePolicy feeds arbitrary bytes as hvnetconf.toml. Parse must return
// an error (one line, exit 78) or a policy whose every value is one Parse
// documents as valid, the same on a second parse. Run it with
//
//	go test -run '^$' -fuzz '^FuzzParsePolicy$' -fuzztime 10m ./config/
//
// Seeds: the sample file, with and without its comment marks.
func FuzzParsePolicy(f *testing.F) {
	f.Add(Sample)
	f.Add([]byte(strings.ReplaceAll(string(Sample), "\n#", "\n")))
	f.Add([]byte("mode = \"lagg\"\nvf_delay = 120\n[interface.hn0]\nskip = true\n[interface.hn1]\nlagg = \"lagg5\"\n"))
	f.Add([]byte("mode = \"transparent\"\nxpnt_attwait = 5\ndevd_priority = 30\ninterface = { hn2 = {} }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("h.toml", data)
		if err != nil {
			if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "h.toml:") || sysexits.Code(err) != sysexits.Config {
				t.Fatalf("error %q (code %d): want one line, h.toml:..., code 78", msg, sysexits.Code(err))
			}
			return
		}
		if msg := invalid(c); msg != "" {
			t.Fatalf("Parse accepted %s: %+v", msg, c)
		}
		if again, err := Parse("h.toml", data); err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("second Parse differs: %v", err)
		}
	})
}

// invalid says what in c breaks a rule of the package doc, or "".
func invalid(c *Config) string {
	switch {
	case c.Mode != ModeAuto && c.Mode != ModeTransparent && c.Mode != ModeLagg:
		return "mode " + string(c.Mode)
	case c.VFDelay < MinVFDelay || c.VFDelay > MaxDelay:
		return "vf_delay out of range"
	case c.DevdPriority <= BaseDevdPriority:
		return "devd_priority at or below the base rules"
	case c.XpntAttwait != 0 && (c.XpntAttwait < MinVFDelay || c.XpntAttwait > MaxDelay || c.Mode == ModeLagg):
		return "xpnt_attwait"
	}
	laggs := map[string]bool{}
	for name, i := range c.Interfaces {
		if _, err := hn.HNUnit(name); err != nil {
			return "interface " + name
		}
		lagg := i.Lagg
		if lagg == "" {
			lagg = "lagg" + strings.TrimPrefix(name, "hn")
		} else if ifname.Valid(lagg) != nil || !laggName.MatchString(lagg) {
			return "lagg " + lagg
		}
		if laggs[lagg] {
			return "lagg " + lagg + " twice"
		}
		laggs[lagg] = true
	}
	return ""
}
