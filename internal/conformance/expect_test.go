package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

const laggExpect = `outcome = "lagg"
dhclient = ["lagg0"]
leases = { lagg0 = 1 }

[lagg.lagg0]
master = "hn0"
ports = ["hn0", "mce0"]
active = "mce0"
inet = ["10.0.0.4/24"]
`

// converged is the host dhcp-single expects: lagg0 over hn0 and its VF,
// owning the DHCP lease, built through the emulated ifconfig.
func converged(t *testing.T) *fakebsd.InProcess {
	h := fakebsd.NewInProcess(t, "00:15:5d:00:00:04", "10.0.0.4/24")
	h.Do(t, "ifconfig lagg0 create", "ifconfig hn0 up", "ifconfig lagg0 laggproto failover laggport hn0 up")
	h.AttachVF("hn0", "mce0")
	h.Do(t, "ifconfig mce0 up", "ifconfig lagg0 laggport mce0", "ifconfig lagg0 inet 10.0.0.4/24")
	dhclient(h, "lagg0", 1) // dhclient runs only in the sandbox
	return h
}

// dhclient records a dhclient running on name that took leases.
func dhclient(h *fakebsd.InProcess, name string, leases int) {
	h.Update(func(s *fakebsd.State) {
		if s.Dhclient == nil {
			s.Dhclient, s.Leases, s.Leased = map[string]bool{}, map[string]int{}, map[string]bool{}
		}
		s.Dhclient[name], s.Leases[name], s.Leased[name] = true, leases, true
	})
}

func readExpect(t *testing.T, text string) Expect {
	t.Helper()
	path := filepath.Join(t.TempDir(), "expect.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := ReadExpect(path)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestExpectCatchesBrokenOutcomes: the judge passes the converged host and
// fails each way of breaking it that a regression of hvnetconf's could
// cause (the mutations golden's expectations exist to catch).
func TestExpectCatchesBrokenOutcomes(t *testing.T) {
	e := readExpect(t, laggExpect)
	vfs := map[string]string{"mce0": "hn0"}
	if p := append(e.AfterBoot(converged(t).State()), e.Check(converged(t).State(), vfs, nil)...); len(p) > 0 {
		t.Fatalf("converged host judged wrong: %q\n%s", p, converged(t).State().Network())
	}
	for _, c := range []struct {
		name, want string
		breakIt    []string
		handled    []Handled
	}{
		{"address left on hn0", "hn0 holds", []string{"ifconfig hn0 inet 10.0.0.9/24 alias"}, nil},
		{"dhclient on the VF", "mce0", []string{"dhclient mce0"}, nil},
		{"a second lease", "lagg0 took 2", []string{"dhclient lagg0+"}, nil},
		{"VF not joined", "ports", []string{"ifconfig lagg0 -laggport mce0"}, nil},
		{"address on the VF", "mce0 holds", []string{"ifconfig mce0 inet 10.0.0.9/24"}, nil},
		{"a handler failed", "exited 1", nil, []Handled{{Event: "x", File: "f", Action: "/usr/local/sbin/hvnetconf vf-up -- hn0", Exit: 1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := converged(t)
			for _, b := range c.breakIt {
				if name, ok := strings.CutPrefix(b, "dhclient "); ok {
					n, _ := strings.CutSuffix(name, "+")
					dhclient(h, n, 1+len(name)-len(n))
				} else {
					h.Do(t, b)
				}
			}
			p := e.Check(h.State(), vfs, c.handled)
			if !strings.Contains(strings.Join(p, "\n"), c.want) {
				t.Errorf("judge says %q, want a finding with %q\n%s", p, c.want, h.State().Network())
			}
		})
	}
	if p := e.AfterBoot(fakebsd.NewInProcess(t, "00:15:5d:00:00:04", "10.0.0.4/24").State()); len(p) == 0 {
		t.Error("a boot without lagg0 passes AfterBoot")
	}
}

func TestReadExpectRefusesWhatAssertsNothing(t *testing.T) {
	for _, text := range []string{
		"outcome = \"lag\"\n",
		"outcome = \"lagg\"\n", // lagg outcome, no lagg
		"outcome = \"lagg\"\n[lagg.lagg0]\nports = [\"hn0\"]\n",                             // no master
		"outcome = \"transparent\"\n[iface.hn0]\ninet4 = [\"10.0.0.4/24\"]\n",               // misspelt key
		"outcome = \"lagg\"\n[lagg.lagg0]\nmaster = \"hn0\"\nports = [\"mce0\", \"hn0\"]\n", // master not first
		"outcome = \"refused\"\n[tree.main]\noutcome = \"lagg\"\n",                       // a tree's lagg outcome, no lagg
		"outcome = \"refused\"\n[tree.main]\noutcome = \"refused\"\n[tree.main.tree.x]\n", // trees within a tree
	} {
		path := filepath.Join(t.TempDir(), "expect.toml")
		os.WriteFile(path, []byte(text), 0o644)
		if _, err := ReadExpect(path); err == nil {
			t.Errorf("accepted %q", text)
		}
	}
}

// A vlan left on its hn (bypassing the failover) fails vlandev = "lagg0".
func TestExpectVlandev(t *testing.T) {
	e := readExpect(t, laggExpect+"\n[iface.vlan0]\nvlandev = \"lagg0\"\n")
	for parent, ok := range map[string]bool{"lagg0": true, "hn0": false} {
		h := converged(t)
		h.Do(t, "ifconfig vlan0 create", "ifconfig vlan0 vlan 10 vlandev "+parent)
		if p := e.Check(h.State(), map[string]string{"mce0": "hn0"}, nil); (len(p) == 0) != ok {
			t.Errorf("vlan0 on %s: judge says %q", parent, p)
		}
	}
}

// A tree's own expectation replaces the whole file's on that tree only.
func TestExpectForTree(t *testing.T) {
	e := readExpect(t, laggExpect+"\n[tree.main]\noutcome = \"refused\"\n")
	if got := e.For("main").Outcome; got != OutcomeRefused {
		t.Errorf("main: outcome %q, want refused", got)
	}
	if got := e.For("12.1").Outcome; got != OutcomeLagg {
		t.Errorf("12.1: outcome %q, want lagg", got)
	}
}
