package e2e

import (
	"bufio"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
)

// The host the tests change on probation: hn0 by DHCP in lagg0 (with
// mce0), hn1 and hn2 static and left alone by hvnetconf.toml, a route
// through hn1. The change, hn1 no longer skipped, makes hvnetconf take hn1
// over: lagg1 is created and takes hn1's address, the route moves to lagg1
// (rc.d/routing restarted). It verifies, and it is how an admin on
// 10.0.1.4 loses the session. The stacked change, the toml removed, takes
// hn2 over too (lagg2).
const (
	probationRC = "ifconfig_hn0=\"SYNCDHCP\"\nifconfig_hn1=\"inet 10.0.1.4/24\"\nifconfig_hn2=\"inet 10.0.2.4/24\"\n" +
		"static_routes=\"lab\"\nroute_lab=\"-net 192.168.7.0/24 -interface hn1\"\nhvnetconf_enable=\"YES\"\n"
	skipBoth = "[interface.hn1]\nskip = true\n[interface.hn2]\nskip = true\n"
	skipHN2  = "[interface.hn2]\nskip = true\n"
	tomlPath = "usr/local/etc/hvnetconf.toml"
	mac2     = "00:15:5d:00:00:06"
)

// recordPath is the record of a change on probation, inside the machine.
const recordPath = "/var/db/hvnetconf/confirm.json"

// snapshot is what a revert must put back: every configuration file
// hvnetconf may write (rc.conf aside: the admin's, never reverted) and
// the runtime (interfaces, ports, addresses, daemons) and routes.
type snapshot struct {
	files   map[string]string
	runtime string
	routes  string
}

func (h *host) snapshot() snapshot {
	files := h.files()
	delete(files, "/etc/rc.conf")
	var routes []string
	for _, r := range h.State().Routes {
		routes = append(routes, r.String())
	}
	return snapshot{files: files, runtime: h.runtime(), routes: strings.Join(routes, "\n")}
}

// sameAs fails the test where h is not as s says.
func (h *host) sameAs(s snapshot, when string) {
	h.t.Helper()
	now := h.snapshot()
	if !maps.Equal(now.files, s.files) {
		for p := range maps.Keys(mergedKeys(now.files, s.files)) {
			if now.files[p] != s.files[p] {
				h.t.Errorf("%s: %s differs:\nwant:\n%s\ngot:\n%s", when, p, s.files[p], now.files[p])
			}
		}
	}
	if now.runtime != s.runtime {
		h.t.Errorf("%s: runtime differs:\nwant:\n%s\ngot:\n%s", when, s.runtime, now.runtime)
	}
	if now.routes != s.routes {
		h.t.Errorf("%s: routes differ:\nwant:\n%s\ngot:\n%s", when, s.routes, now.routes)
	}
}

func mergedKeys(a, b map[string]string) map[string]bool {
	m := map[string]bool{}
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

// record is the state of the record of a change on probation ("" for
// none).
func (h *host) record() string {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.Root, recordPath))
	if os.IsNotExist(err) {
		return ""
	}
	var r struct{ State string }
	if err == nil {
		err = json.Unmarshal(data, &r)
	}
	if err != nil {
		h.t.Fatalf("%s: %v", recordPath, err)
	}
	return r.State
}

