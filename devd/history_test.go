//go:build fakebsd

package devd

import (
	"context"
	"testing"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/vfhistory"
)

// rootHistory is the history in a temporary root, as cmd wires it.
type rootHistory struct{ root *fsys.Root }

func (r rootHistory) Read() ([]vfhistory.Event, error) {
	ev, _, err := vfhistory.Read(r.root)
	return ev, err
}

func (r rootHistory) Append(e vfhistory.Event) error { return vfhistory.Append(r.root, e) }

func withHistory(t testing.TB, h *Handler) rootHistory {
	root, err := fsys.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	h.History = rootHistory{root}
	return rootHistory{root}
}

// The handlers record what happened: vf-attach the arrival, the join
// when it joins, vf-detach the departure of a VF the history shows here
// and of nothing else.
func TestHandlersRecordHistory(t *testing.T) {
	f, h := newFixture(t, "lagg0", 2)
	hist := withHistory(t, h)
	f.h.Do(t, "ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0", "ifconfig hn0 up")
	if err := h.Attach("mce0", func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := h.VFUp(context.Background(), "hn0"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lagg0", "mce0", "mce0"} {
		if err := h.Detach(name); err != nil {
			t.Fatal(err)
		}
	}
	ev, _ := hist.Read()
	var got []string
	for _, e := range ev {
		got = append(got, string(e.Kind)+" "+e.HN+" "+e.VF)
	}
	want := []string{"arrive hn0 mce0", "join hn0 mce0", "depart hn0 mce0"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("history %q, want %q", got, want)
	}
}

// BenchmarkAttach is vf-attach's foreground for a VF, without and with
// the history (the arrival: one full hn read and one record), on the
// in-process emulated host: the difference is what the history adds.
func BenchmarkAttach(b *testing.B) {
	for _, record := range []bool{false, true} {
		name := "without-history"
		if record {
			name = "with-history"
		}
		b.Run(name, func(b *testing.B) {
			f := &fixture{h: fakebsd.NewInProcess(b, "00:15:5d:00:00:04", "10.0.0.4/24")}
			f.h.AttachVF("hn0", "mce0")
			h := &Handler{Sys: liveOf(f.h)}
			if record {
				withHistory(b, h)
			}
			b.ResetTimer()
			for range b.N {
				if err := h.Attach("mce0", func() error { return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func liveOf(h *fakebsd.InProcess) live.System { return live.Programs(context.Background(), h) }
