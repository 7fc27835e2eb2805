// Package devd holds hvnetconf's devd(8) handlers, run by the rules
// rendered from templates/devd.tmpl: vf-attach for every Ethernet attach,
// vf-up for HYPERV_NIC_VF/VF_UP. They are thin: the hn state comes from
// live, every decision (is this hn managed, which lagg, how long to wait)
// from the plan, and every change goes through apply (JoinVF, or a full
// Apply), whose executor logs each step and rolls back on failure.
package devd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/ifname"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/hvnetconf/hvnetconf/vfhistory"
)

// Handler is one run of a devd handler.
type Handler struct {
	Sys live.System
	// Log is syslog (devd throws stderr away): every line names the
	// interfaces involved.
	Log io.Writer
	// Runtime renders the fast path's plan, its runtime part only
	// (plan.PrepareRuntime), from the hn state s (the handler's own read:
	// the plan decides from what the handler saw) under the root's lock,
	// which it takes if the handler does not hold it; it is held until
	// Unlock or the command's end.
	Runtime func(ctx context.Context, s *hn.Snapshot) (*render.Plan, error)
	// Plan is Runtime's full render (plan.Prepare), files included, for a
	// whole Apply; under the same lock.
	Plan func(ctx context.Context, s *hn.Snapshot) (apply.Input, error)
	// Unlock lets go of the lock Plan took: vf-attach holds none while it
	// waits, so that an apply (or devd's next handler) is not held up.
	Unlock func()
	// Later starts argv detached, waiting for nothing (Spawn): how a
	// handler runs what an apply left for after the lock (`service devd
	// restart`, apply.Result.Deferred). No process devd started may wait
	// for devd: devd waits for its action, and the restart for devd.
	Later func(argv []string) error
	// History keeps the VF history (package vfhistory, under the root);
	// nil keeps none. Recording is never a reason to fail: what cannot
	// be recorded is logged.
	History History
	// Reverted says whether a change that was not confirmed has been
	// reverted and its files are in force (confirm.Reverted): rc.conf
	// then says what was reverted, so the VF joins the running lagg its
	// hn masters, and nothing is rendered or applied. nil: never.
	Reverted func() bool
}

// History is the VF history as the handlers use it: what it holds, and
// one more event.
type History interface {
	Read() ([]vfhistory.Event, error)
	Append(vfhistory.Event) error
}

// record adds what happened to vf now, logging (never returning) a
// failure: the network comes first.
func (h *Handler) record(kind vfhistory.Kind, hnName, vf string) {
	if h.History == nil {
		return
	}
	if err := h.History.Append(vfhistory.Event{Time: time.Now(), Kind: kind, HN: hnName, VF: vf}); err != nil {
		h.logf("%s: VF history: %v (not recorded: %s %s)", vf, err, kind, hnName)
	}
}

// ValidName checks a name from devd before anything else uses it: devd
// substitutes $subsystem into a shell command line, so a name is data to
// refuse, never to pass on (exit 65).
func ValidName(name string) error {
	if err := ifname.Valid(name); err != nil {
		return sysexits.Errorf(sysexits.DataErr, "devd: %v", err)
	}
	return nil
}

// ValidAttachName checks the name of any interface devd reports attaching:
// a VF, but also an epair0a or a vlan0.100, which are no reason to fail.
// Attach only compares it with hw.hn.vflist and hands on only a VF that
// passes ValidName. Anything but a letter followed by letters, digits,
// '.' and '_', within IFNAMSIZ, is still refused (exit 65).
func ValidAttachName(name string) error {
	if err := ifname.ValidAttach(name); err != nil {
		return sysexits.Errorf(sysexits.DataErr, "devd: %v", err)
	}
	return nil
}

func (h *Handler) env() apply.Env { return apply.Env{Runner: h.Sys, Log: h.Log} }

func (h *Handler) logf(format string, a ...any) {
	if h.Log != nil {
		fmt.Fprintf(h.Log, format+"\n", a...)
	}
}

