package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

const schemaFile = "../docs/hvnetconf.schema.json"

// statusOut is what the tests read of status --json (the schema says the
// rest).
type statusOut struct {
	Boot time.Time `json:"boot_time"`
	HN   []struct {
		Name        string
		Accelerated bool
		Verdict     string
		VF          *struct{ Name string }
		Mode        struct {
			Running  string
			NextBoot string `json:"next_boot"`
		}
		History struct {
			Arrivals, Departures int
			Events               []struct {
				Time  time.Time
				Event string
				VF    string
			}
			LastJoin *float64 `json:"last_join_seconds"`
			Without  float64  `json:"without_vf_seconds"`
		}
	}
	Orphans   []struct{ Selector string }
	DirectVFs []string `json:"direct_vfs"`
	Drift     []string
	Notes     []string
}

// status runs status --json, validates it against the schema and decodes it.
func (h *host) status() statusOut {
	h.t.Helper()
	r := h.run("status", "--json")
	if r.code != 0 {
		h.t.Fatalf("status --json: exit %d\n%s", r.code, r.stderr)
	}
	testtool.ValidateJSON(h.t, schemaFile, "status", r.stdout)
	var s statusOut
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// check runs check --json, validated, and returns its exit and failures.
func (h *host) check() (int, []string) {
	h.t.Helper()
	r := h.run("check", "--json")
	testtool.ValidateJSON(h.t, schemaFile, "check", r.stdout)
	var c struct{ Failed []string }
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		h.t.Fatalf("check --json: %v\n%s", err, r.stdout)
	}
	return r.code, c.Failed
}

func lastTree(t *testing.T) conformance.Tree {
	trees := conformance.Trees(t)
	return trees[len(trees)-1]
}

