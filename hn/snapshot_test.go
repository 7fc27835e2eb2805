package hn

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func mustParse(t *testing.T, src string) *Snapshot {
	t.Helper()
	s, err := Parse("s.toml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestIsVFAndHNForVF(t *testing.T) {
	current := mustParse(t, `vflist = ["mce0", "mce10"]
vfmap = { mce0 = "hn0", mce10 = "hn1" }
[hn.hn0]
vf = "mce0"
[hn.hn1]
vf = "mce10"
[hn.hn2]
`)
	// An old kernel: no hw.hn.vflist/vfmap, only dev.hn.N.vf.
	old := mustParse(t, "[hn.hn0]\nvf = \"mce0\"\n[hn.hn1]\n")
	tests := []struct {
		s      *Snapshot
		name   string
		isVF   bool
		hn     string
		hnOK   bool
		reason string
	}{
		{current, "mce0", true, "hn0", true, "in vflist and vfmap"},
		{current, "mce10", true, "hn1", true, "exact names: mce1 is not mce10"},
		{current, "mce1", false, "", false, "a prefix of a VF is not a VF"},
		{current, "hn0", false, "", false, "hn is not a VF"},
		{current, "", false, "", false, "empty name"},
		{old, "mce0", false, "hn0", true, "old kernel: hyperv_vfattach gives up, hyperv_vfup uses dev.hn.N.vf"},
		{old, "mce1", false, "", false, "old kernel, unknown VF"},
	}
	for _, tt := range tests {
		if got := tt.s.IsVF(tt.name); got != tt.isVF {
			t.Errorf("IsVF(%q) = %v (%s)", tt.name, got, tt.reason)
		}
		hn, ok := tt.s.HNForVF(tt.name)
		if hn != tt.hn || ok != tt.hnOK {
			t.Errorf("HNForVF(%q) = %q, %v; want %q, %v (%s)", tt.name, hn, ok, tt.hn, tt.hnOK, tt.reason)
		}
	}
	if i, ok := current.Lookup("hn1"); !ok || i.VF != "mce10" || i.Unit != 1 {
		t.Errorf("Lookup(hn1) = %+v, %v", i, ok)
	}
	if _, ok := current.Lookup("hn9"); ok {
		t.Error("Lookup(hn9) found something")
	}
}

func TestWriteRoundTrip(t *testing.T) {
	example, err := os.ReadFile("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{
		"example":       string(example),
		"old kernel":    "[hn.hn0]\nvf = \"mce0\"\n",
		"transparent":   "vf_transparent = 1\nvflist = []\ninterfaces = []\n[hn.hn1]\nlink = \"down\"\n[hn.hn0]\n",
		"unusual names": "interfaces = [\"epair0a\", \"vlan0.100\", \"hn0\"]\n[hn.hn0]\n",
	}
	for name, src := range sources {
		first := mustParse(t, src)
		var out bytes.Buffer
		if err := first.WriteTOML(&out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		again, err := Parse("s.toml", out.Bytes())
		if err != nil {
			t.Fatalf("%s: written snapshot does not parse: %v\n%s", name, err, out.String())
		}
		if !reflect.DeepEqual(first, again) {
			t.Errorf("%s: round trip changed the snapshot:\n%+v\n%+v\n%s", name, first, again, out.String())
		}
		var out2 bytes.Buffer
		if err := again.WriteTOML(&out2); err != nil || out2.String() != out.String() {
			t.Errorf("%s: second write differs (%v):\n%s---\n%s", name, err, out.String(), out2.String())
		}
	}
}

func TestWriteTOMLFormat(t *testing.T) {
	s := &Snapshot{
		TransparentKnown: true, Transparent: true, VFListKnown: true,
		VFList: []string{"mce0"}, VFMap: map[string]string{"mce0": "hn0"},
		HN: []Iface{{Name: "hn1", Unit: 1}, {Name: "hn0", VF: "mce0", MAC: "00:15:5D:00:00:01", MTU: 1500, Link: "up"}},
	}
	want := `# hvnetconf hn snapshot
vf_transparent = 1
vflist = ["mce0"]
vfmap = { mce0 = "hn0" }

[hn.hn0]
vf = "mce0"
mac = "00:15:5d:00:00:01"
mtu = 1500
link = "up"

[hn.hn1]
`
	var out bytes.Buffer
	if err := s.WriteTOML(&out); err != nil || out.String() != want {
		t.Errorf("WriteTOML = %v\n%s\nwant\n%s", err, out.String(), want)
	}
	if s.HN[0].Name != "hn1" {
		t.Error("WriteTOML reordered the caller's snapshot")
	}
}

func TestWriteTOMLRefusesInvalid(t *testing.T) {
	s := &Snapshot{Source: "live kernel", HN: []Iface{{Name: "hn0", VF: "mce0;reboot"}}}
	err := s.WriteTOML(&bytes.Buffer{})
	if err == nil || sysexits.Code(err) != sysexits.DataErr || !strings.Contains(err.Error(), "hn.hn0.vf: invalid interface name") {
		t.Errorf("got %v", err)
	}
}

func TestHNUnit(t *testing.T) {
	tests := []struct {
		name string
		unit int
		ok   bool
	}{
		{"hn0", 0, true},
		{"hn12", 12, true},
		{"mce0", 0, false},
		{"hnx0", 0, false},
		{"hn", 0, false},
	}
	for _, tt := range tests {
		unit, err := HNUnit(tt.name)
		if (err == nil) != tt.ok || unit != tt.unit {
			t.Errorf("HNUnit(%q) = %d, %v; want %d, ok=%v", tt.name, unit, err, tt.unit, tt.ok)
		}
	}
}
