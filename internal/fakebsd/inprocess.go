package fakebsd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/hvnetconf/hvnetconf/live"
)

// InProcess is an emulated host run in the test's own process: Run is the
// same code the fake ifconfig, service and sysctl programs run, so argv,
// exit codes, stderr and output formats are FreeBSD's as the e2e tests see
// them, without a process per command. It logs every argv it was given,
// and what the test marks (file writes, restores), in order. service(8) is
// a stub (ServiceStub): unit tests check hvnetconf's decisions, not rc.d's.
type InProcess struct {
	*Host
	mu       sync.Mutex
	log      []string
	setupErr []error // from Setup, reported by Do
}

// NewInProcess is an in-process host with hn0 (down, with carrier) at mac
// and a DHCP lease of addr waiting for it.
func NewInProcess(t testing.TB, mac, addr string) *InProcess {
	t.Helper()
	h := &InProcess{Host: New(t)}
	h.AddHN("hn0", mac)
	h.SetDHCP(mac, addr)
	return h
}

// Do runs setup commands through the emulation, then starts the log afresh.
func (h *InProcess) Do(t testing.TB, lines ...string) {
	t.Helper()
	h.Setup(lines...)
	if len(h.setupErr) > 0 {
		t.Fatalf("setup: %v", h.setupErr)
	}
	h.mu.Lock()
	h.log = nil
	h.mu.Unlock()
}

// Setup is Do for a setup function (which has no t of its own to fail):
// a failure is reported by the next Do.
func (h *InProcess) Setup(lines ...string) {
	for _, l := range lines {
		if _, err := h.Run(context.Background(), strings.Fields(l)...); err != nil {
			h.setupErr = append(h.setupErr, err)
		}
	}
}

// Run implements live.Runner as live.ExecRunner reports a program's exit.
func (h *InProcess) Run(_ context.Context, argv ...string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("run: empty argv")
	}
	h.Mark(strings.Join(argv, " "))
	var out, errb bytes.Buffer
	env := map[string]string{EnvState: h.StatePath, EnvRoot: h.Root}
	var code int
	if argv[0] == "service" {
		code = h.RunStub(argv, &out, &errb, func(s *State, o, e io.Writer) int { return ServiceStub(s, argv[1:], o, e) })
	} else {
		code = Run(argv, &out, &errb, func(k string) string { return env[k] })
	}
	if code != 0 {
		return out.Bytes(), &live.CmdError{Argv: argv, ExitCode: code, Stderr: errb.String(),
			Err: fmt.Errorf("exit status %d", code)}
	}
	return out.Bytes(), nil
}

// ServiceStub stands in for service(8) in these unit tests, which check
// apply's decisions, not FreeBSD's: the real rc.d scripts run only in the
// conformance sandbox (e2e tests). It answers `dhclient status` with
// rc.subr's words from the dhclient the state says runs, starts and stops
// that dhclient, and takes netif, routing and devd as done (no rc.conf is
// written by these tests, so netif would configure nothing).
func ServiceStub(s *State, args []string, stdout, stderr io.Writer) int {
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

// Mark adds a line to the log.
func (h *InProcess) Mark(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.log = append(h.log, s)
}

// Changes is the log without the reads (`ifconfig IF`, `ifconfig -l`,
// sysctl, `service dhclient status IF`).
func (h *InProcess) Changes() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := []string{}
	for _, l := range h.log {
		f := strings.Fields(l)
		if len(f) == 0 || len(f) == 2 && f[0] == "ifconfig" || f[0] == "sysctl" || strings.HasPrefix(l, "service dhclient status ") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// Log is every line logged since the last Do.
func (h *InProcess) Log() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.log...)
}
