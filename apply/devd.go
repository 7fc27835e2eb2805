package apply

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/host"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/render"
)

// Handler is the devd path (the rules rendered from templates/devd.conf.tmpl). Env.Log is syslog: every line
// names the interfaces involved. Lock takes the host lock; Prepare renders
// and prepares the apply, and is called only when the lagg is not as rendered
// (a host whose rendered files were never applied).
type Handler struct {
	Env     Env
	Sysctls host.Sysctls
	Lock    func() (unlock func() error, err error)
	Prepare func(ctx context.Context) (Input, error)
	// LaggName names hn's lagg as the policy does (hvnetconf.toml may
	// override laggN); nil means laggN for hnN.
	LaggName func(hn string) string
}

func (h *Handler) laggName(hnName string, unit int) string {
	if h.LaggName != nil {
		if name := h.LaggName(hnName); name != "" {
			return name
		}
	}
	return "lagg" + strconv.Itoa(unit)
}

// ValidName checks a name from devd before anything else uses it: devd
// substitutes $subsystem into a shell command line, so a name is data to
// refuse, never to pass on (exit 65).
func ValidName(name string) error {
	if err := hn.ValidIfName(name); err != nil {
		return sysexits.Errorf(sysexits.DataErr, "devd: %v", err)
	}
	return nil
}

// transparent says whether hn drives its VFs itself; then nothing may
// touch a VF (hn(4), sys/dev/hyperv/netvsc/if_hn.c: in transparent mode hn drives the VF itself).
func (h *Handler) transparent() (bool, error) {
	v, ok, err := h.Sysctls.Int("hw.hn.vf_transparent")
	return ok && v != 0, err
}

// IsVF is vf-attach's fast exit, asked before it detaches: lagg mode and
// name in hw.hn.vflist (as FreeBSD's hyperv_vfattach decides).
func (h *Handler) IsVF(name string) (bool, error) {
	if err := ValidName(name); err != nil {
		return false, err
	}
	if t, err := h.transparent(); err != nil || t {
		return false, err
	}
	list, ok, err := h.Sysctls.String("hw.hn.vflist")
	if err != nil || !ok {
		return false, err
	}
	return slices.Contains(strings.Fields(list), name), nil
}

// VFUp handles HYPERV_NIC_VF/VF_UP for hnN: the VF named by dev.hn.N.vf
// becomes a port of the lagg, which owns the addresses already.
func (h *Handler) VFUp(ctx context.Context, name string) (err error) {
	defer func() { err = failure("vf-up "+name, err) }()
	unit, err := hn.HNUnit(name)
	if err != nil {
		return sysexits.Errorf(sysexits.DataErr, "devd: %v", err)
	}
	if t, err := h.transparent(); err != nil || t {
		return err
	}
	vf, _, err := h.Sysctls.String(fmt.Sprintf("dev.hn.%d.vf", unit))
	if vf = strings.TrimSpace(vf); err != nil || vf == "" {
		if err == nil {
			h.Env.logf("vf-up %s: no VF attached (detached meanwhile?); nothing to do", name)
		}
		return err
	}
	if err := ValidName(vf); err != nil {
		return err
	}
	return h.locked(ctx, func() error { return h.join(ctx, name, unit, vf) })
}

// VFAttach is vf-attach after its delay: the VF gets the lagg's MTU,
// becomes its port and goes up (which makes hn emit VF_UP).
func (h *Handler) VFAttach(ctx context.Context, vf string) (err error) {
	defer func() { err = failure("vf-attach "+vf, err) }()
	if ok, err := h.IsVF(vf); err != nil || !ok {
		return err
	}
	s, err := hn.FromSysctls(h.Sysctls, nil)
	if err != nil {
		return err
	}
	hnName, ok := s.HNForVF(vf)
	if !ok {
		h.Env.logf("vf-attach %s: no hn is paired with it (detached meanwhile?); nothing to do", vf)
		return nil
	}
	unit, err := hn.HNUnit(hnName)
	if err != nil {
		return sysexits.Errorf(sysexits.DataErr, "live kernel: %v", err)
	}
	return h.locked(ctx, func() error { return h.join(ctx, hnName, unit, vf) })
}

func (h *Handler) locked(ctx context.Context, fn func() error) error {
	unlock, err := h.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}

// join makes vf a port of hn's lagg. Fast path: the lagg is as rendered
// (failover, hn first), so only the VF is missing. Otherwise the
// configuration is rendered and the whole lagg converged, as apply does.
func (h *Handler) join(ctx context.Context, hnName string, unit int, vf string) error {
	r := h.Env.Runner
	l := render.Lagg{Name: h.laggName(hnName, unit), HN: hnName, VF: vf}
	lagg, err := show(ctx, r, l.Name)
	if err != nil {
		return err
	}
	vi, err := show(ctx, r, vf)
	if err != nil || vi == nil {
		if vi == nil && err == nil {
			h.Env.logf("%s: %s is gone (detached meanwhile?); nothing to do", hnName, vf)
		}
		return err
	}
	if !asRendered(lagg, hnName) {
		return h.applyAll(ctx, hnName)
	}
	x := &executor{env: h.Env}
	if err := x.run(ctx, vfSteps(l.Name, lagg, vi)); err != nil {
		if _, rerr := x.rollback(ctx); rerr != nil {
			return sysexits.Errorf(sysexits.Software, "%s: %v; rollback incomplete: %v", hnName, err, rerr)
		}
		return sysexits.Errorf(sysexits.Failure, "%s: %v; rolled back", hnName, err)
	}
	if len(x.done) == 0 {
		h.Env.logf("%s: %s is already an up port of %s; nothing to do", hnName, vf, l.Name)
	}
	return nil
}

// asRendered says whether lagg is a failover lagg with hn as its master.
func asRendered(lagg *host.Interface, hn string) bool {
	p := ports(lagg)
	return lagg != nil && lagg.Lagg != nil && lagg.Lagg.Proto == "failover" && len(p) > 0 && p[0] == hn
}

// vfSteps joins vi unless it is a port already, and brings it up.
func vfSteps(lagg string, li *host.Interface, vi *host.Interface) []Step {
	if !slices.Contains(ports(li), vi.Name) {
		return joinVF(lagg, li.MTU, vi)
	}
	if !vi.HasFlag("UP") {
		return []Step{step(ifconfig(vi.Name, "up"), ifconfig(vi.Name, "down"))}
	}
	return nil
}

// applyAll is the slow path: the lagg is not as rendered (the rendered
// files were never applied, or someone changed it), so the whole
// configuration is applied as `hvnetconf apply` would, files included,
// verified and rolled back on failure: the VF may not join a lagg that
// does not own hn's addresses.
func (h *Handler) applyAll(ctx context.Context, hnName string) error {
	in, err := h.Prepare(ctx)
	if err != nil {
		return err
	}
	if _, ok := in.Plan.RuntimeLagg(hnName); !ok {
		h.Env.logf("%s: not managed by hvnetconf (%s); left alone", hnName, in.Plan.Mode.Reason)
		return nil
	}
	h.Env.logf("%s: its lagg is not as rendered; applying the configuration", hnName)
	_, err = Apply(ctx, h.Env, in, Options{Retry: DefaultRetry})
	return err
}
