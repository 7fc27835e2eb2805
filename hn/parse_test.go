package hn

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"syntax", "vflist = [\"mce0\"]\nvfmap = = 1\n", "s.toml:2:9: "},
		{"duplicate key", "vflist = []\nvflist = []\n", "s.toml:2:"},
		{"unknown top key", "vflist = []\n\nvf_list = []\n", "s.toml:3: vf_list: unknown key"},
		{"unknown dotted key", "a.b = 1\n", "s.toml:1: a: unknown key"},
		{"unknown hn key", "[hn.hn0]\nvf = \"mce0\"\nspeed = 10\n", "s.toml:3: hn.hn0.speed: unknown key"},
		{"vf_transparent type", "vf_transparent = true\n", "s.toml:1: vf_transparent: want an integer, got a boolean"},
		{"vf_transparent value", "\nvf_transparent = 2\n", "s.toml:2: vf_transparent: 2: want 0 or 1"},
		{"vflist type", "vflist = \"mce0\"\n", "s.toml:1: vflist: want an array of strings, got a string"},
		{"vflist element type", "vflist = [\n\"mce0\",\n1]\n", "s.toml:1: vflist: element 2: want a string"},
		{"vflist bad name", "vflist = [\"mce0;reboot\"]\n", "s.toml:1: vflist: invalid interface name \"mce0;reboot\""},
		{"vfmap type", "vfmap = [\"mce0\"]\n", "s.toml:1: vfmap: want a table, got an array"},
		{"vfmap value type", "vfmap = { mce0 = 0 }\n", "s.toml:1: vfmap.mce0: want a string, got an integer"},
		{"vfmap bad vf", "vfmap = { \"../x\" = \"hn0\" }\n", `s.toml:1: vfmap."../x": invalid interface name`},
		{"vfmap bad hn", "vfmap = { mce0 = \"hn0 \" }\n", "s.toml:1: vfmap.mce0: invalid interface name \"hn0 \""},
		{"vfmap not hn", "vfmap = { mce0 = \"em0\" }\n", "s.toml:1: vfmap.mce0: \"em0\" is not an hn(4) interface"},
		{"interfaces bad", "interfaces = [\"lo0\", \"a b\"]\n", "s.toml:1: interfaces: invalid interface name \"a b\""},
		{"hn type", "hn = 1\n", "s.toml:1: hn: want a table, got an integer"},
		{"hn entry type", "hn = { hn0 = 1 }\n", "s.toml:1: hn.hn0: want a table, got an integer"},
		{"hn name not hn", "\n[hn.em0]\n", "s.toml:2: hn.em0: \"em0\" is not an hn(4) interface"},
		{"hn name bad", "[hn.\"hn0;x\"]\n", `s.toml:1: hn."hn0;x": invalid interface name`},
		{"hn name leading zero", "[hn.hn00]\n", "s.toml:1: hn.hn00: invalid interface name \"hn00\": unit number has a leading zero"},
		{"vf bad", "[hn.hn0]\nvf = \"mce 0\"\n", "s.toml:2: hn.hn0.vf: invalid interface name"},
		{"vf type", "[hn.hn0]\nvf = 0\n", "s.toml:2: hn.hn0.vf: want a string"},
		{"mac bad", "[hn.hn0]\nmac = \"00:15:5d:00:00\"\n", "s.toml:2: hn.hn0.mac: \"00:15:5d:00:00\" is not a MAC address"},
		{"mac bad hex", "[hn.hn0]\nmac = \"00:15:5d:00:00:0g\"\n", "s.toml:2: hn.hn0.mac:"},
		{"mtu low", "[hn.hn0]\nmtu = 67\n", "s.toml:2: hn.hn0.mtu: 67 is out of range 68..65535"},
		{"mtu zero", "[hn.hn0]\nmtu = 0\n", "s.toml:2: hn.hn0.mtu: 0 is out of range"},
		{"mtu high", "[hn.hn0]\n\nmtu = 65536\n", "s.toml:3: hn.hn0.mtu: 65536 is out of range"},
		{"mtu type", "[hn.hn0]\nmtu = \"1500\"\n", "s.toml:2: hn.hn0.mtu: want an integer, got a string"},
		{"link bad", "[hn.hn0]\nlink = \"UP\"\n", "s.toml:2: hn.hn0.link: \"UP\": want \"up\" or \"down\""},
		{"vf on two hn", "[hn.hn0]\nvf = \"mce0\"\n[hn.hn1]\nvf = \"mce0\"\n", "s.toml:4: hn.hn1.vf: mce0 is already the VF of hn0"},
		{"vf not in vflist", "vflist = [\"mce1\"]\n[hn.hn0]\nvf = \"mce0\"\n", "s.toml:3: hn.hn0.vf: mce0 is not in vflist"},
		{"vfmap two vf one hn", "vfmap = { mce0 = \"hn0\",\n mce1 = \"hn0\" }\n[hn.hn0]\nvf = \"mce0\"\n",
			"s.toml:2: vfmap.mce1: mce1 is mapped to hn0, which already has VF mce0"},
		{"vfmap contradicts vf", "vfmap = { mce0 = \"hn1\" }\n[hn.hn0]\nvf = \"mce0\"\n[hn.hn1]\nvf = \"mce1\"\n",
			"s.toml:1: vfmap.mce0: mce0 maps to hn1, but hn.hn1.vf is mce1"},
		{"vfmap hn without vf", "vfmap = { mce0 = \"hn0\" }\n[hn.hn0]\n", "s.toml:1: vfmap.mce0: mce0 maps to hn0, but hn.hn0 has no vf"},
		{"vfmap unknown hn", "vfmap = { mce0 = \"hn3\" }\n[hn.hn0]\n", "s.toml:1: vfmap.mce0: hn3 is not one of the hn devices"},
		// The limits themselves are tested in internal/tomlpos.
		{"nested too deep", "\nvfmap = " + strings.Repeat("{a=", 10000) + strings.Repeat("}", 10000), "s.toml:2: nested too deep (limit: nesting deeper than 32)"},
		{"first of many unknown keys", "[hn.hn0]\n" + manyKeys(1000), "s.toml:2: hn.hn0.k0: unknown key"},
	}
	for _, tt := range tests {
		_, err := Parse("s.toml", []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want prefix %q", tt.name, err, tt.want)
			continue
		}
		if code := sysexits.Code(err); code != sysexits.DataErr {
			t.Errorf("%s: exit code %d, want %d", tt.name, code, sysexits.DataErr)
		}
		if strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("%s: error is not one line: %q", tt.name, err)
		}
	}
}

