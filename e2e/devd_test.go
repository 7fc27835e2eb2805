package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/render"
)

func (h *host) ports(lagg string) []string {
	if i := h.State().Ifaces[lagg]; i != nil {
		return i.Ports
	}
	return nil
}

// lagg0Is: lagg0 is a failover lagg over ports (hn0 the master), active
// flagged ACTIVE, owning hn0's 10.0.0.4/24 with no address on any port
// (conformance.CheckLagg, as golden's expect.toml).
func (h *host) lagg0Is(ports []string, active string) {
	h.t.Helper()
	want := conformance.Lagg{Master: "hn0", Ports: ports, Active: active, Iface: conformance.Iface{Inet: []string{"10.0.0.4/24"}}}
	if p := conformance.CheckLagg(h.State(), "lagg0", want); len(p) > 0 {
		h.t.Fatalf("%s\n%s", strings.Join(p, "\n"), h.Dump())
	}
}

// firstboot: rc.d/hvnetconf (installed as the port does, enabled) runs
// before netif and writes the files, netif brings lagg0 up with the
// address, then devd's handlers put the VF behind hn0: one boot.
func firstboot(t *testing.T, tree conformance.Tree) *host { return firstbootVF(t, tree, false) }

// firstbootVF is firstboot; with vfFirst, mce0 attached before hn0 (a
// lower interface index: `ifconfig lagg0` lists it first).
func firstbootVF(t *testing.T, tree conformance.Tree, vfFirst bool) *host {
	rc := oldRC + `hvnetconf_enable="YES"` + "\n"
	h, want := newHost(t, tree, rc), []string{"hn0", "mce0"}
	if vfFirst {
		h, want = newHostVF(t, tree, rc, "mce0"), []string{"mce0", "hn0"}
	}
	h.installRCD()
	if !vfFirst {
		h.AttachVF("hn0", "mce0")
	}
	h.Boot(rcdPath)
	// netif created the lagg from the rendered cloned_interfaces, not a
	// handler repairing it afterwards.
	created := ""
	for _, c := range h.Commands() {
		if len(c.Argv) >= 3 && c.Argv[0] == "ifconfig" && c.Argv[1] == "lagg0" && c.Argv[2] == "create" && c.Exit == 0 {
			created = c.Caller
			break
		}
	}
	if created != "bash" {
		t.Fatalf("lagg0 was created by %q, want FreeBSD's netif (clone_up)", created)
	}
	h.lagg0Is(want, "mce0")
	return h
}

// firstbootWith boots rc (with hvnetconf_enable) with rc.d/hvnetconf
// installed and mce0 attached before the boot.
func firstbootWith(t *testing.T, tree conformance.Tree, rc string) *host {
	h := newHost(t, tree, rc+`hvnetconf_enable="YES"`+"\n")
	h.installRCD()
	h.AttachVF("hn0", "mce0")
	h.Boot(rcdPath)
	return h
}

func TestFirstbootAndLiveMigration(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := firstboot(t, tree)
		st := h.State()
		if p := append(conformance.CheckLeases(st, map[string]int{"lagg0": 1}), conformance.CheckDhclient(st, "lagg0")...); len(p) > 0 {
			t.Fatalf("boot: %q\n%s", p, st.Network())
		}
		mark := len(h.Commands())
		h.DetachVF("mce0")
		h.Settle()
		h.lagg0Is([]string{"hn0"}, "hn0") // hn0 alone, MASTER and ACTIVE
		h.AttachVF("hn0", "mce1")
		h.Settle()
		h.lagg0Is([]string{"hn0", "mce1"}, "mce1")
		if got := h.State().Leases["lagg0"]; got != 1 {
			t.Errorf("DHCP re-leases during migration: %d leases on lagg0, want 1", got)
		}
		all, changing := h.changes(mark)
		t.Logf("migration drill: %d hvnetconf commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
		// Idempotent: the handlers again change nothing.
		mark = len(h.Commands())
		for _, args := range [][]string{{"vf-up", "--", "hn0"}, {"vf-attach", "--detached", "--", "mce1"}} {
			if r := h.run(args[0], args[1:]...); r.code != 0 {
				t.Errorf("%q on a converged host: exit %d\n%s", args, r.code, r.stderr)
			}
		}
		if _, changing := h.changes(mark); len(changing) != 0 {
			t.Errorf("handlers on a converged host ran %q", changing)
		}
	})
}

// TestVFUpConverged runs vf-up ten times on a converged host: each must
// succeed and change nothing. The whole-process time is logged for
// docs/performance.md (never asserted: machines are noisy).
func TestVFUpConverged(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := firstboot(t, tree)
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
		t.Logf("vf-up (converged, whole process incl. nsenter): median %v, min %v, max %v", took[5], took[0], took[9])
	})
}

func TestHostileNames(t *testing.T) {
	t.Parallel()
	tree := conformance.Trees(t)[0]
	h := newHost(t, tree, oldRC)
	h.AttachVF("hn0", "mce0")
	mark := len(h.Commands())
	for _, name := range []string{"hn0;reboot", "../x", strings.Repeat("a", 40), "$(reboot)", "hn0 mce0", ""} {
		for _, cmd := range []string{"vf-up", "vf-attach"} {
			r := h.run(cmd, name)
			if r.code != 65 || !strings.Contains(r.stderr, "invalid interface name") && name != "" {
				t.Errorf("%s %q: exit %d, %s", cmd, name, r.code, r.stderr)
			}
		}
	}
	if all, _ := h.changes(mark); len(all) != 0 {
		t.Errorf("commands ran: %q", all)
	}
}

