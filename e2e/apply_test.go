package e2e

import (
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
)

// The old way: hn0 gets its address by DHCP at boot; the VF has just been
// attached and devd has not handled it yet.
const oldRC = `ifconfig_hn0="SYNCDHCP"
`

func oldHost(t *testing.T, tree conformance.Tree) *host {
	return bootedHost(t, tree, oldRC, "inet 10.0.0.4/24")
}

// bootedHost boots rcconf with FreeBSD's rc, checks hn0 got want, then
// hot-plugs mce0 (its events left for devd).
func bootedHost(t *testing.T, tree conformance.Tree, rcconf, want string) *host {
	h := newHost(t, tree, rcconf)
	h.Boot()
	if !strings.Contains(h.iface("hn0"), want) {
		t.Fatalf("setup: hn0 lacks %q after boot:\n%s", want, h.Dump())
	}
	h.AttachVF("hn0", "mce0")
	return h
}

func TestApplyOldHostConverges(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := oldHost(t, tree)
		mark := len(h.Commands())
		r := h.run("apply")
		if r.code != 0 {
			t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		all, changing := h.changes(mark)
		t.Logf("first apply: %d commands (%d changing): %s", len(all), len(changing), strings.Join(changing, "; "))
		h.Settle() // devd, restarted by apply, handles mce0's arrival
		assertLagg(t, h, []string{"10.0.0.4/24"})
		for _, p := range conformance.CheckDhclient(h.State(), "lagg0") {
			t.Error(p)
		}
		assertSecondApplyReads(t, h)
		if r := h.run("check"); r.code != 0 {
			t.Errorf("check after apply: exit %d\n%s", r.code, r.stdout)
		}
	})
}

// assertLagg: lagg0 failover over hn0 (master) and mce0 (active), owning
// exactly these addresses, none on hn0 or mce0 (conformance.CheckLagg, the
// assertions the golden scenarios' expect.toml is judged by).
func assertLagg(t *testing.T, h *host, inet []string, inet6 ...string) {
	t.Helper()
	want := conformance.Lagg{Master: "hn0", Ports: []string{"hn0", "mce0"}, Active: "mce0",
		Iface: conformance.Iface{Inet: inet, Inet6: inet6}}
	for _, p := range conformance.CheckLagg(h.State(), "lagg0", want) {
		t.Errorf("%s\n%s", p, h.Dump())
	}
}

func assertSecondApplyReads(t *testing.T, h *host) {
	t.Helper()
	mark := len(h.Commands())
	r := h.run("apply")
	all, changing := h.changes(mark)
	if r.code != 0 || len(changing) != 0 {
		t.Fatalf("second apply: exit %d, changing commands %q\n%s", r.code, changing, r.stderr)
	}
	t.Logf("second apply: %d commands, all reads", len(all))
}

func TestApplyDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := oldHost(t, tree)
		before, files, mark := h.runtime(), h.files(), len(h.Commands())
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
		if _, changing := h.changes(mark); len(changing) != 0 || h.runtime() != before || !same(files, h.files()) {
			t.Errorf("dry run changed something: %q", changing)
		}
	})
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
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := bootedHost(t, tree, `ifconfig_hn0="inet 10.0.0.4/24"`+"\n"+`defaultrouter="10.0.0.1"`+"\n", "inet 10.0.0.4/24")
		if r := h.run("apply"); r.code != 0 {
			t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		h.Settle()
		if f := h.files()["/usr/local/etc/rc.conf.d/network"]; !strings.Contains(f, `ifconfig_lagg0="laggproto failover laggport hn0 10.0.0.4/24"`) {
			t.Errorf("rendered network file:\n%s", f)
		}
		assertLagg(t, h, []string{"10.0.0.4/24"})
		for _, p := range conformance.CheckDhclient(h.State()) {
			t.Error(p)
		}
		assertSecondApplyReads(t, h)
	})
}

// Dual stack: DHCP for IPv4 and a static IPv6 address with an alias; all
// of it ends on lagg0.
func TestApplyDualStackConverges(t *testing.T) {
	t.Parallel()
	forTrees(t, func(t *testing.T, tree conformance.Tree) {
		h := bootedHost(t, tree, dualRC, "inet6 2001:db8::4/64")
		if r := h.run("apply"); r.code != 0 {
			t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		h.Settle()
		// hn0 keeps none of them (CheckLagg: no address on a port).
		assertLagg(t, h, []string{"10.0.0.4/24", "10.0.0.5/32"}, "2001:db8::4/64")
		if p := h.State().IPv6Problems("lagg0"); len(p) > 0 {
			t.Errorf("IPv6 does not work on lagg0: %q\n%s", p, h.iface("lagg0"))
		}
		assertSecondApplyReads(t, h)
	})
}
