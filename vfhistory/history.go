// Package vfhistory keeps the VF history the devd handlers record: when
// each VF arrived (vf-attach), joined its lagg (the join) and departed
// (vf-detach), in a small bounded file under the root's /var/db. It only
// records and summarises: it never decides anything about the network,
// and a history it cannot read is rebuilt, never an error for the
// handler that writes it.
package vfhistory

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/ifname"
)

// Path is the history file: /var/db is where FreeBSD keeps state that
// survives a reboot (hier(7)).
const Path = "/var/db/hvnetconf/vf-history"

// MaxEvents bounds the file: the newest events are kept (a few KiB).
const MaxEvents = 128

const header = "# hvnetconf VF history 1: UTC-TIME EVENT HN VF, oldest first; written by the devd handlers, do not edit"

// Kind is what happened to a VF.
type Kind string

// The events the handlers record.
const (
	Arrive Kind = "arrive" // the VF attached (ETHERNET IFATTACH: vf-attach)
	Join   Kind = "join"   // hvnetconf made it a port of its hn's lagg
	Depart Kind = "depart" // it detached (ETHERNET IFDETACH: vf-detach)
)

// Event is one line of the history.
type Event struct {
	Time time.Time `json:"time"`
	Kind Kind      `json:"event"`
	HN   string    `json:"hn"`
	VF   string    `json:"vf"`
}

func (e Event) line() string {
	return fmt.Sprintf("%s %s %s %s\n", e.Time.UTC().Format(time.RFC3339Nano), e.Kind, e.HN, e.VF)
}

// Parse reads a history file; lines it cannot read are dropped and
// counted, so a corrupt file yields what can still be trusted and is
// rewritten whole by the next Append.
func Parse(data []byte) (events []Event, dropped int) {
	for _, l := range strings.Split(string(data), "\n") {
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		e, ok := parseLine(l)
		if !ok {
			dropped++
			continue
		}
		events = append(events, e)
	}
	return events, dropped
}

func parseLine(l string) (Event, bool) {
	f := strings.Fields(l)
	if len(f) != 4 {
		return Event{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, f[0])
	k := Kind(f[1])
	if err != nil || (k != Arrive && k != Join && k != Depart) || ifname.Valid(f[2]) != nil || ifname.Valid(f[3]) != nil {
		return Event{}, false
	}
	return Event{Time: t, Kind: k, HN: f[2], VF: f[3]}, true
}

// add appends e to the history in old and returns the file's new content,
// the newest MaxEvents events, oldest first.
func add(old []byte, e Event) []byte {
	events, _ := Parse(old)
	events = append(events, e)
	slices.SortStableFunc(events, func(a, b Event) int { return a.Time.Compare(b.Time) })
	if len(events) > MaxEvents {
		events = events[len(events)-MaxEvents:]
	}
	var b bytes.Buffer
	b.WriteString(header + "\n")
	for _, e := range events {
		b.WriteString(e.line())
	}
	return b.Bytes()
}

// Append records e under root (fsys.Root.Record: serialised, atomic).
func Append(root *fsys.Root, e Event) error {
	if ifname.Valid(e.HN) != nil || ifname.Valid(e.VF) != nil {
		return fmt.Errorf("vf history: %q %q: not interface names", e.HN, e.VF)
	}
	return root.Record(Path, func(old []byte) []byte { return add(old, e) })
}

// Read returns the history under root and how many lines of it were
// unreadable; a missing file is an empty history.
func Read(root *fsys.Root) ([]Event, int, error) {
	data, _, err := root.ReadFile(Path)
	if err != nil {
		return nil, 0, err
	}
	ev, dropped := Parse(data)
	return ev, dropped, nil
}

// Present says whether the history's last word on vf is that it is here
// (arrived or joined, not departed since): vf-detach records a departure
// only for such a VF, every other interface's detach is none of its
// business.
func Present(events []Event, vf string) (hn string, ok bool) {
	for _, e := range slices.Backward(events) {
		if e.VF == vf {
			return e.HN, e.Kind != Depart
		}
	}
	return "", false
}
