//go:build fakebsd

package live_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
)

func newFake(t *testing.T) *fakebsd.InProcess {
	return fakebsd.NewInProcess(t, "00:15:5d:00:00:04", "10.0.0.4/24")
}

// devHN lists dev.hn.0.vf … dev.hn.N.vf.
func devHN(last int) string {
	var out []string
	for u := 0; u <= last; u++ {
		out = append(out, fmt.Sprintf("dev.hn.%d.vf", u))
	}
	return strings.Join(out, " ")
}

// TestLiveOneSysctlRun: the live snapshot costs `ifconfig -l` and one
// sysctl(8) run covering every name hn probes, unknown oids included.
func TestLiveOneSysctlRun(t *testing.T) {
	tests := []struct {
		name   string
		kernel fakebsd.Kernel
		want   string // the snapshot, summarized
	}{
		{"current kernel", fakebsd.Kernel{}, "transparent known=true list known=true [mce0] hn0=mce0"},
		{"old kernel", fakebsd.Kernel{NoVFTransparent: true, NoVFList: true, NoVFMap: true}, "transparent known=false list known=false [] hn0=mce0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newFake(t)
			h.AttachVF("hn0", "mce0")
			h.SetKernel(tt.kernel)
			h.Do(t)
			s, err := live.Snapshot(live.Programs(context.Background(), h))
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("transparent known=%v list known=%v %v %s=%s", s.TransparentKnown, s.VFListKnown, s.VFList, s.HN[0].Name, s.HN[0].VF)
			if len(s.HN) != 1 || got != tt.want {
				t.Errorf("snapshot %s (%d hn), want %s", got, len(s.HN), tt.want)
			}
			want := []string{"sysctl hw.hn.vf_transparent hw.hn.vflist hw.hn.vfmap " + devHN(16), "ifconfig -l"}
			if !slices.Equal(h.Log(), want) {
				t.Errorf("ran %q\nwant %q", h.Log(), want)
			}
		})
	}
}

// TestSysctlBatch: an answer is used once, a re-read runs sysctl again (hn
// re-reads to see the kernel settle), a name outside the batch is added
// to the run, and a failed run is an error, not an absent sysctl.
func TestSysctlBatch(t *testing.T) {
	h := newFake(t)
	h.Do(t)
	b := live.Programs(context.Background(), h)
	batch := "sysctl hw.hn.vf_transparent hw.hn.vflist hw.hn.vfmap " + devHN(16)
	steps := []struct {
		read    string
		failAt  int
		value   string
		ok      bool
		err     string
		process string // the run it caused, "" if none
	}{
		{"hw.hn.vf_transparent", 0, "0", true, "", batch},
		{"dev.hn.0.vf", 0, "", true, "", ""},
		{"dev.hn.3.vf", 0, "", false, "", ""},
		{"hw.hn.vf_transparent", 0, "0", true, "", batch},
		{"dev.hn.40.vf", 0, "", false, "", batch + " dev.hn.40.vf"},
		{"hw.hn.vflist", 0, "", true, "", ""},
		{"hw.hn.vflist", 1, "", false, "injected failure", batch},
	}
	for _, s := range steps {
		h.Do(t)
		h.FailAt(s.failAt)
		v, ok, err := b.Sysctl(s.read)
		if v != s.value || ok != s.ok || (err == nil) != (s.err == "") || err != nil && !strings.Contains(err.Error(), s.err) {
			t.Errorf("%s: %q %v %v, want %q %v %q", s.read, v, ok, err, s.value, s.ok, s.err)
		}
		if want := strings.Fields(s.process); !slices.Equal(strings.Fields(strings.Join(h.Log(), " ")), want) {
			t.Errorf("%s: ran %q, want %q", s.read, h.Log(), s.process)
		}
	}
	h.FailAt(2) // the sysctl batch runs first, then `ifconfig -l`
	if _, err := live.Snapshot(live.Programs(context.Background(), h)); sysexits.Code(err) != sysexits.Failure || !strings.Contains(err.Error(), "ifconfig -l") {
		t.Errorf("failed ifconfig -l: %v (exit %d), want exit 1 naming it", err, sysexits.Code(err))
	}
}