// Attach is what devd waits for on every Ethernet attach (lagg, vlan, hn
// and VFs alike), so it decides fast, from two sysctls, without the lock
// or a plan: only for a VF in lagg mode (hn.Snapshot.LaggVF), or a lagg
// clone arriving while a VF is attached (laggArrival), does it call
// later, which starts VFAttach in the background, as FreeBSD's rule does
// with daemon -f: devd(8) runs one action at a time.
func (h *Handler) Attach(name string, later func() error) error {
	if err := ValidAttachName(name); err != nil {
		return err
	}
	s, err := hn.ReadVFs(h.Sys)
	if err != nil || !s.LaggVF(name) && !laggArrival(s, name) {
		return failure("vf-attach "+name, err)
	}
	if !s.IsVF(name) {
		if up, err := h.vfUpOutside(s); err != nil || !up {
			return failure("vf-attach "+name, err)
		}
	}
	if err := ValidName(name); err != nil {
		return err
	}
	if s.IsVF(name) {
		h.arrived(name) // a lagg's arrival is no VF's
	}
	return failure("vf-attach "+name, later())
}

// arrived records name's arrival for the hn the kernel pairs it with:
// hw.hn.vfmap, the sysctl read with the mode (one batch on the emulated
// host, sysctl(3) on FreeBSD). vfmap prints a renamed hn by its new name
// (if_hn.c hn_vfmap_sysctl); dev.hn.N.vf, probed then, names its unit.
func (h *Handler) arrived(vf string) {
	if h.History == nil {
		return
	}
	m, _, err := h.Sys.Sysctl("hw.hn.vfmap")
	if err != nil {
		h.logf("%s: VF history: %v (arrival not recorded)", vf, err)
		return
	}
	name := ""
	for _, pair := range strings.Fields(m) {
		if v, n, ok := strings.Cut(pair, ":"); ok && v == vf {
			name = n
		}
	}
	if _, err := hn.HNUnit(name); err != nil {
		name = h.unitOf(vf)
	}
	if name == "" {
		h.logf("%s: VF history: no hn pairs with it (arrival not recorded)", vf)
		return
	}
	h.record(vfhistory.Arrive, name, vf)
}

// unitOf is the hnN whose dev.hn.N.vf names vf, "" if none does.
func (h *Handler) unitOf(vf string) string {
	for u, missing := 0, 0; missing < hn.UnitGap; u++ {
		v, ok, err := h.Sys.Sysctl(fmt.Sprintf("dev.hn.%d.vf", u))
		switch {
		case err != nil:
			return ""
		case !ok:
			missing++
		case strings.TrimSpace(v) == vf:
			return fmt.Sprintf("hn%d", u)
		}
	}
	return ""
}

// Detach is what devd runs on every Ethernet detach (ETHERNET IFDETACH,
// sent by if_ethersubr.c ether_ifdetach): when the history shows the
// interface as a VF that is here, its departure is recorded. Nothing
// else is read or changed: hn(4) itself moves the traffic back to hnN
// (if_hn.c hn_rxvf_change) and lagg(4) drops the port.
func (h *Handler) Detach(name string) error {
	if err := ValidAttachName(name); err != nil || h.History == nil {
		return err
	}
	events, err := h.History.Read()
	if err != nil {
		h.logf("%s: VF history: %v (departure not recorded)", name, err)
		return nil
	}
	if hnName, here := vfhistory.Present(events, name); here {
		h.record(vfhistory.Depart, hnName, name)
	}
	return nil
}

// VFAttach is vf-attach in the background: when the plan manages any
// lagg, it waits the plan's hyperv_vf_delay (through wait, holding no
// lock), then, from the state as it is by then, gives the VF the MTU of
// its hn's lagg, makes it a port and brings it up (which makes hn emit
// VF_UP).
func (h *Handler) VFAttach(ctx context.Context, vf string, wait func(context.Context, time.Duration) error) error {
	if err := ValidName(vf); err != nil {
		return err
	}
	return failure("vf-attach "+vf, h.vfAttach(ctx, vf, wait))
}

