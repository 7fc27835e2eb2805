package config

import (
	"bytes"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func TestParseValues(t *testing.T) {
	src := `mode = "lagg"
vf_delay = 120
devd_priority = 11

[interface.hn0]
skip = true
[interface.hn1]
lagg = "lagg5"
[interface.hn2]
`
	c, err := Parse("h.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Mode: ModeLagg, VFDelay: 120, VFDelaySet: true, DevdPriority: 11,
		Interfaces: map[string]Interface{"hn0": {Skip: true}, "hn1": {Lagg: "lagg5", LaggLine: 8}, "hn2": {}},
		Source:     "h.toml",
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got  %+v\nwant %+v", c, want)
	}
	if got := c.Interface("hn1"); got.Lagg != "lagg5" || got.Skip {
		t.Errorf("Interface(hn1) = %+v", got)
	}
	if got := c.Interface("hn7"); got != (Interface{}) {
		t.Errorf("Interface(hn7) = %+v, want zero", got)
	}
	c, err = Parse("h.toml", []byte("mode = \"transparent\"\nxpnt_attwait = 5\n"))
	if err != nil || c.Mode != ModeTransparent || c.XpntAttwait != 5 || c.VFDelaySet {
		t.Errorf("transparent: %+v, %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"syntax", "mode = \"lagg\"\nvf_delay = \n", "h.toml:2:"},
		{"unknown top", "mode = \"lagg\"\nvf_dealy = 3\n", "h.toml:2: vf_dealy: unknown key (known: mode, vf_delay, devd_priority, xpnt_attwait, interface)"},
		{"unknown table", "[interfaces.hn0]\n", "h.toml:1: interfaces: unknown key"},
		{"nested too deep", "mode = " + strings.Repeat("[", 40), "h.toml:1: nested too deep (limit: nesting deeper than 32)"},
		{"unknown in interface", "[interface.hn0]\nskip = true\nlag = \"lagg1\"\n", "h.toml:3: interface.hn0.lag: unknown key (known: skip, lagg)"},
		{"mode value", "mode = \"failover\"\n", `h.toml:1: mode: "failover": want "auto", "transparent" or "lagg"`},
		{"mode case", "mode = \"Lagg\"\n", "h.toml:1: mode: \"Lagg\""},
		{"mode type", "mode = 1\n", "h.toml:1: mode: want a string, got an integer"},
		{"vf_delay low", "\nvf_delay = 1\n", "h.toml:2: vf_delay: 1 is out of range 2..3600"},
		{"vf_delay high", "vf_delay = 3601\n", "h.toml:1: vf_delay: 3601 is out of range 2..3600"},
		{"vf_delay type", "vf_delay = \"120\"\n", "h.toml:1: vf_delay: want an integer, got a string"},
		{"vf_delay float", "vf_delay = 2.5\n", "h.toml:1: vf_delay: want an integer, got a float"},
		{"devd_priority base", "devd_priority = 10\n", "h.toml:1: devd_priority: 10 is out of range 11..2147483647"},
		{"devd_priority huge", "devd_priority = 2147483648\n", "h.toml:1: devd_priority: 2147483648 is out of range"},
		{"xpnt_attwait 1", "xpnt_attwait = 1\n", "h.toml:1: xpnt_attwait: 1: want 0 (leave unset) or 2..3600"},
		{"xpnt_attwait negative", "xpnt_attwait = -1\n", "h.toml:1: xpnt_attwait: -1 is out of range 0..3600"},
		{"xpnt_attwait in lagg mode", "mode = \"lagg\"\n\nxpnt_attwait = 5\n", "h.toml:3: xpnt_attwait: applies to transparent mode only"},
		{"interface type", "interface = 1\n", "h.toml:1: interface: want a table, got an integer"},
		{"interface entry type", "interface = { hn0 = true }\n", "h.toml:1: interface.hn0: want a table, got a boolean"},
		{"interface not hn", "[interface.mce0]\n", "h.toml:1: interface.mce0: \"mce0\" is not an hn(4) interface (want hnN)"},
		{"interface bad name", "[interface.\"hn0;reboot\"]\n", `h.toml:1: interface."hn0;reboot": invalid interface name "hn0;reboot": ';' is not allowed`},
		{"skip type", "[interface.hn0]\nskip = \"yes\"\n", "h.toml:2: interface.hn0.skip: want a boolean, got a string"},
		{"lagg type", "[interface.hn0]\nlagg = 5\n", "h.toml:2: interface.hn0.lagg: want a string, got an integer"},
		{"lagg bad name", "[interface.hn0]\nlagg = \"lagg0 up\"\n", `h.toml:2: interface.hn0.lagg: invalid interface name "lagg0 up": ' ' is not allowed`},
		{"lagg not lagg", "[interface.hn0]\nlagg = \"bridge0\"\n", `h.toml:2: interface.hn0.lagg: "bridge0": want laggN`},
	}
	for _, tt := range tests {
		_, err := Parse("h.toml", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want prefix %q", tt.name, err, tt.want)
			continue
		}
		if code := sysexits.Code(err); code != sysexits.Config {
			t.Errorf("%s: exit code %d, want %d", tt.name, code, sysexits.Config)
		}
	}
}

func TestSampleIsDefault(t *testing.T) {
	c, err := Parse("sample", Sample)
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Source = "sample"
	if !reflect.DeepEqual(c, want) {
		t.Errorf("the sample as shipped is not the default: %+v", c)
	}
}

// Uncommenting every assignment in the sample must give exactly the
// defaults it documents, so the sample cannot drift from Default().
func TestSampleDocumentsDefaults(t *testing.T) {
	assignment := regexp.MustCompile(`(?m)^#(\[interface\.hn0\]|[a-z_]+ = .*)$`)
	src := assignment.ReplaceAll(Sample, []byte("$1"))
	if n := len(assignment.FindAll(Sample, -1)); n != 7 {
		t.Fatalf("found %d commented assignments in the sample, want 7 (every key)", n)
	}
	c, err := Parse("sample", src)
	if err != nil {
		t.Fatalf("%v\n%s", err, src)
	}
	want := Default()
	want.Source, want.VFDelaySet = "sample", true
	line := 1 + bytes.Count(src[:bytes.Index(src, []byte(`lagg = "lagg0"`))], []byte("\n"))
	want.Interfaces["hn0"] = Interface{Lagg: "lagg0", LaggLine: line}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("uncommented sample: got %+v, want %+v", c, want)
	}
}

