package conformance

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

func TestMain(m *testing.M) { os.Exit(fakebsd.RunTests(m)) }

func configRoot(t *testing.T, rcconf string) string {
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "etc/rc.conf"), []byte(rcconf), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// The daemon model against FreeBSD's rc.d/dhclient and rc.subr: boot
// leases hn0 and adds the default route; status finds the daemon by its
// pidfile and ps(1); stop kills it and wait_for_pids ends; start leases
// again; a static interface is refused unless forced.
func TestDhclientThroughRCD(t *testing.T) {
	running := regexp.MustCompile(`^dhclient is running as pid [0-9]+\.\n$`)
	for _, tree := range Trees(t) {
		t.Run(tree.Name, func(t *testing.T) {
			t.Parallel()
			m := New(t, tree, Options{Config: configRoot(t, "ifconfig_hn0=\"SYNCDHCP\"\ndefaultrouter=\"10.0.0.1\"\nifconfig_hn1=\"inet 10.0.1.4/24\"\n")})
			m.AddHN("hn0", "00:15:5d:00:00:04")
			m.AddHN("hn1", "00:15:5d:00:00:05")
			m.SetDHCP("00:15:5d:00:00:04", "10.0.0.4/24")
			m.Boot()
			out := m.Outcome()
			for _, want := range []string{"hn0 up mtu 1500\n  inet 10.0.0.4/24\n", "hn1 up mtu 1500\n  inet 10.0.1.4/24\n",
				"dhclient hn0\n", "leases hn0 1\n", "route add default 10.0.0.1: exit 0\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("after boot, lacks %q:\n%s", want, out)
				}
			}
			steps := []struct {
				argv   string
				code   int
				stdout *regexp.Regexp
			}{
				{"service dhclient status hn0", 0, running},
				{"service dhclient start hn0", 1, regexp.MustCompile(`^$`)},                                                               // already running (rc.subr says so on stderr)
				{"service dhclient stop hn0", 0, regexp.MustCompile(`^Stopping dhclient\.\n(Waiting for PIDS: [0-9]+(, [0-9]+)*\.\n)?$`)}, // no wait when the daemon is already reaped
				{"service dhclient status hn0", 1, regexp.MustCompile(`^dhclient is not running\.\n$`)},
				{"service dhclient start hn0", 0, regexp.MustCompile(`^Starting dhclient\.\n$`)},
				{"service dhclient start hn1", 1, regexp.MustCompile(`^'hn1' is not a DHCP-enabled interface\n$`)},
				{"service dhclient forcestart hn1", 0, regexp.MustCompile(`^Starting dhclient\.\n$`)},
				{"service dhclient status hn1", 0, running},
			}
			for _, s := range steps {
				r := m.Run(strings.Fields(s.argv)...)
				if r.Code != s.code || !s.stdout.MatchString(r.Stdout) {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d, stdout like %s", s.argv, r.Code, r.Stdout, r.Stderr, s.code, s.stdout)
				}
			}
			if st := m.State(); st.Leases["hn0"] != 2 || !st.Dhclient["hn0"] || !st.Dhclient["hn1"] {
				t.Errorf("want two leases on hn0 and dhclient on hn0 and hn1:\n%s", st.Network())
			}
		})
	}
}

// The sandbox keeps the test machine out of reach: no host /etc, no
// host network, and the fake programs refuse to act outside it.
func TestSandboxIsPrivate(t *testing.T) {
	tree := Trees(t)[0]
	m := New(t, tree, Options{Config: configRoot(t, "")})
	if r := m.RunEnv(nil, "/bin/ls", "/etc"); strings.Contains(r.Stdout, "passwd") || strings.Contains(r.Stdout, "os-release") {
		t.Errorf("the sandbox sees the host's /etc:\n%s", r.Stdout)
	}
	// /proc/net/dev: two header lines, then lo alone in a network
	// namespace of its own.
	if r := m.RunEnv(nil, "/bin/cat", "/proc/net/dev"); strings.Count(r.Stdout, "\n") != 3 || !strings.Contains(r.Stdout, "lo:") {
		t.Errorf("the sandbox sees the host's network:\n%s", r.Stdout)
	}
	// The host programs are read-only copies: writing one fails, and the
	// host's bash is another file.
	if r := m.RunEnv(nil, "/bin/sh", "-c", "echo x > /.fakebsd/host/cat"); r.Code == 0 {
		t.Error("a sandbox could write its host programs")
	}
	hostBash, _ := exec.LookPath("bash")
	a, errA := os.Stat(hostBash)
	tools, _ := hostToolsDir(t)
	b, errB := os.Stat(filepath.Join(tools, "bash"))
	if errB != nil {
		t.Errorf("no copy of bash for the sandbox: %v", errB)
	}
	if errA == nil && errB == nil && os.SameFile(a, b) {
		t.Error("the sandbox's bash is the host's file")
	}
	var out, errb strings.Builder
	if code := fakebsd.Run([]string{"service", "netif", "start"}, &out, &errb, func(string) string { return "" }); code != 69 {
		t.Errorf("service outside a sandbox: exit %d, %s", code, errb.String())
	}
}

// An unknown command inside a script fails the test (the harness reports
// it; here it is collected instead).
func TestUnknownCommandIsReported(t *testing.T) {
	tree := Trees(t)[0]
	m := New(t, tree, Options{Config: configRoot(t, "")})
	r := m.RunEnv(nil, "/bin/sh", "-c", "nosuchprogram 2>/dev/null; echo after")
	if errs := m.ShellErrors(r.Stderr); len(errs) != 1 || !strings.Contains(errs[0], "nosuchprogram: command not found") {
		t.Errorf("shell errors %q, want the unknown command", errs)
	}
}
