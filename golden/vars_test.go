package golden

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// varsServices: each rc.d script and what it passes to load_rc_config, in
// order (rc.d/netif, rc.d/dhclient, rc.d/routing of both trees).
var varsServices = map[string][]string{
	"netif":    rcconf.ServiceNetif,
	"dhclient": rcconf.ServiceDhclient,
	"routing":  {"routing"},
}

// assigned finds NAME= at the start of a word in the root's rc.conf
// family: the names the files set, whatever the evaluation says.
var assigned = regexp.MustCompile(`(?m)(?:^|[\s;])([A-Za-z_][A-Za-z0-9_]*)=`)

// TestVarsOfEveryRoot: for every scenario's root before and after render,
// and every service, each variable rcconf (the engine of `hvnetconf vars
// -a`) has set holds the same bytes in the shell after FreeBSD's own
// load_rc_config, and each name the files assign that rcconf has unset is
// unset there too.
func TestVarsOfEveryRoot(t *testing.T) {
	trees := conformance.Trees(t)
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			roots := map[string]string{"before": sc.bareRoot(t), "after": renderedRoot(t, sc)}
			for _, tree := range trees {
				for when, root := range roots {
					m := conformance.New(t, tree, conformance.Options{Config: root})
					for svc, loads := range varsServices {
						checkVars(t, m, sc, when, svc, loads)
					}
				}
			}
		})
	}
}

func checkVars(t *testing.T, m *conformance.Machine, sc scenario, when, svc string, loads []string) {
	t.Helper()
	env, err := rcconf.Load(context.Background(), rcconf.Options{Files: testtool.OpenRoot(t, m.Root), Services: loads})
	if err != nil {
		if !strings.HasPrefix(sc.name, "bad-rcconf") {
			t.Errorf("%s root: %v", when, err)
		}
		return // an rc.conf hvnetconf refuses on purpose: nothing to compare
	}
	script := ". /etc/rc.subr\n"
	for _, s := range loads {
		script += "load_rc_config " + s + "\n"
	}
	script += `_hv_set() { eval "_hv_g=\${$1-__hv_unset__}"; [ "$_hv_g" = "$2" ] || printf 'differs: %s\n' "$1"; }
_hv_unset() { eval "[ -z \"\${$1+x}\" ]" || printf 'set in sh only: %s\n' "$1"; }
`
	set := map[string]bool{}
	for _, v := range env.Vars() {
		set[v.Name] = true
		script += "_hv_set " + v.Name + " " + rcconf.Quote(v.Value) + "\n"
	}
	for _, name := range assignedNames(m.Root) {
		if !set[name] {
			script += "_hv_unset " + name + "\n"
		}
	}
	r := m.Sh(script)
	if out := strings.TrimSpace(r.Stdout); out != "" || r.Code != 0 {
		t.Errorf("%s, %s root, -s %s: vars and load_rc_config disagree (exit %d):\n%s%s", m.Tree.Name, when, svc, r.Code, out, r.Stderr)
	}
}

// assignedNames lists the names assigned in the root's rc.conf family.
func assignedNames(root string) []string {
	var names []string
	for _, dir := range []string{"etc", "usr/local/etc/rc.conf.d", "etc/rc.conf.d"} {
		filepath.Walk(filepath.Join(root, dir), func(p string, fi os.FileInfo, err error) error {
			if err != nil || !fi.Mode().IsRegular() || dir == "etc" && !strings.HasPrefix(fi.Name(), "rc.conf") {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, mm := range assigned.FindAllStringSubmatch(string(b), -1) {
				if !slices.Contains(names, mm[1]) {
					names = append(names, mm[1])
				}
			}
			return nil
		})
	}
	return names
}

// renderedRoot is sc.rendered's root alone.
func renderedRoot(t *testing.T, sc scenario) string {
	root, _ := sc.rendered(t)
	return root
}