func TestLoad(t *testing.T) {
	c, err := Load("/x.toml", nil, false)
	if err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("absent file: %+v, %v", c, err)
	}
	c, err = Load("/x.toml", []byte("vf_delay = 120\n"), true)
	if err != nil || c.VFDelay != 120 || c.Source != "/x.toml" {
		t.Errorf("present file: %+v, %v", c, err)
	}
}

func TestDefault(t *testing.T) {
	d := Default()
	if d.Mode != ModeAuto || d.VFDelay != 2 || d.VFDelaySet || d.DevdPriority <= BaseDevdPriority || d.XpntAttwait != 0 || d.Source != "" {
		t.Errorf("Default() = %+v", d)
	}
	d.Interfaces["hn0"] = Interface{Skip: true}
	if len(Default().Interfaces) != 0 {
		t.Error("Default() shares its Interfaces map")
	}
}

func TestLaggName(t *testing.T) {
	for _, tt := range []struct {
		i    Interface
		unit int
		want string
	}{{Interface{}, 0, "lagg0"}, {Interface{}, 12, "lagg12"}, {Interface{Lagg: "lagg5"}, 0, "lagg5"}} {
		if got := tt.i.LaggName(tt.unit); got != tt.want {
			t.Errorf("%+v.LaggName(%d) = %q, want %q", tt.i, tt.unit, got, tt.want)
		}
	}
}
