package apply

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
)

// ErrNotAsRendered says JoinVF found the lagg not as the plan renders it
// (missing, not failover, or hn not its master port): the VF may not join a
// lagg that does not own hn's addresses, so the caller applies the whole
// plan instead.
var ErrNotAsRendered = errors.New("the lagg is not as rendered")

// JoinVF makes vf a port of l, the devd handlers' fast path: the lagg is as
// rendered, so only the VF is missing (or down). It runs through the same
// executor as Apply, and is rolled back the same way when a step fails.
func JoinVF(ctx context.Context, env Env, l render.Lagg, vf string) error {
	lagg, err := show(ctx, env.Runner, l.Name)
	if err != nil {
		return err
	}
	vi, err := show(ctx, env.Runner, vf)
	if err != nil || vi == nil {
		if vi == nil && err == nil {
			env.logf("%s: %s is gone (detached meanwhile?); nothing to do", l.HN, vf)
		}
		return err
	}
	if !asRendered(lagg, l.HN) {
		return ErrNotAsRendered
	}
	x := &executor{env: env}
	if err := x.run(ctx, vfSteps(l.Name, lagg, vi)); err != nil {
		if _, rerr := x.rollback(ctx); rerr != nil {
			return sysexits.Errorf(sysexits.Software, "%s: %v; rollback incomplete: %v", l.HN, err, rerr)
		}
		return sysexits.Errorf(sysexits.Failure, "%s: %v; rolled back", l.HN, err)
	}
	if len(x.done) == 0 {
		alreadyUp(env, l.HN, vf, l.Name)
	}
	return nil
}

// alreadyUp logs that vf needs nothing, for JoinVF and Joined alike.
func alreadyUp(env Env, hn, vf, lagg string) {
	env.logf("%s: %s is already an up port of %s; nothing to do", hn, vf, lagg)
}

// Joined says whether vf is already an up port of a failover lagg whose
// master is hn, looking at the laggs among names (the host's interface
// list). Then no plan can ask for a change: a lagg the plan manages is as
// it wants it, and an hn it does not manage is left alone anyway. The devd
// handlers ask this first, so that the common case (VF_UP after vf-attach
// joined the VF) costs no render. It only reads, and logs when vf is one.
func Joined(ctx context.Context, env Env, hn, vf string, names []string) (bool, error) {
	for _, name := range laggCandidates(hn, vf, names) {
		li, err := show(ctx, env.Runner, name)
		if err != nil {
			return false, err
		}
		if !asRendered(li, hn) || !slices.Contains(ports(li), vf) {
			continue
		}
		vi, err := show(ctx, env.Runner, vf)
		if err != nil || vi == nil {
			return false, err
		}
		if !vi.HasFlag("UP") {
			return false, nil // a port already: up is all that is left
		}
		alreadyUp(env, hn, vf, name)
		return true, nil
	}
	return false, nil
}

// laggCandidates orders the interfaces that may be hn's lagg: a lagg is
// known by what ifconfig shows (asRendered), not by its name, since rc.conf
// may rename it (ifconfig_lagg0_name="wan0"). Names starting with "lagg"
// come first, as they are the usual case and cost one ifconfig; hn, its VF
// and the loopback never are one.
func laggCandidates(hn, vf string, names []string) []string {
	var usual, other []string
	for _, name := range names {
		switch {
		case name == hn || name == vf || strings.HasPrefix(name, "lo"):
		case strings.HasPrefix(name, "lagg"):
			usual = append(usual, name)
		default:
			other = append(other, name)
		}
	}
	return append(usual, other...)
}

// asRendered says whether lagg is a failover lagg with hn as its master:
// the port flagged MASTER, whatever the order ifconfig prints the ports in
// (interface-index order; see portOrder).
func asRendered(lagg *live.Interface, hn string) bool {
	return lagg != nil && lagg.Lagg != nil && lagg.Lagg.Proto == "failover" && master(lagg) == hn
}

// vfSteps joins vi unless it is a port already, and brings it up.
func vfSteps(lagg string, li *live.Interface, vi *live.Interface) []Step {
	if !slices.Contains(ports(li), vi.Name) {
		return joinVF(lagg, li.MTU, vi)
	}
	if !vi.HasFlag("UP") {
		return []Step{step(ifconfig(vi.Name, "up"), ifconfig(vi.Name, "down"))}
	}
	return nil
}