func (h *Handler) vfAttach(ctx context.Context, vf string, wait func(context.Context, time.Duration) error) error {
	s, err := h.laggMode()
	if err != nil || s == nil {
		return err
	}
	p, err := h.Runtime(ctx, s)
	if err != nil {
		return err
	}
	if len(p.Runtime()) == 0 {
		h.logf("vf-attach %s: hvnetconf manages no lagg (%s); left alone", vf, p.Mode.Reason)
		return nil
	}
	if _, ok := managedLagg(p, vf); !ok && !s.IsVF(vf) && !h.reverted() {
		h.logf("vf-attach %s: not a lagg hvnetconf manages; left alone", vf)
		return nil
	}
	if h.Unlock != nil {
		h.Unlock()
	}
	if err := wait(ctx, time.Duration(p.VFDelay)*time.Second); err != nil {
		return err
	}
	if s, err = h.laggMode(); err != nil || s == nil {
		return err
	}
	if !s.IsVF(vf) && config.IsLaggName(vf) {
		return h.laggBack(ctx, s, vf)
	}
	hnName, ok := s.HNForVF(vf)
	if !s.IsVF(vf) || !ok {
		h.logf("vf-attach %s: no longer a VF paired with an hn (detached during the wait?); nothing to do", vf)
		return nil
	}
	return h.join(ctx, s, hnName, vf)
}

// laggArrival: name may be one of the plan's laggs attaching again while
// a VF is attached in lagg mode. netif's stop destroys the lagg
// (network.subr clone_down) and its start creates it with hnN alone
// (ifconfig_laggN); the VF stays up outside it, hn keeps its link forced
// down while the VF is up (if_hn.c hn_rxvf_change), and no VF event
// comes: nothing but the lagg's own attach says the VF must join again.
// Only lagg clone names (laggN, before any rename) qualify, and only while
// a VF is up (vfUpOutside); the plan, in the background, says whether it
// is one of hvnetconf's.
func laggArrival(s *hn.Snapshot, name string) bool {
	return !s.Transparent && len(s.VFList) > 0 && config.IsLaggName(name)
}

// vfUpOutside says whether a VF of hw.hn.vflist is up (`ifconfig -l -u`),
// asked only when a lagg clone arrives while a VF is attached. A VF that
// is down is its own arrival's business (vf-attach for the VF brings it up
// and joins it): so at boot, when netif creates the lagg before any VF
// came up, no background child starts for the lagg; after netif's stop
// and start the VF is still up, outside the lagg.
func (h *Handler) vfUpOutside(s *hn.Snapshot) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), joinTimeout)
	defer cancel()
	out, err := h.Sys.Run(ctx, live.Ifconfig, "-l", "-u")
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(strings.Fields(string(out)), s.IsVF), nil
}