// TestConcurrentHandlers: apply, vf-up and vf-attach all at once end in
// one consistent lagg and whole files. Each waits for the lock as long as
// it takes: sixteen runs queue behind each other, and behind the handlers
// of the events the first apply's devd restart replays (all take the
// lock), which on a loaded test machine exceeds the 30 s default.
func TestConcurrentHandlers(t *testing.T) {
	t.Parallel()
	tree := conformance.Trees(t)[0]
	h := oldHost(t, tree)
	var wg sync.WaitGroup
	runs := make([]result, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 3 {
			case 0:
				runs[i] = h.run("apply", "--lock-wait", "3m")
			case 1:
				runs[i] = h.run("vf-up", "-v", "--lock-wait", "3m", "hn0")
			default:
				runs[i] = h.run("vf-attach", "--detached", "--lock-wait", "3m", "mce0")
			}
		}()
	}
	wg.Wait()
	for i, r := range runs {
		if r.code != 0 {
			t.Errorf("run %d: exit %d\n%s", i, r.code, r.stderr)
		}
	}
	h.Settle()
	if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce0"}) {
		t.Errorf("lagg0 ports %v", p)
	}
	if n := strings.Count(h.Dump(), "kind=lagg"); n != 1 {
		t.Errorf("%d laggs", n)
	}
	if r := h.run("check"); r.code != 0 {
		t.Errorf("check: exit %d\n%s", r.code, r.stdout)
	}
}

// A host whose rc.conf needs --lenient (a statement hvnetconf refuses to
// evaluate) and was applied so: the devd handlers, which devd runs without
// flags, still join a new VF (their fast path only reads, and skips what
// a strict render refuses), instead of failing every hot-plug with 65.
func TestHandlersOnALenientHost(t *testing.T) {
	t.Parallel()
	tree := conformance.Trees(t)[0]
	h := newHost(t, tree, oldRC+"stamp=\"$(date)\"\n")
	h.Boot()
	if r := h.run("apply", "--lenient"); r.code != 0 {
		t.Fatalf("apply --lenient: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.Settle()
	if r := h.run("apply"); r.code != 65 {
		t.Fatalf("setup: a strict apply should refuse this rc.conf, got exit %d", r.code)
	}
	h.AttachVF("hn0", "mce0")
	h.Settle()
	if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce0"}) {
		t.Fatalf("lagg0 ports %v, want hn0 mce0:\n%s", p, h.Dump())
	}
}

// vf-up runs inside devd, which waits for it; when it falls back to a
// full apply that changes devd's rules (here: a rules file from an older
// hvnetconf, lagg0 never created), devd must be restarted, and nothing
// devd waits for may wait for devd: the emulated devd runs its actions
// synchronously, its SIGTERM only sets a flag, and rc.subr's stop waits
// with no timeout (internal/fakebsd devd.go). The handler finishes, devd
// comes back with the new rules and serves the next VF.
func TestVFUpThatRestartsDevd(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := newHost(t, tree, oldRC)
		h.AttachVF("hn0", "mce0")
		if r := h.run("render"); r.code != 0 {
			t.Fatalf("render: exit %d\n%s", r.code, r.stderr)
		}
		rules, err := os.ReadFile(filepath.Join(h.Root, render.DevdFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range render.Targets {
			os.Remove(filepath.Join(h.Root, target))
		}
		// The older rules: vf-up on VF_UP, nothing on an attach.
		header, _, _ := strings.Cut(string(rules), "\nnotify")
		stale := header + "\nnotify 20 {\n\tmatch \"system\" \"ETHERNET\";\n\tmatch \"type\" \"IFATTACH\";\n\taction \"true\";\n};\n" +
			"notify 20 {\n\tmatch \"system\" \"HYPERV_NIC_VF\";\n\tmatch \"type\" \"VF_UP\";\n\taction \"/usr/local/sbin/hvnetconf vf-up -- $subsystem\";\n};\n"
		if err := os.WriteFile(filepath.Join(h.Root, render.DevdFile), []byte(stale), 0o644); err != nil {
			t.Fatal(err)
		}
		h.Boot()
		before := h.devdPid()
		h.Sh("ifconfig mce0 up") // hn switches to the VF: VF_UP
		h.Settle()
		if !slices.ContainsFunc(h.Handled(), func(x conformance.Handled) bool {
			return strings.HasSuffix(x.Event, "type=VF_UP") && strings.HasSuffix(x.Action, "vf-up -- $'hn0'") && x.Exit == 0
		}) {
			t.Fatalf("vf-up did not finish well:\n%s", h.EventLog())
		}
		if after := h.devdPid(); after == before || after == "" {
			t.Fatalf("devd was not restarted (pid %q, before %q)", after, before)
		}
		h.lagg0Is([]string{"hn0", "mce0"}, "mce0")
		// The restarted devd reads the new rules and serves the next VF.
		h.DetachVF("mce0")
		h.Settle()
		h.AttachVF("hn0", "mce1")
		h.Settle()
		if p := h.ports("lagg0"); !slices.Equal(p, []string{"hn0", "mce1"}) {
			t.Fatalf("after the restart, mce1 did not join: ports %v\n%s", p, h.EventLog())
		}
		h.lagg0Is([]string{"hn0", "mce1"}, "mce1")
	})
}

func (h *host) devdPid() string {
	b, _ := os.ReadFile(filepath.Join(h.Root, "var/run/devd.pid"))
	return strings.TrimSpace(string(b))
}
