// Package confirm keeps the record of a change applied on probation
// (apply --confirm-within): what the files held and which runtime steps ran
// since the last confirmed configuration, so that the change can be undone
// by a later process (the timer, `hvnetconf revert`, the boot). It reads
// and writes only that record (fsys.StateDir) and, for a revert, the files
// the record names, which must all be hvnetconf's targets; it never runs
// a program and never decides what to render.
package confirm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/hvnetconf/hvnetconf/render"
)

// Name is the record's file in fsys.StateDir.
const Name = "confirm.json"

// States of a record.
const (
	// Pending: applied, not confirmed; reverted when the deadline passes,
	// on `hvnetconf revert`, or at the next boot.
	Pending = "pending"
	// Reverted: the files were put back and nothing confirmed since.
	// While the files still hold what the revert put back, the boot does
	// not render rc.conf (which still says what was reverted) and the
	// devd handlers join VFs to the laggs in force, not to rc.conf's.
	Reverted = "reverted"
)

// version is the record's format.
const version = 1

// Record is one root's change on probation.
type Record struct {
	Version    int       `json:"version"`
	State      string    `json:"state"`
	Generation int64     `json:"generation"` // grows with each apply --confirm-within; the timer's ticket
	Started    time.Time `json:"started"`    // the first unconfirmed apply
	Deadline   time.Time `json:"deadline"`
	Reverted   time.Time `json:"reverted,omitzero"`
	// Files: each file an unconfirmed apply changed, as it was before
	// the first of them (Old) and as the last one wrote it (New).
	Files []File `json:"files"`
	// Steps: every runtime step of the unconfirmed applies, in the order
	// they ran; a revert undoes them last first.
	Steps []apply.Step `json:"steps"`
}

// File is one file's content before the first unconfirmed apply and after
// the last.
type File struct {
	Path      string `json:"path"`
	Old       []byte `json:"old"`
	OldExists bool   `json:"old_exists"`
	New       []byte `json:"new"`
	NewExists bool   `json:"new_exists"`
}

// Load reads the root's record; nil when there is none. Only a running
// system has one: callers do not look in an image. A record that is
// not what this version writes is refused (exit 65), never guessed at:
// it names files to write and commands to run.
func Load(root *fsys.Root) (*Record, error) {
	data, ok, err := root.ReadState(Name)
	if err != nil || !ok {
		return nil, err
	}
	var r Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, bad("%v", err)
	}
	if err := r.valid(); err != nil {
		return nil, err
	}
	return &r, nil
}

func bad(format string, a ...any) error {
	return sysexits.Errorf(sysexits.DataErr, "%s/%s: "+format+"; move it away after checking the files it names",
		append([]any{fsys.StateDir, Name}, a...)...)
}

// valid: only hvnetconf's targets, only ifconfig and service.
func (r *Record) valid() error {
	if r.Version != version || (r.State != Pending && r.State != Reverted) {
		return bad("not a record of this version (version %d, state %q)", r.Version, r.State)
	}
	for _, f := range r.Files {
		if !slices.Contains(render.Targets, f.Path) {
			return bad("names %q, which is not one of hvnetconf's files", f.Path)
		}
	}
	for _, s := range r.Steps {
		for _, argv := range append([][]string{s.Argv}, s.Undo...) {
			if len(argv) == 0 || (argv[0] != live.Ifconfig && argv[0] != live.Service) {
				return bad("a step runs %q; only ifconfig and service are", argv)
			}
		}
	}
	return nil
}

// Save writes the record atomically (fsys.Root.WriteState).
func (r *Record) Save(root *fsys.Root) error {
	r.Version = version
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return sysexits.New(sysexits.Software, err)
	}
	return root.WriteState(Name, append(data, '\n'))
}

// Remove deletes the record (confirmed, or superseded by an apply).
func Remove(root *fsys.Root) error { return root.RemoveState(Name) }

// Next is the record for one more apply --confirm-within at now, due
// within d: prev's when a change is pending (RFC 6241 8.4: a confirmed
// commit while one is pending extends it, and the timer restarts), a new
// one otherwise. The generation grows either way, so that every earlier
// timer finds itself superseded.
func Next(prev *Record, now time.Time, d time.Duration) *Record {
	r := &Record{State: Pending, Started: now, Files: []File{}, Steps: []apply.Step{}}
	if prev != nil {
		r.Generation = prev.Generation
		if prev.State == Pending {
			r.Started, r.Files, r.Steps = prev.Started, slices.Clone(prev.Files), slices.Clone(prev.Steps)
		}
	}
	r.Generation++
	r.Deadline = now.Add(d)
	return r
}

// AddFiles records the files an apply is about to write: a file already
// recorded keeps its first Old.
func (r *Record) AddFiles(changes []plan.Change) {
	for _, c := range changes {
		i := slices.IndexFunc(r.Files, func(f File) bool { return f.Path == c.Path })
		if i < 0 {
			r.Files = append(r.Files, File{Path: c.Path, Old: c.Old, OldExists: c.OldExists})
			i = len(r.Files) - 1
		}
		r.Files[i].New, r.Files[i].NewExists = c.New, c.NewExists
	}
}

// Left is the time until the deadline (never below zero).
func (r *Record) Left(now time.Time) time.Duration { return max(r.Deadline.Sub(now), 0) }

// Summary says in one line what is pending or in force, for check and diff.
func (r *Record) Summary(now time.Time) string {
	if r.State == Reverted {
		return fmt.Sprintf("a change applied at %s was not confirmed and was reverted at %s; rc.conf's changes since the last confirmed apply are not in force (hvnetconf apply applies them)",
			r.Started.Format(time.RFC3339), r.Reverted.Format(time.RFC3339))
	}
	if left := r.Left(now); left > 0 {
		return fmt.Sprintf("a change applied at %s is pending confirmation: reverted in %s (at %s) unless confirmed (hvnetconf confirm; hvnetconf revert undoes it now)",
			r.Started.Format(time.RFC3339), left.Round(time.Second), r.Deadline.Format(time.RFC3339))
	}
	return fmt.Sprintf("a change applied at %s was due for revert at %s and is still pending (hvnetconf revert undoes it; hvnetconf confirm keeps it)",
		r.Started.Format(time.RFC3339), r.Deadline.Format(time.RFC3339))
}
