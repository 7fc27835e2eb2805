package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/confirm"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// usable refuses flag combinations that mean nothing: a change on
// probation is a change of the running system, so not a dry run nor files
// alone.
func (f *applyFlags) usable() error {
	switch {
	case f.confirmWithin == 0:
		return nil
	case f.confirmWithin < minConfirm || f.confirmWithin > maxConfirm:
		return sysexits.Errorf(sysexits.Usage, "apply: --confirm-within %s: want %s to %s", f.confirmWithin, minConfirm, maxConfirm)
	case f.dryRun || f.filesOnly || f.boot:
		return sysexits.Errorf(sysexits.Usage, "apply: --confirm-within changes the running system; not with --dry-run, --files-only or --boot")
	}
	return nil
}

// onePending: one change on probation per root. While one is pending,
// only another apply --confirm-within (which adds to it) or a dry run
// may run: a plain apply would make the pending change permanent behind
// the admin's back, or be undone by its revert.
func (f *applyFlags) onePending(rec *confirm.Record) error {
	if rec == nil || rec.State != confirm.Pending || f.confirmWithin > 0 || f.dryRun {
		return nil
	}
	return sysexits.Errorf(sysexits.TempFail,
		"apply: the change applied at %s is pending confirmation until %s: run hvnetconf confirm or hvnetconf revert first (or apply --confirm-within to add to it)",
		rec.Started.Format(time.RFC3339), rec.Deadline.Format(time.RFC3339))
}

// refuseWhilePending: render writes the files a pending change's revert
// puts back; it waits for the confirm or the revert (see onePending).
func refuseWhilePending(root *fsys.Root) error {
	rec, err := loadRecord(root)
	if err != nil || rec == nil || rec.State != confirm.Pending {
		return err
	}
	return sysexits.Errorf(sysexits.TempFail, "render: the change applied at %s is pending confirmation: run hvnetconf confirm or hvnetconf revert first (nothing was written)",
		rec.Started.Format(time.RFC3339))
}

// atBoot is apply --boot, what rc.d/hvnetconf runs before netif. A change
// still pending confirmation at boot was never confirmed: its files are
// reverted (the runtime is the boot's own, built from them by netif), so
// that a reboot boots the confirmed configuration. After a revert, rc.conf
// still says what was reverted: while the files are as the revert left
// them, nothing is rendered, or the next boot would bring back what the
// revert took away. done: the boot's work is done, nothing to render.
func (f *applyFlags) atBoot(ctx context.Context, inv *invocation, root *fsys.Root, rec *confirm.Record) (done bool, err error) {
	if rec == nil {
		return false, nil
	}
	if rec.State == confirm.Pending {
		out, err := revertRecord(ctx, apply.Env{}, root, rec, false)
		if err != nil {
			return true, err
		}
		fmt.Fprintf(inv.stderr, "hvnetconf: the change applied at %s was not confirmed: reverted its files before netif (%s)\n",
			rec.Started.Format(time.RFC3339), strings.Join(out.Restored, ", "))
		return true, nil
	}
	inForce, err := rec.InForce(root)
	if err != nil || !inForce {
		if err == nil {
			err = confirm.Remove(root) // the files changed since: the mark says nothing
		}
		return false, err
	}
	fmt.Fprintf(inv.stderr, "hvnetconf: keeping the files in force since the revert at %s: rc.conf's changes since the last confirmed apply are not rendered (hvnetconf diff shows them, hvnetconf apply applies them)\n",
		rec.Reverted.Format(time.RFC3339))
	return true, nil
}

// loadRecord is the root's record of a change on probation; an image
// (or no root: a runtime-only plan) has none.
func loadRecord(root *fsys.Root) (*confirm.Record, error) {
	if root == nil || root.IsImage() {
		return nil, nil
	}
	return confirm.Load(root)
}

// confirmation is what --json says about a change on probation (report).
type confirmation struct {
	State       string    `json:"state"` // pending or reverted
	Started     time.Time `json:"started"`
	Deadline    time.Time `json:"deadline"`
	SecondsLeft int64     `json:"seconds_left"`
	Reverted    time.Time `json:"reverted,omitzero"`
	Files       []string  `json:"files"`
}

// inForce is the root's record when it says something: a pending change,
// or a reverted one whose files are still in force; nil otherwise.
func inForce(root *fsys.Root) (*confirm.Record, error) {
	rec, err := loadRecord(root)
	if err != nil || rec == nil || rec.State == confirm.Pending {
		return rec, err
	}
	ok, err := rec.InForce(root)
	if err != nil || !ok {
		return nil, err
	}
	return rec, nil
}

func confirmationOf(root *fsys.Root) *confirmation {
	rec, err := inForce(root)
	if err != nil || rec == nil {
		return nil
	}
	c := &confirmation{State: rec.State, Started: rec.Started, Deadline: rec.Deadline, Reverted: rec.Reverted, Files: []string{}}
	if rec.State == confirm.Pending {
		c.SecondsLeft = int64(rec.Left(time.Now()).Round(time.Second) / time.Second)
	}
	for _, f := range rec.Files {
		c.Files = append(c.Files, f.Path)
	}
	return c
}

// printPending says on stderr when a change is pending confirmation (and
// how long is left), or a reverted one is in force.
func printPending(w io.Writer, root *fsys.Root) {
	rec, err := inForce(root)
	switch {
	case err != nil:
		fmt.Fprintf(w, "hvnetconf: %v\n", err)
	case rec != nil:
		fmt.Fprintf(w, "hvnetconf: note: %s\n", rec.Summary(time.Now()))
	}
}
