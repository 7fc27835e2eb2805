package apply

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hvnetconf/hvnetconf/host"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/render"
)

// fakeHost is the emulated FreeBSD host run in process: fakebsd.Run is the
// same code the fake ifconfig, service and sysctl processes run, so argv,
// exit codes, stderr and output formats are FreeBSD's as the e2e tests see
// them, without a process per command. It logs every argv it was given,
// and what the test marks (file writes, restores), in order.
type fakeHost struct {
	*fakebsd.Host
	mu       sync.Mutex
	log      []string
	setupErr []error // from run, reported by do
}

const testMAC = "00:15:5d:00:00:04"

// newFake is a host with hn0 (down, with carrier) and a DHCP lease waiting
// for its MAC.
func newFake(t *testing.T) *fakeHost {
	t.Helper()
	h := &fakeHost{Host: fakebsd.New(t)}
	h.AddHN("hn0", testMAC)
	h.SetDHCP(testMAC, "10.0.0.4/24")
	return h
}

// do runs setup commands through the emulation, then starts the log afresh.
func (h *fakeHost) do(t *testing.T, lines ...string) {
	t.Helper()
	h.run(lines...)
	if len(h.setupErr) > 0 {
		t.Fatalf("setup: %v", h.setupErr)
	}
	h.mu.Lock()
	h.log = nil
	h.mu.Unlock()
}

// Run implements host.Runner as host.ExecRunner reports a program's exit.
func (h *fakeHost) Run(_ context.Context, argv ...string) ([]byte, error) {
	h.mark(strings.Join(argv, " "))
	var out, errb bytes.Buffer
	env := map[string]string{fakebsd.EnvState: h.StatePath, fakebsd.EnvRoot: h.Root}
	var code int
	if argv[0] == "service" {
		code = h.RunStub(argv, &out, &errb, func(s *fakebsd.State, o, e io.Writer) int { return serviceStub(s, argv[1:], o, e) })
	} else {
		code = fakebsd.Run(argv, &out, &errb, func(k string) string { return env[k] })
	}
	if code != 0 {
		return out.Bytes(), &host.CmdError{Argv: argv, ExitCode: code, Stderr: errb.String(),
			Err: fmt.Errorf("exit status %d", code)}
	}
	return out.Bytes(), nil
}

// serviceStub stands in for service(8) in these unit tests, which check
// apply's decisions, not FreeBSD's: the real rc.d scripts run only in the
// conformance sandbox (e2e tests). It answers `dhclient status` with
// rc.subr's words from the dhclient the state says runs, starts and stops
// that dhclient, and takes netif, routing and devd as done (no rc.conf is
// written by these tests, so netif would configure nothing).
func serviceStub(s *fakebsd.State, args []string, stdout, stderr io.Writer) int {
	if len(args) == 3 && args[0] == "dhclient" {
		running := s.Dhclient[args[2]]
		switch args[1] {
		case "status":
			if running {
				fmt.Fprintf(stdout, "dhclient is running as pid %d.\n", 1000+s.Ifaces[args[2]].Index)
				return 0
			}
			fmt.Fprintln(stdout, "dhclient is not running.")
			return 1
		case "start", "forcestart":
			if running {
				fmt.Fprintf(stderr, "dhclient already running?  (pid=%d).\n", 1000+s.Ifaces[args[2]].Index)
				return 1
			}
			return s.StartDhclient(args[2], stderr)
		case "stop", "forcestop":
			if !running {
				fmt.Fprintf(stderr, "dhclient not running? (check /var/run/dhclient/dhclient.%s.pid).\n", args[2])
				return 1
			}
			delete(s.Dhclient, args[2])
			return 0
		}
	}
	if len(args) >= 2 && (args[0] == "netif" && args[1] == "start" || args[1] == "restart" && (args[0] == "routing" || args[0] == "devd")) {
		return 0
	}
	fmt.Fprintf(stderr, "service: stub: unsupported: %s\n", strings.Join(args, " "))
	return 1
}

func (h *fakeHost) mark(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, s)
}

// changes is the log without the reads (`ifconfig IF`, `ifconfig -l`,
// sysctl, `service dhclient status IF`).
func (h *fakeHost) changes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []string{}
	for _, l := range h.log {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == "ifconfig" || f[0] == "sysctl" || strings.HasPrefix(l, "service dhclient status ") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// input is an apply of plan whose file write and restore are marked in
// the log ("write files", "restore files").
func (h *fakeHost) input(plan *render.Plan, changed ...string) Input {
	return Input{Plan: plan, Changed: changed, Write: func() (func() error, error) {
		h.mark("write files")
		return func() error { h.mark("restore files"); return nil }, nil
	}}
}

// laggPlan is lagg mode with one lagg0 over hn0 (and mce0 when vf).
func laggPlan(vf bool, dhcp bool, static ...string) *render.Plan {
	l := render.Lagg{Name: "lagg0", HN: "hn0", DHCP: dhcp, Static: static}
	if vf {
		l.VF = "mce0"
	}
	return &render.Plan{Mode: render.Decision{Mode: render.ModeLagg}, Laggs: []render.Lagg{l}}
}

// converged is lagg0 as a static lagg-mode apply leaves it.
var converged = []string{"ifconfig lagg0 create", "ifconfig lagg0 laggproto failover laggport hn0",
	"ifconfig hn0 up", "ifconfig lagg0 inet 10.0.0.4/24"}
