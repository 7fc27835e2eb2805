package conformance

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// Expect is the outcome a FreeBSD admin expects once a host has booted
// and its VFs have arrived, stated in a golden scenario's expect.toml
// (written by hand: -update never touches it). Check judges a machine by
// it whatever boot.txt recorded, so a regression cannot become the new
// truth by re-recording.
type Expect struct {
	// Outcome is "lagg" (hvnetconf's failover laggs own every managed
	// hn's configuration), "transparent" (no lagg of hvnetconf's; nothing
	// configures the VFs) or "refused" (render refused: nothing of
	// hvnetconf's is on the host, the base system's rules handle the VFs).
	Outcome string `toml:"outcome"`
	// Dhclient is every interface dhclient runs on at the end, exactly.
	Dhclient []string `toml:"dhclient"`
	// Leases are the DHCP leases each interface took, boot included,
	// exactly (interfaces with none left out).
	Leases map[string]int `toml:"leases"`
	// Routes is the routing table at the end (lo0's own routes aside),
	// as fakebsd.Route prints them: "inet default gw 10.0.0.1".
	Routes []string `toml:"routes"`
	// Lagg is every lagg interface at the end, exactly.
	Lagg map[string]Lagg `toml:"lagg"`
	// Iface holds the addresses of the other interfaces; one not named
	// holds none.
	Iface map[string]Iface `toml:"iface"`
	// Tree replaces the whole expectation on one FreeBSD tree ("12.1",
	// "main") where that tree's own files decide differently; the file
	// says why next to it.
	Tree map[string]Expect `toml:"tree"`
}

// For is the expectation on the named tree.
func (e Expect) For(tree string) Expect {
	if t, ok := e.Tree[tree]; ok {
		return t
	}
	return e
}

// Iface is what an interface holds at the end.
type Iface struct {
	Inet  []string `toml:"inet"`  // IPv4 addresses, ADDR/LEN, exactly (any order)
	Inet6 []string `toml:"inet6"` // IPv6 addresses, likewise
	Up    *bool    `toml:"up"`    // IFF_UP, when stated
	// Vlandev is a vlan's parent, when stated: the lagg, where hvnetconf
	// moved the vlan off its hn (else the vlan bypasses the failover).
	Vlandev string `toml:"vlandev"`
}

// Lagg is what a failover lagg holds.
type Lagg struct {
	Master string   `toml:"master"` // the port flagged MASTER (the hn), "" for none
	Ports  []string `toml:"ports"`  // every port, in the order added
	Active string   `toml:"active"` // the port flagged ACTIVE, when stated
	Iface
}

// Outcomes.
const (
	OutcomeLagg        = "lagg"
	OutcomeTransparent = "transparent"
	OutcomeRefused     = "refused"
)

// ReadExpect reads an expect.toml; an unknown key or outcome is an error
// (a misspelt expectation would otherwise assert nothing).
func ReadExpect(path string) (Expect, error) {
	var e Expect
	md, err := toml.DecodeFile(path, &e)
	if err != nil {
		return e, err
	}
	if u := md.Undecoded(); len(u) > 0 {
		return e, fmt.Errorf("%s: unknown key %s", path, u[0])
	}
	if err := e.valid(path); err != nil {
		return e, err
	}
	for name, t := range e.Tree {
		if len(t.Tree) > 0 {
			return e, fmt.Errorf("%s: tree.%s: a tree's expectation cannot hold trees", path, name)
		}
		if err := t.valid(path + ": tree." + name); err != nil {
			return e, err
		}
	}
	return e, nil
}

// valid refuses an expectation that would assert nothing or the wrong
// thing; where names the file (and tree) in the error.
func (e Expect) valid(where string) error {
	switch e.Outcome {
	case OutcomeLagg, OutcomeTransparent, OutcomeRefused:
	default:
		return fmt.Errorf("%s: outcome %q: want lagg, transparent or refused", where, e.Outcome)
	}
	if e.Outcome == OutcomeLagg && len(e.Lagg) == 0 {
		return errors.New(where + ": outcome lagg names no [lagg.NAME]")
	}
	for name, l := range e.Lagg {
		if e.Outcome == OutcomeLagg && (l.Master == "" || len(l.Ports) == 0 || l.Ports[0] != l.Master) {
			return fmt.Errorf("%s: lagg.%s: the master must be named and be the first port", where, name)
		}
	}
	return nil
}

