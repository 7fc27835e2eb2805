package conformance

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// LoadSnapshot gives the kernel the snapshot's hn devices (MAC and MTU as
// recorded, or 00:15:5d:00:00:N+1), its mode and its kernel age, and a
// DHCP server that leases 10.0.0.N+4/24 to each hn's MAC. The VFs are not
// attached: AttachVFs does that after boot. It returns the hn → VF pairs.
func (m *Machine) LoadSnapshot(s *hn.Snapshot) [][2]string {
	var vfs [][2]string
	m.Update(func(st *fakebsd.State) {
		st.Transparent = s.Transparent
		st.Kernel.NoVFTransparent = !s.TransparentKnown
		st.Kernel.NoVFList = !s.VFListKnown
		st.Kernel.NoVFMap = s.VFMap == nil && !s.VFListKnown
	})
	for _, i := range s.HN {
		mac := i.MAC
		if mac == "" {
			mac = fmt.Sprintf("00:15:5d:00:00:%02x", i.Unit+1)
		}
		m.AddHN(i.Name, mac)
		if i.MTU != 0 {
			mtu := i.MTU
			name := i.Name
			m.Update(func(st *fakebsd.State) { st.Ifaces[name].MTU = mtu })
		}
		m.SetDHCP(mac, fmt.Sprintf("10.0.0.%d/24", i.Unit+4))
		if i.VF != "" {
			vfs = append(vfs, [2]string{i.Name, i.VF})
		}
	}
	return vfs
}

// AttachVFs hot-plugs each VF as the host does after boot, and lets devd
// handle the events (IFATTACH, then VF_UP when the VF comes up in
// non-transparent mode).
func (m *Machine) AttachVFs(vfs [][2]string) {
	m.tb.Helper()
	for _, p := range vfs {
		m.AttachVF(p[0], p[1])
		m.Settle()
	}
}

// loopbackRoute is a route command rc.d/routing runs for lo0 on every
// boot, whatever the configuration.
var loopbackRoute = regexp.MustCompile(`(-iface lo0|::1 -reject)$`)

// Outcome is what the boot (and the events after it) left, for a
// reviewer: the network (fakebsd State.Network) and every route command
// the scripts ran with its exit status (the loopback ones aside). Which
// devd rule handled each event is in EventLog, not here: its lines change
// with any harness work on events, and Expect judges the handlers.
func (m *Machine) Outcome() string {
	var b strings.Builder
	st := m.State()
	b.WriteString(st.Network())
	for _, c := range st.Commands {
		line := strings.Join(c.Argv, " ")
		if c.Argv[0] == "route" && !loopbackRoute.MatchString(line) {
			fmt.Fprintf(&b, "%s: exit %d\n", line, c.Exit)
		}
	}
	return b.String()
}

// EventLog is every devd event with the rule that handled it and its
// action's exit status, one per line, for a failed test's log.
func (m *Machine) EventLog() string {
	var b strings.Builder
	for _, h := range m.Handled() {
		if h.File == "" {
			fmt.Fprintf(&b, "devd %s: no rule\n", h.Event)
			continue
		}
		fmt.Fprintf(&b, "devd %s: %s: %s: exit %d\n", h.Event, devdLine.ReplaceAllString(h.File, "$1"), h.Action, h.Exit)
	}
	return b.String()
}

// devdLine drops the rule's line number: "FILE:N:" → "FILE:".
var devdLine = regexp.MustCompile(`(\.conf):[0-9]+`)

// CompareOutcome checks the outcomes of several trees against the
// expectation file: one text when every tree agrees, else one section
// per tree ("## tree NAME"), so a disagreement is explicit. With update
// it rewrites the file.
func CompareOutcome(tb interface {
	Helper()
	Errorf(string, ...any)
	Fatalf(string, ...any)
}, path string, got map[string]string, update bool) {
	tb.Helper()
	names := slices.Sorted(maps.Keys(got))
	text := got[names[0]]
	for _, n := range names[1:] {
		if got[n] != text {
			text = ""
		}
	}
	if text == "" {
		var b strings.Builder
		for _, n := range names {
			fmt.Fprintf(&b, "## tree %s\n%s", n, got[n])
		}
		text = b.String()
	}
	if update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			tb.Fatalf("%v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./... -update to create it)", err)
	}
	sections := splitTrees(string(want))
	for _, n := range names {
		exp, ok := sections[n]
		if !ok {
			exp, ok = sections[""]
		}
		if !ok {
			tb.Errorf("%s: no expectation for tree %s", path, n)
			continue
		}
		if exp != got[n] {
			tb.Errorf("%s: tree %s differs:\n--- want\n%s--- got\n%s", filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), n, exp, got[n])
		}
	}
}

// splitTrees reads an expectation: "" → the common text, or per tree.
func splitTrees(s string) map[string]string {
	if !strings.HasPrefix(s, "## tree ") {
		return map[string]string{"": s}
	}
	out := map[string]string{}
	for _, part := range strings.Split(s, "## tree ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out[name] = body
	}
	return out
}
