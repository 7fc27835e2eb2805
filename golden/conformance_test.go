package golden

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/updateflag"
	"github.com/hvnetconf/hvnetconf/render"
)

// TestConformance boots every scenario's root, as render left it, with
// FreeBSD's own rc scripts of each tree (internal/conformance), then
// hot-plugs the snapshot's VFs and lets devd run whichever rules win. The
// scenario's expect.toml (written by hand, never by -update) judges the
// outcome on every tree: the lagg and its ports, where the addresses,
// dhclient, leases and routes are. boot.txt records the network for a
// reviewer; the devd events go to the test log when a case fails.
func TestConformance(t *testing.T) {
	trees := conformance.Trees(t)
	compare := os.Getenv("HVNETCONF_COMPARE") != ""
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			want, err := conformance.ReadExpect(filepath.Join(sc.dir, "expect.toml"))
			if err != nil {
				t.Fatal(err)
			}
			root, code := sc.rendered(t)
			if refused := want.Outcome == conformance.OutcomeRefused; refused != (code > 1) {
				t.Fatalf("render exits %d, but expect.toml says the outcome is %s", code, want.Outcome)
			}
			snap := &hn.Snapshot{}
			if _, err := os.Stat(filepath.Join(sc.dir, "state.toml")); err == nil {
				s, err := hn.ReadFile(filepath.Join(sc.dir, "state.toml"))
				if err != nil {
					if !strings.HasPrefix(sc.name, "bad-state") {
						t.Fatal(err)
					}
					return // a bad snapshot on purpose: nothing to boot
				}
				snap = s
			}
			got := map[string]string{}
			for _, tree := range trees {
				want := want.For(tree.Name)
				m := conformance.New(t, tree, conformance.Options{Config: root, Hvnetconf: binary})
				t.Cleanup(func() {
					if t.Failed() {
						t.Logf("devd events on tree %s:\n%s", tree.Name, m.EventLog())
						t.Logf("syslog on tree %s:\n%s", tree.Name, m.Syslog())
						t.Logf("harness log on tree %s:\n%s", tree.Name, strings.Join(m.Log, "\n"))
					}
				})
				vfs := m.LoadSnapshot(snap)
				m.Boot()
				judge(t, tree, want.AfterBoot(m.State()))
				mark := m.Mark()
				m.AttachVFs(vfs)
				st := m.State()
				judge(t, tree, want.Check(st, vfMap(vfs), m.Handled()))
				if want.Outcome != conformance.OutcomeRefused {
					judge(t, tree, m.HandlerFailures())
				}
				x := m.MetricsSince(mark)
				if want.Outcome == conformance.OutcomeLagg && x.AddressMoves != 0 {
					t.Errorf("tree %s: %d addresses moved off an hn after boot, want none", tree.Name, x.AddressMoves)
				}
				got[tree.Name] = m.Outcome() + namesOutcome(m, root)
				for _, lagg := range dualStack(root) {
					if p := st.IPv6Problems(lagg); len(p) > 0 {
						t.Errorf("tree %s: IPv6 does not work on the dual-stack lagg: %q", tree.Name, p)
					}
				}
				if compare && want.Outcome == conformance.OutcomeLagg {
					comparison.add(sc.name, tree.Name, "hvnetconf", x)
					comparison.add(sc.name, tree.Name, "base scripts", baseWay(t, sc, tree, snap))
				}
			}
			conformance.CompareOutcome(t, filepath.Join(sc.dir, "boot.txt"), got, *updateflag.Update)
		})
	}
}

// judge reports each way the tree's outcome falls short of expect.toml.
func judge(t *testing.T, tree conformance.Tree, problems []string) {
	t.Helper()
	for _, p := range problems {
		t.Errorf("tree %s: %s (expect.toml)", tree.Name, p)
	}
}

// vfMap turns LoadSnapshot's hn → VF pairs into VF → hn.
func vfMap(pairs [][2]string) map[string]string {
	out := map[string]string{}
	for _, p := range pairs {
		out[p[1]] = p[0]
	}
	return out
}

// rendered is the scenario's root after `hvnetconf render` (unchanged
// where render refuses), without the test defaults: the tree's own
// etc/defaults/rc.conf takes their place. code is render's exit status.
func (sc scenario) rendered(t *testing.T) (root string, code int) {
	root = sc.root(t)
	r := sc.hvnetconf(t, root, "render")
	os.Remove(filepath.Join(root, "etc/defaults/rc.conf"))
	return root, r.code
}

// dualStackVar is an assignment giving a lagg IPv6 configuration.
var dualStackVar = regexp.MustCompile(`(?m)^(?:ifconfig_(lagg[0-9]+)_ipv6|ipv6_prefix_(lagg[0-9]+))="[^"]`)

// dualStack lists the laggs the rendered root's network file gives IPv6:
// on each, IPv6 must work after boot and hot-plug (enabled, link-local).
func dualStack(root string) []string {
	b, _ := os.ReadFile(filepath.Join(root, "usr/local/etc/rc.conf.d/network"))
	var out []string
	for _, m := range dualStackVar.FindAllStringSubmatch(string(b), -1) {
		if l := m[1] + m[2]; !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// baseWay (only under make compare: HVNETCONF_COMPARE) boots the
// scenario's input root as FreeBSD ships it (no
// hvnetconf files: the base hyperv.conf rules run hyperv_vfattach and
// hyperv_vfup), hot-plugs the VFs the same way, and measures.
func baseWay(t *testing.T, sc scenario, tree conformance.Tree, snap *hn.Snapshot) conformance.Metrics {
	root := sc.bareRoot(t)
	for _, target := range render.Targets { // a previous render's files
		os.Remove(filepath.Join(root, target))
	}
	m := conformance.New(t, tree, conformance.Options{Config: root})
	vfs := m.LoadSnapshot(snap)
	m.Boot()
	mark := m.Mark()
	m.AttachVFs(vfs)
	return m.MetricsSince(mark)
}

// comparison collects the table `make compare` writes (HVNETCONF_COMPARE
// names the file).
var comparison = &table{rows: map[string][]string{}}

type table struct {
	mu   sync.Mutex
	rows map[string][]string // "scenario|tree|way" → cells
}

func (tb *table) add(scenario, tree, way string, x conformance.Metrics) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.rows[scenario+"|"+tree+"|"+way] = append([]string{scenario, tree, way}, x.Row()...)
}

// write renders the table as Markdown, sorted by scenario, tree, way.
func (tb *table) write(path string) error {
	var b strings.Builder
	b.WriteString("| scenario | FreeBSD tree | way | address moves after boot | DHCP leases | lease renewals (link-up) | dhclient left on hn | addresses on the lagg | lagg ports at the end |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(tb.rows)) {
		b.WriteString("| " + strings.Join(tb.rows[k], " | ") + " |\n")
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