// AfterBoot judges the host after the boot, before any VF arrived: each
// lagg already exists with its hn as master, and the hn holds no address
// (the lagg owns it from boot on, so it never moves).
func (e Expect) AfterBoot(st *fakebsd.State) []string {
	if e.Outcome != OutcomeLagg {
		return nil
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(e.Lagg)) {
		master := e.Lagg[name].Master
		if m, _ := st.LaggPortFlags(name, master); !m {
			out = append(out, fmt.Sprintf("%s is not a MASTER port of %s", master, name))
		}
		out = append(out, CheckBare(st, master)...)
	}
	for k := range out {
		out[k] = "after boot: " + out[k]
	}
	return out
}

// Check judges the host at the end. vfs maps each VF of the snapshot to
// its hn; handled are the devd actions that ran.
func (e Expect) Check(st *fakebsd.State, vfs map[string]string, handled []Handled) []string {
	out := checkHandlers(e.Outcome, handled)
	if e.Outcome == OutcomeRefused {
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(st.Ifaces)) {
		if st.Ifaces[name].Kind == fakebsd.KindLagg {
			if _, ok := e.Lagg[name]; !ok {
				out = append(out, fmt.Sprintf("%s exists, want no such lagg", name))
			}
		}
	}
	var bare []string // must hold no address and run no dhclient
	for _, name := range slices.Sorted(maps.Keys(e.Lagg)) {
		want := e.Lagg[name]
		out = append(out, CheckLagg(st, name, want)...)
		bare = append(bare, want.Ports...)
	}
	for vf, hn := range vfs {
		bare = append(bare, vf)
		if l := st.Ifaces[vf]; e.Outcome == OutcomeTransparent && l != nil && l.PortOf != "" {
			out = append(out, fmt.Sprintf("%s (the VF of %s) is a port of %s in transparent mode", vf, hn, l.PortOf))
		}
	}
	bare = slices.Compact(slices.Sorted(slices.Values(bare)))
	for _, name := range slices.Sorted(maps.Keys(st.Ifaces)) {
		i := st.Ifaces[name]
		want := e.Iface[name]
		switch {
		case i.Kind == fakebsd.KindLo || i.Kind == fakebsd.KindLagg:
		case !slices.Contains(bare, name):
			out = append(out, checkIface(st, name, want)...)
		case len(want.Inet)+len(want.Inet6) > 0:
			out = append(out, fmt.Sprintf("expect.toml gives %s, a lagg port or VF, an address", name))
		case i.PortOf == "":
			// (a lagg port's addresses CheckLagg has judged already)
			out = append(out, checkIface(st, name, want)...)
		}
	}
	for name := range e.Iface {
		if st.Ifaces[name] == nil {
			out = append(out, fmt.Sprintf("%s does not exist", name))
		}
	}
	for _, name := range bare {
		if st.Dhclient[name] {
			out = append(out, fmt.Sprintf("dhclient runs on %s, a lagg port or VF", name))
		}
	}
	out = append(out, CheckDhclient(st, e.Dhclient...)...)
	out = append(out, CheckLeases(st, e.Leases)...)
	return append(out, checkRoutes(st, e.Routes)...)
}

// CheckLagg returns what lagg name lacks of want: a failover lagg with
// exactly these ports in this order, the master and active ports flagged
// so, exactly these addresses, and no address on any port.
func CheckLagg(st *fakebsd.State, name string, want Lagg) []string {
	l := st.Ifaces[name]
	if l == nil || l.Kind != fakebsd.KindLagg {
		return []string{name + ": no such lagg"}
	}
	var out []string
	if l.Proto != "failover" {
		out = append(out, fmt.Sprintf("%s: laggproto %s, want failover", name, l.Proto))
	}
	if !slices.Equal(l.Ports, want.Ports) && (len(l.Ports) > 0 || len(want.Ports) > 0) {
		out = append(out, fmt.Sprintf("%s: ports %q, want %q", name, l.Ports, want.Ports))
	}
	if want.Master != "" {
		if m, _ := st.LaggPortFlags(name, want.Master); !m {
			out = append(out, fmt.Sprintf("%s: %s is not the MASTER port", name, want.Master))
		}
	}
	if want.Active != "" {
		if _, a := st.LaggPortFlags(name, want.Active); !a {
			out = append(out, fmt.Sprintf("%s: %s is not the ACTIVE port", name, want.Active))
		}
	}
	out = append(out, checkIface(st, name, want.Iface)...)
	return append(out, CheckBare(st, l.Ports...)...)
}

