package hn

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// fakeKernel answers sysctls from maps; reads counts string sysctl reads so
// a test can change the state between two snapshots.
type fakeKernel struct {
	strs   map[string]string
	ints   map[string]uint32
	ifs    []NetIf
	fail   string // sysctl name that returns an error
	reads  int
	onRead func(k *fakeKernel)
}

func (k *fakeKernel) Sysctl(name string) (string, bool, error) {
	k.reads++
	if k.onRead != nil {
		k.onRead(k)
	}
	if name == k.fail {
		return "", false, errors.New("boom")
	}
	v, ok := k.strs[name]
	return v, ok, nil
}

func (k *fakeKernel) SysctlInt(name string) (int, bool, error) {
	v, ok := k.ints[name]
	return int(v), ok, nil
}

func (k *fakeKernel) Interfaces() ([]NetIf, error) { return k.ifs, nil }

func azureKernel() *fakeKernel {
	return &fakeKernel{
		ints: map[string]uint32{"hw.hn.vf_transparent": 0},
		strs: map[string]string{
			"hw.hn.vflist": "mce0 mce1",
			"hw.hn.vfmap":  "mce0:hn0 mce1:hn2",
			"dev.hn.0.vf":  "mce0",
			"dev.hn.2.vf":  "mce1", // hn1 was removed: a gap in the units
			"dev.hn.20.vf": "",     // after 16 missing units: not probed
		},
		ifs: []NetIf{
			{Name: "lo0", MTU: 16384, Link: "up"},
			{Name: "hn2", MAC: "00:15:5d:00:00:03", MTU: 1500, Link: "down"},
			{Name: "mce0", MAC: "00:15:5d:00:00:01", MTU: 1500, Link: "up"},
			{Name: "hn0", MAC: "00:15:5d:00:00:01", MTU: 1500, Link: "up"},
			{Name: "mce1", MAC: "00:15:5d:00:00:03", MTU: 1500, Link: "up"},
		},
	}
}

func noSleep(time.Duration) {}

func TestReadKernel(t *testing.T) {
	s, err := readKernel(azureKernel(), noSleep)
	if err != nil {
		t.Fatal(err)
	}
	want := mustParse(t, `vf_transparent = 0
vflist = ["mce0", "mce1"]
vfmap = { mce0 = "hn0", mce1 = "hn2" }
interfaces = ["hn0", "hn2", "lo0", "mce0", "mce1"]
[hn.hn0]
vf = "mce0"
mac = "00:15:5d:00:00:01"
mtu = 1500
link = "up"
[hn.hn2]
vf = "mce1"
mac = "00:15:5d:00:00:03"
mtu = 1500
link = "down"
`)
	want.Source = "live kernel"
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	var out bytes.Buffer
	if err := s.WriteTOML(&out); err != nil {
		t.Fatal(err)
	}
	back, err := Parse("s.toml", out.Bytes())
	back.Source = s.Source
	if err != nil || !reflect.DeepEqual(back, s) {
		t.Errorf("live snapshot does not round-trip: %v\n%s", err, out.String())
	}
}

func TestReadKernelOld(t *testing.T) {
	// No vf_transparent, vflist or vfmap sysctls, as on kernels before them.
	k := &fakeKernel{strs: map[string]string{"dev.hn.0.vf": ""}, ifs: []NetIf{{Name: "hn0"}}}
	s, err := readKernel(k, noSleep)
	if err != nil {
		t.Fatal(err)
	}
	if s.TransparentKnown || s.VFListKnown || len(s.HN) != 1 || s.HN[0].Name != "hn0" {
		t.Errorf("got %+v", s)
	}
}

