package vfhistory

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
)

var t0 = time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)

func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

// A migration drill: boot at t0, mce0 arrives at 10 s and joins at 12 s,
// then three departures and returns (the last join takes 3 s); the time
// without a VF is the sum of the gaps, worked out by hand below.
func TestSummarizeThreeMigrations(t *testing.T) {
	ev := []Event{
		{at(10), Arrive, "hn0", "mce0"}, {at(12), Join, "hn0", "mce0"},
		{at(100), Depart, "hn0", "mce0"}, {at(130), Arrive, "hn0", "mce1"}, {at(132), Join, "hn0", "mce1"},
		{at(200), Depart, "hn0", "mce1"}, {at(205), Arrive, "hn0", "mce0"}, {at(207), Join, "hn0", "mce0"},
		{at(300), Depart, "hn0", "mce0"}, {at(360), Arrive, "hn0", "mce2"}, {at(363), Join, "hn0", "mce2"},
		{at(50), Arrive, "hn1", "mce9"}, // another hn's
	}
	s := Summarize(ev, "hn0", t0, at(400), true)
	// without: 0-10, 100-130, 200-205, 300-360 = 10+30+5+60
	if s.Arrivals != 4 || s.Departures != 3 || len(s.Events) != 11 || s.LastJoinSeconds == nil ||
		*s.LastJoinSeconds != 3 || s.WithoutVFSeconds != 105 {
		t.Errorf("got %+v (last join %v)", s, deref(s.LastJoinSeconds))
	}
	// Gone now, its departure unrecorded: counted from its last event.
	s = Summarize(ev, "hn0", t0, at(400), false)
	if s.WithoutVFSeconds != 105+37 {
		t.Errorf("VF gone unrecorded: without %v, want 142", s.WithoutVFSeconds)
	}
	// Events before this boot do not count.
	s = Summarize(ev, "hn0", at(250), at(400), true)
	if s.Arrivals != 1 || s.Departures != 1 || s.WithoutVFSeconds != 50+60 {
		t.Errorf("since 250 s: %+v", s)
	}
	// Nothing recorded and no VF: the whole time since boot.
	if s := Summarize(nil, "hn0", t0, at(40), false); s.WithoutVFSeconds != 40 || s.LastJoinSeconds != nil || s.Events == nil {
		t.Errorf("empty: %+v", s)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// The file is bounded, written whole, and a corrupt one is rebuilt from
// what can be read, never an error.
func TestAppendBoundedAndRebuilt(t *testing.T) {
	dir := t.TempDir()
	root, err := fsys.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range MaxEvents + 10 {
		if err := Append(root, Event{at(i), Arrive, "hn0", "mce0"}); err != nil {
			t.Fatal(err)
		}
	}
	ev, dropped, err := Read(root)
	if err != nil || dropped != 0 || len(ev) != MaxEvents || !ev[0].Time.Equal(at(10)) {
		t.Fatalf("read %d events (first %v), %d dropped, %v", len(ev), ev[0].Time, dropped, err)
	}
	name := filepath.Join(dir, Path)
	if err := os.WriteFile(name, []byte("garbage\x00\n2026-12-07T03:00:01Z arrive hn0 mce0\nnot a line at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ev, dropped, err := Read(root); err != nil || dropped != 2 || len(ev) != 1 {
		t.Fatalf("corrupt: %d events, %d dropped, %v", len(ev), dropped, err)
	}
	if err := Append(root, Event{at(5), Depart, "hn0", "mce0"}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(name)
	if strings.Contains(string(data), "garbage") || strings.Count(string(data), "\n") != 3 {
		t.Errorf("rebuilt file:\n%s", data)
	}
	if err := Append(root, Event{at(5), Depart, "hn0", "mce0; rm -rf /"}); err == nil {
		t.Error("a bad VF name was recorded")
	}
}

func TestPresent(t *testing.T) {
	ev := []Event{{at(1), Arrive, "hn0", "mce0"}, {at(2), Join, "hn0", "mce0"}, {at(3), Arrive, "hn1", "mce1"}, {at(4), Depart, "hn1", "mce1"}}
	if hn, ok := Present(ev, "mce0"); !ok || hn != "hn0" {
		t.Errorf("mce0: %q %v", hn, ok)
	}
	for _, vf := range []string{"mce1", "lagg0"} {
		if _, ok := Present(ev, vf); ok {
			t.Errorf("%s present", vf)
		}
	}
}

// BenchmarkAppend is what a devd handler adds to its run when it records
// an event: one locked read-modify-write of a full history file.
func BenchmarkAppend(b *testing.B) {
	root, err := fsys.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := range MaxEvents {
		if err := Append(root, Event{at(i), Arrive, "hn0", "mce0"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		if err := Append(root, Event{at(MaxEvents + i), Join, "hn0", "mce0"}); err != nil {
			b.Fatal(err)
		}
	}
}
