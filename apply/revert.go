package apply

import (
	"context"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/render"
)

// Revert undoes the runtime steps of applies that were never confirmed
// (confirm.Record.Steps, in the order they ran), last first, with the
// executor's own rollback: the same undo commands a failed apply runs. The
// caller has restored the files already (changed lists the paths), so
// that the rc.d scripts the undo runs read the configuration they were
// written for, as in a rollback. A changed devd rules file leaves devd's
// restart for after the lock (Result.Deferred): the restarted devd of the
// apply runs the rules being reverted.
func Revert(ctx context.Context, env Env, steps []Step, changed []string) (*Result, error) {
	res := &Result{Steps: []Step{}, Restored: []string{}}
	if len(changed) > 0 {
		res.Restored = append(res.Restored, "files")
	}
	x := &executor{env: env, done: slices.Clone(steps)}
	undone, err := x.rollback(ctx)
	res.Restored = append(res.Restored, undone...)
	res.Deferred = devdRestart(changed)
	if err != nil {
		res.Failed = []string{err.Error()}
		return res, sysexits.Errorf(sysexits.Software, "revert: files restored; runtime undo incomplete: %v", err)
	}
	return res, nil
}

// JoinLive makes vf a port of the live failover lagg whose master is hn,
// among names (the host's interfaces), when there is one: the devd
// handlers' way after a revert, when rc.conf no longer says what is in
// force (confirm.Reverted) and the running laggs do. false: no such lagg,
// so hn is not in a lagg under the configuration in force.
func JoinLive(ctx context.Context, env Env, hn, vf string, names []string) (bool, error) {
	for _, name := range names {
		if !strings.HasPrefix(name, "lagg") {
			continue
		}
		li, err := show(ctx, env.Runner, name)
		if err != nil {
			return false, err
		}
		if asRendered(li, hn) {
			return true, JoinVF(ctx, env, render.Lagg{Name: name, HN: hn, VF: vf}, vf)
		}
	}
	return false, nil
}