// laggBack is vf-attach for a lagg that attached again (laggArrival),
// after the delay: the VF of the lagg's hn joins it through the fast path
// (apply.JoinVF), and then the static routes come back through FreeBSD's
// own rc.d/routing: the lagg's departure took every route through it
// along (if.c if_detach_internal → rt_flushifroutes), and netif's start
// puts back none of them (rc.d/netif netif_start runs routing only for
// the interfaces it was named, and then only the routes tagged with
// one). A lagg that is gone again, or not as rendered (someone else made
// it, or an apply is rolling back), is left alone: only an admin's apply
// decides to change more than the VF's membership.
func (h *Handler) laggBack(ctx context.Context, s *hn.Snapshot, name string) error {
	if h.reverted() {
		return h.laggBackReverted(ctx, s, name)
	}
	p, err := h.Runtime(ctx, s) // under the lock again, from the state as it is now
	if err != nil {
		return err
	}
	l, ok := managedLagg(p, name)
	if !ok {
		h.logf("vf-attach %s: not a lagg hvnetconf manages; left alone", name)
		return nil
	}
	hnIf, _ := s.Lookup(l.HN)
	if hnIf.VF == "" {
		h.logf("vf-attach %s: %s has no VF attached; nothing to join", name, l.HN)
		return nil
	}
	fast, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	if done, err := h.joined(fast, s, l.HN, hnIf.VF); err != nil || done {
		return err
	}
	err = apply.JoinVF(fast, h.env(), l, hnIf.VF)
	if errors.Is(err, apply.ErrNotAsRendered) {
		h.logf("vf-attach %s: %s is not as rendered (gone again, or not netif's); left alone", name, l.Name)
		return nil
	}
	if err != nil {
		return err
	}
	h.record(vfhistory.Join, l.HN, hnIf.VF)
	h.logf("vf-attach %s: %s joined %s again; restoring the static routes (service routing static)", name, hnIf.VF, l.Name)
	if _, err := h.Sys.Run(ctx, live.Service, "routing", "static"); err != nil {
		// Each route still present (lo0's, another interface's) fails
		// with "File exists"; those that left with the lagg are back.
		h.logf("vf-attach %s: service routing static: %v (routes still present fail so)", name, err)
	}
	return nil
}

// reverted: a reverted change's files are in force (Reverted).
func (h *Handler) reverted() bool { return h.Reverted != nil && h.Reverted() }

// laggBackReverted is laggBack while a reverted change's files are in
// force (Reverted): the plan is not the configuration then, so each hn's
// VF joins the running failover lagg that hn masters, if there is one
// (apply.JoinLive, as join does), and the static routes come back.
func (h *Handler) laggBackReverted(ctx context.Context, s *hn.Snapshot, name string) error {
	fast, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	joined := false
	for _, i := range s.HN {
		if i.VF == "" {
			continue
		}
		ok, err := apply.JoinLive(fast, h.env(), i.Name, i.VF, s.Interfaces)
		if err != nil {
			return err
		}
		if ok {
			h.record(vfhistory.Join, i.Name, i.VF)
			joined = true
		}
	}
	if joined {
		h.logf("vf-attach %s: a reverted change's files are in force; VFs joined the laggs their hn master; restoring the static routes (service routing static)", name)
		if _, err := h.Sys.Run(ctx, live.Service, "routing", "static"); err != nil {
			h.logf("vf-attach %s: service routing static: %v (routes still present fail so)", name, err)
		}
	}
	return nil
}

// managedLagg is the plan's runtime lagg created as name (its clone name
// or, without a rename, its name).
func managedLagg(p *render.Plan, name string) (render.Lagg, bool) {
	laggs := p.Runtime()
	i := slices.IndexFunc(laggs, func(l render.Lagg) bool { return l.Name == name || l.Clone == name })
	if i < 0 {
		return render.Lagg{}, false
	}
	return laggs[i], true
}

// VFUp handles HYPERV_NIC_VF/VF_UP for hnN: the VF named by dev.hn.N.vf
// becomes a port of the lagg, which owns the addresses already.
func (h *Handler) VFUp(ctx context.Context, hnName string) error {
	if _, err := hn.HNUnit(hnName); err != nil {
		return sysexits.Errorf(sysexits.DataErr, "devd: %v", err)
	}
	return failure("vf-up "+hnName, h.vfUp(ctx, hnName))
}

func (h *Handler) vfUp(ctx context.Context, hnName string) error {
	s, err := h.laggMode()
	if err != nil || s == nil {
		return err
	}
	i, _ := s.Lookup(hnName)
	if i.VF == "" {
		h.logf("vf-up %s: no VF attached (detached meanwhile?); nothing to do", hnName)
		return nil
	}
	return h.join(ctx, s, hnName, i.VF)
}

