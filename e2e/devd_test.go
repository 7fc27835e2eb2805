package e2e

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// devd runs the handlers for the events since *seen, as the rendered
// devd rules do (ETHERNET/IFATTACH → vf-attach, HYPERV_NIC_VF/VF_UP →
// vf-up), and waits for detached vf-attach work to show (the VF a port).
func (h *host) devd(seen *int) {
	h.t.Helper()
	for {
		ev := h.Events()
		if *seen >= len(ev) {
			return
		}
		e := ev[*seen]
		*seen++
		f := map[string]string{}
		for _, kv := range strings.Fields(e) {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		switch {
		case f["system"] == "ETHERNET" && f["type"] == "IFATTACH":
			h.handler("vf-attach", f["subsystem"])
			if strings.HasPrefix(f["subsystem"], "mce") {
				h.waitFor(f["subsystem"]+" a port", func() bool { return h.portOf(f["subsystem"]) != "" && h.isUp(f["subsystem"]) })
			}
		case f["system"] == "HYPERV_NIC_VF" && f["type"] == "VF_UP":
			h.handler("vf-up", f["subsystem"])
		}
		h.addressStaysOnLagg()
	}
}

func (h *host) handler(cmd, arg string) {
	h.t.Helper()
	if r := h.run(cmd, "-v", arg); r.code != 0 {
		h.t.Fatalf("%s %s: exit %d\n%s", cmd, arg, r.code, r.stderr)
	}
}

func (h *host) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s:\n%s", what, h.Dump())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (h *host) portOf(name string) string { return h.State().Ifaces[name].PortOf }

func (h *host) isUp(name string) bool { return h.State().Ifaces[name].Up }

func (h *host) ports(lagg string) []string { return h.State().Ifaces[lagg].Ports }

func (h *host) addressStaysOnLagg() {
	h.t.Helper()
	if l := h.iface("lagg0"); !strings.Contains(l, "inet 10.0.0.4/24") {
		h.t.Fatalf("lagg0 lost its address:\n%s", h.Dump())
	}
}

// boot: firstboot renders the files, netif brings the network up, then
// devd's handlers put the VF behind hn0.
func boot(t *testing.T) (*host, int) {
	h := newHost(t, oldRC)
	h.AttachVF("hn0", "mce0")
	if r := h.run("apply", "--files-only"); r.code != 0 {
		t.Fatalf("firstboot apply: exit %d\n%s", r.code, r.stderr)
	}
	h.sh("service", "netif", "start")
	h.addressStaysOnLagg()
	seen := 0
	h.devd(&seen)
	if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce0"}) {
		t.Fatalf("lagg0 ports %v:\n%s", p, h.Dump())
	}
	return h, seen
}

func TestBootAndLiveMigration(t *testing.T) {
	h, seen := boot(t)
	all, changing := h.changes(0)
	t.Logf("boot: %d commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
	if !strings.Contains(h.iface("lagg0"), "laggport mce0 flags=4") {
		t.Fatalf("mce0 should be ACTIVE:\n%s", h.iface("lagg0"))
	}
	leases := h.State().Leases["lagg0"]
	mark := len(h.Commands())

	h.DetachVF("mce0")
	h.devd(&seen)
	if l := h.iface("lagg0"); !strings.Contains(l, "laggport hn0 flags=5") || strings.Contains(l, "mce0") {
		t.Fatalf("after detach, hn0 should be MASTER,ACTIVE alone:\n%s", l)
	}
	h.AttachVF("hn0", "mce1")
	h.devd(&seen)
	if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce1"}) {
		t.Fatalf("lagg0 ports %v, want hn0 mce1", p)
	}
	if !strings.Contains(h.iface("lagg0"), "laggport mce1 flags=4") {
		t.Errorf("mce1 should be ACTIVE:\n%s", h.iface("lagg0"))
	}
	if got := h.State().Leases["lagg0"]; got != leases {
		t.Errorf("DHCP re-leases during migration: %d → %d", leases, got)
	}
	all, changing = h.changes(mark)
	t.Logf("migration drill: %d commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
	// Idempotent: the handlers again change nothing.
	mark = len(h.Commands())
	h.handler("vf-up", "hn0")
	h.run("vf-attach", "--detached", "mce1")
	if _, changing := h.changes(mark); len(changing) != 0 {
		t.Errorf("handlers on a converged host ran %q", changing)
	}
}

// TestVFUpConverged runs vf-up ten times on a converged host: each must
// succeed and change nothing. The whole-process time is logged for the
// README (never asserted: machines are noisy).
func TestVFUpConverged(t *testing.T) {
	h, _ := boot(t)
	var took []time.Duration
	mark := len(h.Commands())
	for range 10 {
		r := h.run("vf-up", "hn0")
		if r.code != 0 {
			t.Fatalf("vf-up: exit %d: %s", r.code, r.stderr)
		}
		took = append(took, r.took)
	}
	if _, changing := h.changes(mark); len(changing) != 0 {
		t.Errorf("vf-up on a converged host ran %q", changing)
	}
	slices.Sort(took)
	t.Logf("vf-up (converged, whole process): median %v, min %v, max %v", took[5], took[0], took[9])
}

func TestHostileNames(t *testing.T) {
	h := newHost(t, oldRC)
	h.AttachVF("hn0", "mce0")
	h.ClearLogs()
	for _, name := range []string{"hn0;reboot", "../x", strings.Repeat("a", 40), "$(reboot)", "hn0 mce0", ""} {
		for _, cmd := range []string{"vf-up", "vf-attach"} {
			r := h.run(cmd, name)
			if r.code != 65 || !strings.Contains(r.stderr, "invalid interface name") && name != "" {
				t.Errorf("%s %q: exit %d, %s", cmd, name, r.code, r.stderr)
			}
		}
	}
	if all, _ := h.changes(0); len(all) != 0 {
		t.Errorf("commands ran: %q", all)
	}
}

// TestConcurrentHandlers: apply, vf-up and vf-attach all at once end in
// one consistent lagg and whole files.
func TestConcurrentHandlers(t *testing.T) {
	h := oldHost(t)
	var wg sync.WaitGroup
	codes := make([]int, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0:
				codes[i] = h.run("apply").code
			case 1:
				codes[i] = h.run("vf-up", "hn0").code
			default:
				codes[i] = h.run("vf-attach", "--detached", "mce0").code
			}
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 0 {
			t.Errorf("run %d: exit %d", i, c)
		}
	}
	if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce0"}) {
		t.Errorf("lagg0 ports %v", p)
	}
	if n := strings.Count(h.Dump(), "kind=lagg"); n != 1 {
		t.Errorf("%d laggs", n)
	}
	if r := h.run("check"); r.code != 0 {
		t.Errorf("check: exit %d\n%s", r.code, r.stdout)
	}
	all, changing := h.changes(0)
	t.Logf("16 concurrent: %d commands (%d changing)", len(all), len(changing))
}
