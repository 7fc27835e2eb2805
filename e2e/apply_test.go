package e2e

import (
	"strings"
	"testing"
)

// The old way: hn0 gets its address by DHCP, the VF is attached but down.
const oldRC = `ifconfig_hn0="SYNCDHCP"
`

func oldHost(t *testing.T) *host {
	h := newHost(t, oldRC)
	h.AttachVF("hn0", "mce0")
	h.sh("service", "netif", "start", "hn0")
	if !strings.Contains(h.iface("hn0"), "inet 10.0.0.4/24") {
		t.Fatalf("setup: hn0 has no lease:\n%s", h.Dump())
	}
	h.ClearLogs()
	return h
}

func TestApplyOldHostConverges(t *testing.T) {
	h := oldHost(t)
	r := h.run("apply")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	all, changing := h.changes(0)
	t.Logf("first apply: %d commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
	lagg := h.iface("lagg0")
	for _, want := range []string{"proto=failover", "inet 10.0.0.4/24", "laggport hn0 flags=1", "laggport mce0 flags=4"} {
		if !strings.Contains(lagg, want) {
			t.Errorf("lagg0 lacks %q:\n%s", want, h.Dump())
		}
	}
	if hn := h.iface("hn0"); strings.Contains(hn, "inet ") {
		t.Errorf("hn0 kept an address:\n%s", hn)
	}
	if d := h.Dump(); !strings.Contains(d, "dhclient lagg0") || strings.Contains(d, "dhclient hn0") {
		t.Errorf("dhclient should run on lagg0 only:\n%s", d)
	}
	mark := len(h.Commands())
	r = h.run("apply")
	all, changing = h.changes(mark)
	if r.code != 0 || len(changing) != 0 {
		t.Fatalf("second apply: exit %d, changing commands %q\n%s", r.code, changing, r.stderr)
	}
	t.Logf("second apply: %d commands, all reads", len(all))
	if r := h.run("check"); r.code != 0 {
		t.Errorf("check after apply: exit %d\n%s", r.code, r.stdout)
	}
}

func TestApplyDryRunChangesNothing(t *testing.T) {
	h := oldHost(t)
	before, files := h.runtime(), h.files()
	r := h.run("apply", "--dry-run")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"would create /usr/local/etc/rc.conf.d/network", "would run: ifconfig lagg0 create",
		"would run: service dhclient forcestop hn0", "would run: ifconfig hn0 inet 10.0.0.4 -alias",
		"would run: service netif start lagg0", "would run: ifconfig lagg0 laggport mce0", "+ifconfig_lagg0="} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, changing := h.changes(0); len(changing) != 0 || h.runtime() != before || !same(files, h.files()) {
		t.Errorf("dry run changed something: %q", changing)
	}
}

func same(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// A static address on hn0: the rendered ifconfig_lagg0 carries it and
// apply moves it from hn0 to lagg0 without dhclient.
func TestApplyStaticHostConverges(t *testing.T) {
	h := newHost(t, `ifconfig_hn0="inet 10.0.0.4/24"`+"\n")
	h.AttachVF("hn0", "mce0")
	h.sh("service", "netif", "start", "hn0")
	h.ClearLogs()
	if r := h.run("apply"); r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	all, changing := h.changes(0)
	t.Logf("first apply (static): %d commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
	if f := h.files()["/usr/local/etc/rc.conf.d/network"]; !strings.Contains(f, `ifconfig_lagg0="laggproto failover laggport hn0 10.0.0.4/24"`) {
		t.Errorf("rendered network file:\n%s", f)
	}
	if l := h.iface("lagg0"); !strings.Contains(l, "inet 10.0.0.4/24") {
		t.Errorf("lagg0 lacks 10.0.0.4/24:\n%s", h.Dump())
	}
	if hn := h.iface("hn0"); strings.Contains(hn, "inet ") {
		t.Errorf("hn0 kept an address:\n%s", hn)
	}
	if d := h.Dump(); strings.Contains(d, "dhclient ") {
		t.Errorf("dhclient runs on a static host:\n%s", d)
	}
	mark := len(h.Commands())
	r := h.run("apply")
	if all, changing = h.changes(mark); r.code != 0 || len(changing) != 0 {
		t.Fatalf("second apply: exit %d, changing commands %q\n%s", r.code, changing, r.stderr)
	}
	t.Logf("second apply (static): %d commands, all reads", len(all))
}