// CheckBare: each interface holds no IPv4 or IPv6 address.
func CheckBare(st *fakebsd.State, names ...string) []string {
	var out []string
	for _, n := range names {
		if i := st.Ifaces[n]; i != nil && len(i.Inet)+len(i.Inet6) > 0 {
			out = append(out, fmt.Sprintf("%s holds %s, want no address", n, addrs(i)))
		}
	}
	return out
}

// CheckDhclient: dhclient runs on exactly the interfaces named.
func CheckDhclient(st *fakebsd.State, want ...string) []string {
	var got []string
	for n, on := range st.Dhclient {
		if on {
			got = append(got, n)
		}
	}
	if !sameSet(got, want) {
		return []string{fmt.Sprintf("dhclient runs on %q, want %q", slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want)))}
	}
	return nil
}

// CheckLeases: each interface took exactly the leases given (none where
// none is given).
func CheckLeases(st *fakebsd.State, want map[string]int) []string {
	var out []string
	for _, n := range slices.Sorted(maps.Keys(st.Leases)) {
		if st.Leases[n] != want[n] {
			out = append(out, fmt.Sprintf("%s took %d DHCP leases, want %d", n, st.Leases[n], want[n]))
		}
	}
	for _, n := range slices.Sorted(maps.Keys(want)) {
		if _, ok := st.Leases[n]; !ok && want[n] != 0 {
			out = append(out, fmt.Sprintf("%s took no DHCP lease, want %d", n, want[n]))
		}
	}
	return out
}

// checkIface: exactly the addresses given, and the up state when given.
func checkIface(st *fakebsd.State, name string, want Iface) []string {
	i := st.Ifaces[name]
	if i == nil {
		return nil
	}
	var out []string
	switch {
	case len(want.Inet)+len(want.Inet6) == 0:
		out = CheckBare(st, name)
	case !sameSet(strs(i.Inet), want.Inet) || !sameSet(strs(i.Inet6), want.Inet6):
		w := append(slices.Clone(want.Inet), want.Inet6...)
		out = append(out, fmt.Sprintf("%s holds %s, want %q", name, addrs(i), w))
	}
	if want.Up != nil && i.Up != *want.Up {
		out = append(out, fmt.Sprintf("%s: up=%v, want %v", name, i.Up, *want.Up))
	}
	if want.Vlandev != "" && (i.Kind != fakebsd.KindVLAN || i.HN != want.Vlandev) {
		out = append(out, fmt.Sprintf("%s: vlandev %q, want %q", name, i.HN, want.Vlandev))
	}
	return out
}

// checkRoutes: the routing table holds exactly want, lo0's routes aside
// (rc.d/routing adds those on every boot).
func checkRoutes(st *fakebsd.State, want []string) []string {
	var got []string
	for _, r := range st.Routes {
		if r.Iface != "lo0" && r.Gateway != "::1" && r.Gateway != "127.0.0.1" {
			got = append(got, r.String())
		}
	}
	if !sameSet(got, want) {
		return []string{fmt.Sprintf("routes %q, want %q", got, want)}
	}
	return nil
}

// checkHandlers: every hvnetconf handler devd ran succeeded; after a
// refused render none ran (nothing of hvnetconf's was installed).
func checkHandlers(outcome string, handled []Handled) []string {
	var out []string
	for _, h := range handled {
		if !strings.Contains(h.Action, "hvnetconf") {
			continue
		}
		if outcome == OutcomeRefused {
			out = append(out, fmt.Sprintf("devd ran %q after a refused render", h.Action))
		} else if h.Exit != 0 {
			out = append(out, fmt.Sprintf("devd %s: %q exited %d", h.Event, h.Action, h.Exit))
		}
	}
	return out
}

func strs(as []fakebsd.Addr) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

func addrs(i *fakebsd.Iface) string {
	return fmt.Sprintf("%q", append(strs(i.Inet), strs(i.Inet6)...))
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
