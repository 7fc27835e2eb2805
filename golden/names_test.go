package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// namedVars are rc variables of other services whose value names the
// interface that service works on, and the load_rc_config NAME each is
// read under (the same readers as render/refrules.go).
var namedVars = [][2]string{
	{"natd", "natd_interface"},
	{"ipfw", "firewall_nat_interface"},
	{"dhcpd", "dhcpd_ifaces"},
	{"rtadvd", "rtadvd_interfaces"},
}

// namesOutcome says, for every interface that pf.conf (its "on IF" words,
// macros expanded) or one of namedVars (as FreeBSD's load_rc_config gives
// it, evaluated in the sandbox) names, what that interface is after the
// boot: whether rules and services written for a name reach the interface
// that carries the addresses. Empty when the scenario names none.
func namesOutcome(m *conformance.Machine, root string) string {
	var lines []string
	st := m.State()
	if b, err := os.ReadFile(filepath.Join(root, "etc/pf.conf")); err == nil {
		for _, n := range pfInterfaces(string(b)) {
			lines = append(lines, "names: pf.conf on "+n+": "+describe(st, n))
		}
	}
	rc, _ := os.ReadFile(filepath.Join(root, "etc/rc.conf"))
	for _, nv := range namedVars {
		if !strings.Contains(string(rc), nv[1]) {
			continue // the sandbox is only asked about what the scenario sets
		}
		r := m.Sh(". /etc/rc.subr; load_rc_config " + nv[0] + "; eval echo \\$" + nv[1])
		for _, n := range strings.Fields(r.Stdout) {
			lines = append(lines, fmt.Sprintf("names: %s (load_rc_config %s) %s: %s", nv[1], nv[0], n, describe(st, n)))
		}
	}
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}

var (
	pfMacro = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"?([^"]*)"?\s*$`)
	pfOn    = regexp.MustCompile(`\bon\s+(\S+)`)
)

// pfInterfaces lists the interface names after "on" in pf.conf, with
// macros ($ext_if) expanded, sorted and each once.
func pfInterfaces(conf string) []string {
	macros := map[string]string{}
	var out []string
	for _, line := range strings.Split(conf, "\n") {
		line, _, _ = strings.Cut(line, "#")
		if strings.HasPrefix(strings.TrimSpace(line), "set skip") {
			continue // "set skip on lo" names interface groups, not interfaces
		}
		if m := pfMacro.FindStringSubmatch(line); m != nil {
			macros[m[1]] = m[2]
			continue
		}
		for _, m := range pfOn.FindAllStringSubmatch(line, -1) {
			name := m[1]
			if v, ok := macros[strings.TrimPrefix(name, "$")]; ok && strings.HasPrefix(name, "$") {
				name = v
			}
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

// describe says what the interface called name is at the end.
func describe(st *fakebsd.State, name string) string {
	i, ok := st.Ifaces[name]
	if !ok {
		return "no such interface"
	}
	var addrs []string
	for _, a := range append(append([]fakebsd.Addr(nil), i.Inet...), i.Inet6...) {
		addrs = append(addrs, a.String())
	}
	what := i.Kind
	if i.PortOf != "" {
		what += ", a port of " + i.PortOf
	}
	if len(addrs) == 0 {
		return what + ", no address"
	}
	return what + ", " + strings.Join(addrs, " ")
}
