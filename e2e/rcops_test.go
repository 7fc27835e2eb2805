package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/udiff"
)

// rcOps are the admin's own rc operations on a running guest, each as the
// sandbox's shell runs it; a "\n--\n" separates steps between which time
// passes (devd handles what the first caused before the second runs).
var rcOps = []struct{ name, sh string }{
	{"netif restart", "service netif restart"},
	{"netif restart hn0", "service netif restart hn0"},
	{"netif restart lagg0", "service netif restart lagg0"},
	{"netif stop then start", "service netif stop\n--\nservice netif start"},
	// libexec/rc/netstart (read at 023fc80ee38a) runs these with
	// quietstart, among scripts that configure nothing on these guests
	// (hostid, ipfilter, ppp, ...); the trees ship no netstart of their own.
	{"netstart", "/etc/rc.d/devd quietstart; /etc/rc.d/netif quietstart; /etc/rc.d/routing quietstart"},
	{"routing restart", "service routing restart"},
	{"devd restart", "service devd restart"},
	{"dhclient restart lagg0", "service dhclient restart lagg0"},
}

// rcOpGuests are a converged DHCP guest (SYNCDHCP, as Azure's images set
// hn0: netif itself starts dhclient on the lagg) and a static dual-stack
// one with default routes for both families.
var rcOpGuests = []struct{ name, rc string }{
	{"dhcp", "ifconfig_hn0=\"SYNCDHCP\"\n"},
	{"static-dual", "ifconfig_hn0=\"inet 10.0.0.4/24\"\nifconfig_hn0_ipv6=\"inet6 2001:db8::4/64\"\n" +
		"defaultrouter=\"10.0.0.1\"\nipv6_defaultrouter=\"2001:db8::1\"\n"},
}

// TestRCOperations: on a converged guest (rendered at boot, the VF in its
// lagg), each of FreeBSD's own rc operations an admin runs ends, once devd
// has handled what it caused, exactly as the guest was before it: the VF
// back in lagg0 and active, the addresses and routes where the render put
// them, one dhclient on lagg0 on the DHCP guest, none elsewhere. One boot
// per guest and tree; the operations run one after another on it (a
// failed one is reported, the VF joined again by hand, and the next one is
// judged against the state that left).
func TestRCOperations(t *testing.T) {
	t.Parallel()
	for _, g := range rcOpGuests {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			forTrees(t, func(t *testing.T, tree conformance.Tree) {
				h := firstbootWith(t, tree, g.rc)
				want := h.converged()
				if p := h.rcOpProblems(g.name == "dhcp"); len(p) > 0 {
					t.Fatalf("setup: the guest is not converged: %q\n%s", p, want)
				}
				for _, op := range rcOps {
					mark, out := len(h.Handled()), ""
					for _, step := range strings.Split(op.sh, "\n--\n") {
						r := h.Sh(step)
						out += r.Stderr
						h.Settle()
					}
					got := h.converged()
					p := h.rcOpProblems(g.name == "dhcp")
					if got != want {
						p = append(p, "the network differs from before:\n"+udiff.Unified("before", "after", []byte(want+"\n"), []byte(got+"\n"), true, true))
					}
					if len(p) == 0 {
						continue
					}
					t.Errorf("%s: %s\noutput:\n%s\ndevd since:\n%s", op.name, strings.Join(p, "\n"), out, h.handledSince(mark))
					// Put the VF back by hand (its own join) so that the
					// next operation is judged on its own.
					h.run("vf-attach", "--detached", "--", "mce0")
					h.Settle()
					want = h.converged()
				}
			})
		})
	}
}

// rcOpProblems judges lagg0 as conformance does (golden's expect.toml):
// hn0 its master, mce0 a port and active, no address on a port, and
// dhclient on lagg0 alone (dhcp) or nowhere.
func (h *host) rcOpProblems(dhcp bool) []string {
	st := h.State()
	want := conformance.Lagg{Master: "hn0", Ports: []string{"hn0", "mce0"}, Active: "mce0"}
	want.Inet = []string{"10.0.0.4/24"}
	if !dhcp {
		want.Inet6 = []string{"2001:db8::4/64"}
	}
	p := conformance.CheckLagg(st, "lagg0", want)
	if dhcp {
		return append(p, conformance.CheckDhclient(st, "lagg0")...)
	}
	return append(p, conformance.CheckDhclient(st)...)
}

// converged is the network as the guest shows it (h.runtime: interfaces,
// ports, addresses, dhclient) and its routing table.
func (h *host) converged() string {
	var routes []string
	for _, r := range h.State().Routes {
		routes = append(routes, "route "+r.String())
	}
	slices.Sort(routes)
	return h.runtime() + "\n" + strings.Join(routes, "\n")
}

func (h *host) handledSince(mark int) string {
	var out []string
	for _, x := range h.Handled()[mark:] {
		out = append(out, x.Event+": "+x.Action)
	}
	return strings.Join(out, "\n")
}