// manyKeys is n lines "kN = 1" (Only once probed every one: quadratic).
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "k%d = 1\n", i)
	}
	return b.String()
}

func TestParseExample(t *testing.T) {
	s, err := ReadFile("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Snapshot{
		TransparentKnown: true,
		VFListKnown:      true,
		VFList:           []string{"mce0"},
		VFMap:            map[string]string{"mce0": "hn0"},
		HN: []Iface{
			{Name: "hn0", Unit: 0, VF: "mce0", MAC: "00:15:5d:00:00:01", MTU: 1500, Link: "up"},
			{Name: "hn1", Unit: 1},
		},
		Interfaces: []string{"hn0", "hn1", "lo0", "mce0"},
		Source:     "testdata/example.toml",
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
}

func TestParseDefaults(t *testing.T) {
	// An old kernel: no vf_transparent, no vflist; units sorted numerically,
	// MAC lowercased.
	s, err := Parse("s.toml", []byte("[hn.hn10]\n[hn.hn2]\nmac = \"00:15:5D:AA:BB:CC\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s.TransparentKnown || s.Transparent || s.VFListKnown || s.VFList != nil || s.Interfaces != nil {
		t.Errorf("absent keys not reported unknown: %+v", s)
	}
	if len(s.HN) != 2 || s.HN[0].Name != "hn2" || s.HN[1].Unit != 10 || s.HN[0].MAC != "00:15:5d:aa:bb:cc" {
		t.Errorf("HN = %+v", s.HN)
	}
}

func TestReadFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.toml")
	_, err := ReadFile(path)
	if sysexits.Code(err) != sysexits.NoInput || err.Error() != path+": no such file" {
		t.Errorf("got %v (code %d)", err, sysexits.Code(err))
	}
	if err := os.WriteFile(path, []byte("vflist = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); err == nil || !strings.HasPrefix(err.Error(), path+":1: vflist:") {
		t.Errorf("bad file: got %v", err)
	}
}