// applyOnProbation applies with --confirm-within d and checks that the
// change is in force: addr on lagg, and the route through lagg1.
func (h *host) applyOnProbation(d, lagg, addr string) {
	h.t.Helper()
	r := h.run("apply", "--confirm-within", d)
	if r.code != 0 {
		h.t.Fatalf("apply --confirm-within %s: exit %d\n%s%s", d, r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(h.iface(lagg), "inet "+addr) || h.record() != "pending" ||
		!strings.Contains(h.snapshot().routes, "inet 192.168.7.0/24 if lagg1") {
		h.t.Fatalf("apply --confirm-within: %s lacks %s, no route through lagg1, or no pending record (%q):\n%s", lagg, addr, h.record(), h.Dump())
	}
}

// setTOML writes hvnetconf.toml ("" removes it).
func (h *host) setTOML(text string) {
	h.t.Helper()
	name := filepath.Join(h.Root, tomlPath)
	err := os.Remove(name)
	if text != "" {
		err = os.WriteFile(name, []byte(text), 0o644)
	}
	if err != nil {
		h.t.Fatal(err)
	}
}

// waitTimers waits until no revert timer of this machine is left (each
// ends at its deadline, whether it reverted or found nothing to do), then
// for devd to have handled what the revert caused. Only a bound on the
// wait, never an assertion on time. The host's processes are listed once
// per round; while a timer found so sleeps, only its own entry is read.
func (h *host) waitTimers() {
	h.t.Helper()
	root, err := filepath.EvalSymlinks(h.Root)
	if err != nil {
		h.t.Fatal(err)
	}
	end := time.Now().Add(2 * time.Minute)
	for timers := h.timers(root); len(timers) > 0; timers = h.timers(root) {
		for _, p := range timers {
			for isTimer(p, root) {
				if time.Now().After(end) {
					h.t.Fatalf("a revert timer is still running after 2 minutes")
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	h.Settle()
}

// timers are the processes (their /proc entries) whose root is the
// machine's that run hvnetconf revert: the timers apply --confirm-within
// detaches.
func (h *host) timers(root string) []string {
	procs, _ := filepath.Glob("/proc/[0-9]*")
	var out []string
	for _, p := range procs {
		if isTimer(p, root) {
			out = append(out, p)
		}
	}
	return out
}

// isTimer: the process at p (a /proc entry) runs hvnetconf revert in the
// root.
func isTimer(p, root string) bool {
	cmdline, err := os.ReadFile(p + "/cmdline")
	if err != nil || !strings.Contains(string(cmdline), "hvnetconf\x00revert\x00") {
		return false
	}
	r, err := os.Readlink(p + "/root")
	return err == nil && r == root
}

// probationHost boots the host with rc.d/hvnetconf and returns it with
// its state before the change, then makes the change (hn1 no longer
// skipped).
func probationHost(t *testing.T, tree conformance.Tree) (*host, snapshot) {
	h := newHost(t, tree, probationRC)
	h.AddHN("hn1", mac1)
	h.AddHN("hn2", mac2)
	h.installRCD()
	h.setTOML(skipBoth)
	h.AttachVF("hn0", "mce0")
	h.Boot(rcdPath)
	h.lagg0Is([]string{"hn0", "mce0"}, "mce0")
	if h.State().Ifaces["lagg1"] != nil || !strings.Contains(h.iface("hn1"), "inet 10.0.1.4/24") {
		t.Fatalf("setup: hn1 should keep its address, without a lagg:\n%s", h.Dump())
	}
	before := h.snapshot()
	h.setTOML(skipHN2)
	return h, before
}

// TestConfirmTimeoutReverts: a change applied with --confirm-within and
// not confirmed is reverted when the time is up, files byte for byte and
// the runtime as before the apply, even though the invoking session's
// process group is killed right after apply returns, as when the admin's
// SSH session drops (SIGHUP, then SIGKILL to every process of the group).
// Afterwards diff says so, and confirm is too late.
func TestConfirmTimeoutReverts(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h, before := probationHost(t, tree)
		// A login shell of its own session runs the apply, then waits
		// for input that never comes, as an interactive session would.
		cmd := h.CommandContext(t.Context(), nil, "/bin/sh", "-c", "/usr/local/sbin/hvnetconf apply --confirm-within 2s >/dev/null 2>&1; echo applied $?; exec sleep 600")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if got := strings.TrimSpace(line); got != "applied 0" {
			t.Fatalf("apply in the session: %q", got)
		}
		if got := h.record(); got == "" {
			t.Fatal("apply --confirm-within left no record")
		}
		pgid := cmd.Process.Pid // the session leader's group
		syscall.Kill(-pgid, syscall.SIGHUP)
		syscall.Kill(-pgid, syscall.SIGKILL)
		cmd.Wait()
		h.waitTimers()
		h.sameAs(before, "after the session was killed and the timeout passed")
		if got := h.record(); got != "reverted" {
			t.Errorf("record %q after the revert, want reverted", got)
		}
		if r := h.run("diff"); r.code != 1 || !strings.Contains(r.stderr, "was not confirmed and was reverted") {
			t.Errorf("diff after the revert: exit %d (want 1: the toml still says the change)\n%s", r.code, r.stderr)
		}
		if r := h.run("confirm"); r.code != 1 || !strings.Contains(r.stderr, "too late") {
			t.Errorf("confirm after the revert: exit %d\n%s", r.code, r.stderr)
		}
	})
}

// TestConfirmKeeps: confirmed before its deadline, the change stays, the
// record is gone, and the timer, at the deadline, does nothing.
func TestConfirmKeeps(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h, _ := probationHost(t, tree)
		h.applyOnProbation("8s", "lagg1", "10.0.1.4/24")
		applied := h.snapshot()
		if r := h.run("diff"); !strings.Contains(r.stderr, "pending confirmation: reverted in") {
			t.Errorf("diff during the window does not say it is pending:\n%s", r.stderr)
		}
		if r := h.run("confirm"); r.code != 0 {
			t.Fatalf("confirm: exit %d\n%s", r.code, r.stderr)
		}
		if got := h.record(); got != "" {
			t.Errorf("record %q after confirm, want none", got)
		}
		h.waitTimers()
		h.sameAs(applied, "after the deadline of a confirmed change")
		if r := h.run("check"); r.code != 0 || strings.Contains(r.stderr, "confirm") {
			t.Errorf("check after confirm: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	})
}

// TestConfirmStacked: a second apply --confirm-within before the first is
// confirmed adds to it (and restarts the timer); without a confirm, the
// revert goes back to before the first.
func TestConfirmStacked(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h, before := probationHost(t, tree)
		h.applyOnProbation("5s", "lagg1", "10.0.1.4/24")
		h.setTOML("")
		h.applyOnProbation("2s", "lagg2", "10.0.2.4/24")
		h.waitTimers()
		h.sameAs(before, "after the stacked change timed out")
	})
}

// TestConfirmReboot: a reboot while a change is pending boots the
// confirmed configuration: rc.d/hvnetconf reverts the files before netif,
// and the next boot keeps them although the inputs still say the change.
func TestConfirmReboot(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h, before := probationHost(t, tree)
		h.applyOnProbation("10m", "lagg1", "10.0.1.4/24")
		for _, when := range []string{"the first boot after", "the second boot after"} {
			cfg := t.TempDir()
			for _, dir := range []string{"etc", "usr/local/etc", "var/db/hvnetconf"} {
				if err := os.CopyFS(filepath.Join(cfg, dir), os.DirFS(filepath.Join(h.Root, dir))); err != nil {
					t.Fatal(err)
				}
			}
			h = hostFrom(t, tree, cfg)
			h.AddHN("hn1", mac1)
			h.AddHN("hn2", mac2)
			h.AttachVF("hn0", "mce0")
			h.Boot(rcdPath)
			h.sameAs(before, when+" an unconfirmed apply")
			if got := h.record(); got != "reverted" {
				t.Errorf("%s: record %q, want reverted", when, got)
			}
		}
	})
}

// TestConfirmVFEvent: a VF that arrives for hn1 while the change is
// pending joins lagg1, which the change made; after the revert hn1 is in
// no lagg again, so the next VF is left alone, and the handler does not
// bring the reverted change back although the inputs still say it.
func TestConfirmVFEvent(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h, before := probationHost(t, tree)
		h.applyOnProbation("10m", "lagg1", "10.0.1.4/24")
		r := h.run("check", "--json")
		var rep struct {
			Confirmation *struct {
				State string   `json:"state"`
				Files []string `json:"files"`
			} `json:"confirmation"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Confirmation == nil || rep.Confirmation.State != "pending" || len(rep.Confirmation.Files) == 0 {
			t.Errorf("check --json during the window: %v %+v\n%s", err, rep.Confirmation, r.stdout)
		}
		if r := h.run("apply"); r.code != 75 || !strings.Contains(r.stderr, "pending confirmation") {
			t.Errorf("a plain apply while a change is pending: exit %d, want 75\n%s", r.code, r.stderr)
		}
		h.AttachVF("hn1", "mce1")
		h.Settle()
		want := conformance.Lagg{Master: "hn1", Ports: []string{"hn1", "mce1"}, Active: "mce1",
			Iface: conformance.Iface{Inet: []string{"10.0.1.4/24"}}}
		for _, p := range conformance.CheckLagg(h.State(), "lagg1", want) {
			t.Errorf("VF during the window: %s\n%s", p, h.Dump())
		}
		if r := h.run("revert"); r.code != 0 {
			t.Fatalf("revert: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		h.Settle()
		h.DetachVF("mce1")
		h.AttachVF("hn1", "mce2")
		h.Settle()
		st := h.State()
		if st.Ifaces["lagg1"] != nil || st.Ifaces["mce2"].PortOf != "" || !strings.Contains(h.iface("hn1"), "inet 10.0.1.4/24") {
			t.Errorf("VF after the revert: hn1 should keep its address and mce2 join no lagg:\n%s", h.Dump())
		}
		h.lagg0Is([]string{"hn0", "mce0"}, "mce0")
		h.DetachVF("mce2")
		h.Settle()
		h.sameAs(before, "after the revert and the VF's departure")
	})
}