// joined is join's first look, before any plan: a VF that is already an up
// port of a failover lagg its hn masters needs nothing, whatever the plan
// says (apply.Joined).
func (h *Handler) joined(ctx context.Context, s *hn.Snapshot, hnName, vf string) (bool, error) {
	return apply.Joined(ctx, h.env(), hnName, vf, s.Interfaces)
}

// laggMode reads the hn state; nil when the kernel runs transparent. That
// is no decision of its own: a plan made then never has runtime laggs
// (Plan.Runtime: a transparent mode has none, a lagg mode waits for the
// reboot), so there is no plan to render.
func (h *Handler) laggMode() (*hn.Snapshot, error) {
	s, err := live.Snapshot(h.Sys)
	if err != nil || s.Transparent {
		return nil, err
	}
	return s, nil
}

// join makes vf a port of the lagg the plan names for hn: nothing when it
// is one already (joined), the fast path when the lagg is as rendered,
// else the whole plan applied as `hvnetconf apply` would, files included,
// verified and rolled back on failure.
func (h *Handler) join(ctx context.Context, s *hn.Snapshot, hnName, vf string) error {
	fast, cancel := context.WithTimeout(ctx, joinTimeout)
	defer cancel()
	if done, err := h.joined(fast, s, hnName, vf); err != nil || done {
		return err
	}
	if h.Reverted != nil && h.Reverted() {
		ok, err := apply.JoinLive(fast, h.env(), hnName, vf, s.Interfaces)
		switch {
		case err == nil && ok:
			h.record(vfhistory.Join, hnName, vf)
		case err == nil:
			h.logf("%s: a reverted change's files are in force, and no lagg there has %s as master; %s left alone", hnName, hnName, vf)
		}
		return err
	}
	p, err := h.Runtime(ctx, s)
	if err != nil {
		return err
	}
	l, ok := p.RuntimeLagg(hnName)
	if !ok {
		h.logf("%s: not managed by hvnetconf (%s); left alone", hnName, p.Mode.Reason)
		return nil
	}
	if err := apply.JoinVF(fast, h.env(), l, vf); !errors.Is(err, apply.ErrNotAsRendered) {
		if err == nil {
			h.record(vfhistory.Join, hnName, vf)
		}
		return err
	}
	h.logf("%s: its lagg is not as rendered; applying the configuration", hnName)
	in, err := h.Plan(ctx, s)
	if err != nil {
		return err
	}
	res, err := apply.Apply(ctx, h.env(), in, apply.Options{Retry: apply.DefaultRetry})
	if err == nil {
		h.record(vfhistory.Join, hnName, vf)
	}
	if err != nil || len(res.Deferred) == 0 {
		return err
	}
	return h.deferred(hnName, res.Deferred)
}

// deferred hands what the apply left for after the lock to detached
// children, once the lock is let go: the devd restart must not run in
// this handler (devd waits for it, and the restart waits for devd), nor
// while the lock is held (the new devd first handles the queued events,
// whose handlers take the lock).
func (h *Handler) deferred(hnName string, steps []apply.Step) error {
	if h.Unlock != nil {
		h.Unlock()
	}
	for _, s := range steps {
		h.logf("%s: %s started detached (devd waits for this handler)", hnName, s)
		if err := h.Later(s.Argv); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

// joinTimeout bounds the fast path's commands (two ifconfig reads, up to
// three changes, each milliseconds): devd runs one handler at a time and
// the handler holds the lock, so a stuck driver must not hold both for
// ever. A step cut short fails and is rolled back (apply.JoinVF).
var joinTimeout = 30 * time.Second

// failure names the handler in its error, once, keeping the exit code the
// error carries; one without a code is a command that failed: exit 1
// (sysexits.Failed).
func failure(what string, err error) error {
	var coded *sysexits.Error
	if !errors.As(err, &coded) {
		return sysexits.Failed(what, err) // nil stays nil
	}
	return sysexits.New(coded.Code, fmt.Errorf("%s: %w", what, err))
}