// A migration drill: after the first boot the VF leaves and comes back
// three times (live migration, host servicing). The devd handlers record
// each arrival, join and departure; status counts them and works out the
// last join's duration and the time without a VF from the events it
// lists, which the test adds up again on its own.
func TestStatusMigrationDrill(t *testing.T) {
	t.Parallel()
	h := firstboot(t, lastTree(t))
	s := h.status()
	if len(s.HN) != 1 || !s.HN[0].Accelerated || s.HN[0].History.Arrivals != 1 || len(s.Drift) != 0 {
		t.Fatalf("after boot: %+v", s)
	}
	vf := "mce0"
	for _, next := range []string{"mce1", "mce0", "mce1"} {
		h.DetachVF(vf)
		h.Settle()
		h.AttachVF("hn0", next)
		h.Settle()
		vf = next
	}
	h.lagg0Is([]string{"hn0", "mce1"}, "mce1")
	s = h.status()
	hs := s.HN[0].History
	if !s.HN[0].Accelerated || hs.Arrivals != 4 || hs.Departures != 3 {
		t.Fatalf("after three migrations: accelerated %v, %d arrivals, %d departures\n%+v", s.HN[0].Accelerated, hs.Arrivals, hs.Departures, hs.Events)
	}
	var kinds []string
	without, since, lastArrive, lastJoin := time.Duration(0), s.Boot, time.Time{}, -1.0
	for _, e := range hs.Events {
		kinds = append(kinds, e.Event+" "+e.VF)
		switch e.Event {
		case "arrive":
			without += e.Time.Sub(since)
			lastArrive = e.Time
		case "join":
			lastJoin = e.Time.Sub(lastArrive).Seconds()
		case "depart":
			since = e.Time
		}
	}
	want := []string{"arrive mce0", "join mce0", "depart mce0", "arrive mce1", "join mce1", "depart mce1",
		"arrive mce0", "join mce0", "depart mce0", "arrive mce1", "join mce1"}
	if !slices.Equal(kinds, want) {
		t.Errorf("events %q, want %q", kinds, want)
	}
	if hs.LastJoin == nil || fmt.Sprintf("%.6f", *hs.LastJoin) != fmt.Sprintf("%.6f", lastJoin) ||
		fmt.Sprintf("%.6f", hs.Without) != fmt.Sprintf("%.6f", without.Seconds()) {
		t.Errorf("last join %v s, without %v s; the events say %v s and %v s", *hs.LastJoin, hs.Without, lastJoin, without.Seconds())
	}
	// (check may find the rendered files out of date: they name the VF
	// attached when they were rendered.)
	if _, failed := h.check(); slices.ContainsFunc(failed, func(l string) bool { return strings.HasPrefix(l, "hn0:") }) {
		t.Errorf("check after the drill reports a fallback: %q", failed)
	}
	text := h.run("status")
	t.Logf("status after the drill:\n%s", text.stdout)
	prom := h.run("status", "--prometheus").stdout
	for _, line := range []string{`hvnetconf_vf_departures_total{hn="hn0"} 3`, `hvnetconf_vf_arrivals_total{hn="hn0"} 4`,
		`hvnetconf_accelerated{hn="hn0",vf="mce1"} 1`, "# TYPE hvnetconf_vf_arrivals_total counter"} {
		if !strings.Contains(prom, line+"\n") {
			t.Errorf("--prometheus lacks %q:\n%s", line, prom)
		}
	}

	// A corrupt history: status says so and goes on; the next event
	// rewrites the file whole from what could be read.
	file := filepath.Join(h.Root, "var/db/hvnetconf/vf-history")
	if err := os.WriteFile(file, []byte("\x00garbage\nmore garbage\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = h.status()
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "2 unreadable line(s)") || s.HN[0].History.Arrivals != 0 {
		t.Errorf("corrupt history: notes %q, %d arrivals", s.Notes, s.HN[0].History.Arrivals)
	}
	h.DetachVF("mce1")
	h.Settle()
	h.AttachVF("hn0", "mce0")
	h.Settle()
	data, _ := os.ReadFile(file)
	if s = h.status(); len(s.Notes) != 0 || strings.Contains(string(data), "garbage") || s.HN[0].History.Arrivals != 1 {
		t.Errorf("after the next event: notes %q, %d arrivals, file:\n%s", s.Notes, s.HN[0].History.Arrivals, data)
	}
}

// The silent fallbacks: a VF present but not a port of the lagg, a port
// but not the ACTIVE one. status says no, and why; check exits 1 naming
// it; once repaired, both are happy again.
func TestStatusSilentFallback(t *testing.T) {
	t.Parallel()
	h := firstboot(t, lastTree(t))
	for _, c := range []struct{ name, breakIt, verdict, repair string }{
		{"never joined", "ifconfig lagg0 -laggport mce0", "VF mce0 is not a port of lagg0", "ifconfig lagg0 laggport mce0"},
		{"not active", "ifconfig mce0 down", "VF mce0 is a port of lagg0 but not ACTIVE", "ifconfig mce0 up"},
	} {
		h.Sh(c.breakIt)
		h.Settle()
		s := h.status()
		if s.HN[0].Accelerated || !strings.Contains(s.HN[0].Verdict, c.verdict) {
			t.Errorf("%s: verdict %q, want %q", c.name, s.HN[0].Verdict, c.verdict)
		}
		code, failed := h.check()
		if code != 1 || !slices.ContainsFunc(failed, func(l string) bool { return strings.HasPrefix(l, "hn0: "+c.verdict) }) {
			t.Errorf("%s: check exit %d %q", c.name, code, failed)
		}
		h.Sh(c.repair)
		h.Settle()
		if s := h.status(); !s.HN[0].Accelerated {
			t.Errorf("%s repaired: %s", c.name, s.HN[0].Verdict)
		}
	}
}

// A Mellanox VF the image has no driver for: its PCI function sits on the
// bus with no driver (pciconf -l: none0@...), no interface attaches, hn0
// runs alone. And loader files asking for another mode than the kernel
// runs. Both are drift.
func TestStatusDriverlessVFAndModeDrift(t *testing.T) {
	t.Parallel()
	h := newHost(t, lastTree(t), oldRC)
	h.Boot()
	if r := h.run("apply"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s", r.code, r.stderr)
	}
	h.Settle()
	if code, failed := h.check(); code != 0 {
		t.Fatalf("setup: check exit %d %q", code, failed)
	}
	h.AddPCI("none", 0x15b3, 0x1016)
	s := h.status()
	if s.HN[0].Accelerated || len(s.Orphans) != 1 || !strings.Contains(s.HN[0].Verdict, "has no driver") {
		t.Errorf("driverless: %+v", s)
	}
	code, failed := h.check()
	if code != 1 || !slices.ContainsFunc(failed, func(l string) bool { return strings.Contains(l, "has no driver attached") }) {
		t.Errorf("driverless: check exit %d %q", code, failed)
	}
	testtool.WriteFile(t, filepath.Join(h.Root, "boot/loader.conf.local"), "hw.hn.vf_transparent=\"1\"\n")
	s = h.status()
	if s.HN[0].Mode.Running != "lagg" || s.HN[0].Mode.NextBoot != "transparent" {
		t.Errorf("mode: %+v", s.HN[0].Mode)
	}
	if _, failed := h.check(); !slices.ContainsFunc(failed, func(l string) bool { return strings.Contains(l, "/boot/loader.conf.local:1") }) {
		t.Errorf("mode drift not reported: %q", failed)
	}
}

// A guest whose NICs are VFs alone (Azure's direct MANA): no hn at all.
// status says so, check finds nothing to fault, render leaves the VF's
// configuration alone, and the network stays up.
func TestStatusWithoutHN(t *testing.T) {
	t.Parallel()
	cfg := t.TempDir()
	testtool.WriteFile(t, filepath.Join(cfg, "etc/rc.conf"), "ifconfig_mana0=\"SYNCDHCP\"\n")
	h := &host{Machine: conformance.New(t, lastTree(t), conformance.Options{Config: cfg, Hvnetconf: binary}), t: t}
	h.AddVF("mana0", mac0)
	h.SetDHCP(mac0, "10.0.0.4/24")
	h.Boot()
	s := h.status()
	if len(s.HN) != 0 || !slices.Equal(s.DirectVFs, []string{"mana0"}) || len(s.Drift) != 0 {
		t.Errorf("status: %+v", s)
	}
	if text := h.run("status").stdout; !strings.Contains(text, "no hn(4) interface") {
		t.Errorf("status text:\n%s", text)
	}
	if code, failed := h.check(); code != 0 {
		t.Errorf("check: exit %d %q", code, failed)
	}
	for _, cmd := range []string{"check", "render"} {
		if r := h.run(cmd); r.code != 0 || !strings.Contains(r.stderr, "no hn(4) interface: mana0 are this guest's NICs") {
			t.Errorf("%s: exit %d, does not say there is no hn:\n%s", cmd, r.code, r.stderr)
		}
	}
	r := h.run("apply")
	if r.code != 0 {
		t.Errorf("apply: exit %d\n%s", r.code, r.stderr)
	}
	h.Boot()
	if !strings.Contains(h.iface("mana0"), "inet 10.0.0.4/24") {
		t.Errorf("mana0 lost its address after apply and a reboot:\n%s", h.Dump())
	}
}