func TestReadKernelRetries(t *testing.T) {
	// A VF detaches during the first read: dev.hn.0.vf still names it, the
	// vflist no longer does. The second read sees the settled state.
	k := azureKernel()
	k.strs["hw.hn.vflist"] = "mce1"
	k.strs["hw.hn.vfmap"] = "mce1:hn2"
	slept := 0
	k.onRead = func(k *fakeKernel) {
		if slept > 0 {
			k.strs["dev.hn.0.vf"] = ""
		}
	}
	s, err := readKernel(k, func(time.Duration) { slept++ })
	if err != nil || slept != 1 || s.HN[0].VF != "" {
		t.Fatalf("got %+v, %v after %d sleeps", s, err, slept)
	}

	k = azureKernel()
	k.strs["dev.hn.2.vf"] = "mce0"
	slept = 0
	_, err = readKernel(k, func(time.Duration) { slept++ })
	want := "live kernel: dev.hn.2.vf: mce0 is already the VF of hn0"
	if err == nil || err.Error() != want || sysexits.Code(err) != sysexits.DataErr || slept != readAttempts-1 {
		t.Errorf("got %v after %d sleeps, want %q", err, slept, want)
	}
}

func TestReadKernelErrors(t *testing.T) {
	k := azureKernel()
	k.fail = "dev.hn.0.vf"
	if _, err := readKernel(k, noSleep); err == nil || err.Error() != "boom" {
		t.Errorf("sysctl error: got %v", err)
	}
	k = azureKernel()
	k.strs["hw.hn.vfmap"] = "mce0:hn0 mce1"
	if _, err := readKernel(k, noSleep); err == nil || !strings.Contains(err.Error(), `hw.hn.vfmap: "mce1" is not VF:HN`) {
		t.Errorf("bad vfmap: got %v", err)
	}
}

func TestParseVFMap(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
		ok   bool
	}{
		{"", map[string]string{}, true},
		{"mce0:hn0", map[string]string{"mce0": "hn0"}, true},
		{" mce0:hn0  mana1:hn1 \n", map[string]string{"mce0": "hn0", "mana1": "hn1"}, true},
		{"mce0", nil, false},
		{":hn0", nil, false},
		{"mce0:", nil, false},
	}
	for _, tt := range tests {
		got, err := parseVFMap(tt.in)
		if (err == nil) != tt.ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseVFMap(%q) = %v, %v", tt.in, got, err)
		}
	}
}

// ReadVFs asks two sysctls and nothing else, and LaggVF decides from them
// as from a whole snapshot.
func TestReadVFs(t *testing.T) {
	for _, transparent := range []uint32{0, 1} {
		k := azureKernel()
		k.ints["hw.hn.vf_transparent"] = transparent
		s, err := ReadVFs(k)
		if err != nil || k.reads != 1 {
			t.Fatalf("ReadVFs: %v, %d string sysctl reads, want 1", err, k.reads)
		}
		full, err := readKernel(azureKernel(), func(time.Duration) {})
		if err != nil {
			t.Fatal(err)
		}
		full.Transparent = transparent == 1
		for _, name := range []string{"mce0", "mce1", "hn0", "lo0", "mce9"} {
			if got, want := s.LaggVF(name), full.LaggVF(name); got != want || got != (transparent == 0 && (name == "mce0" || name == "mce1")) {
				t.Errorf("transparent=%d: LaggVF(%s) = %v, from a whole snapshot %v", transparent, name, got, want)
			}
		}
	}
}

// An hn renamed by rc.conf (ifconfig_hn0_name) is listed in hw.hn.vfmap
// by its new name: the live read pairs it by unit (dev.hn.N.vf) instead of
// refusing the whole snapshot, which would stop every other hn too.
func TestRenamedHNInVFMap(t *testing.T) {
	k := azureKernel()
	k.strs["hw.hn.vfmap"] = "mce0:wan0 mce1:hn2 mce7:lan9"
	s, err := readKernel(k, func(time.Duration) {})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.VFMap, map[string]string{"mce0": "hn0", "mce1": "hn2"}) {
		t.Errorf("VFMap = %v, want mce0 paired with hn0 by its unit, mce7 (no hn unit claims it) dropped", s.VFMap)
	}
	if hn, ok := s.HNForVF("mce0"); hn != "hn0" || !ok {
		t.Errorf("HNForVF(mce0) = %q, %v", hn, ok)
	}
}
