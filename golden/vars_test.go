package golden

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
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
					checkVars(t, m, sc, when)
				}
			}
		})
	}
}

// varsCache parses each file (the trees' defaults above all) once for the
// whole test, as plan.Prepare's cache does for one run; a Load gives the
// same result with it or without (rcconf ParseCache).
var varsCache = new(rcconf.ParseCache)

// checkVars compares every service of varsServices on one machine: the
// three rcconf Loads share a Session, as a run's evaluations do
// (plan.Prepare), and the shell sources rc.subr once, then runs each
// service's load_rc_config and comparison in a subshell of its own.
// That subshell is the fresh shell of an rc.d script that has sourced
// rc.subr: a fork holds exactly the variables, functions and options the
// parent had after sourcing, and what the service's load_rc_config sets
// ends with the subshell, so no service sees another's variables.
// Sourcing rc.subr only defines functions and reads the emulated host,
// which nothing changes between the services (load_rc_config reads
// files and sets variables), so each subshell starts where a new sh
// sourcing rc.subr would.
func checkVars(t *testing.T, m *conformance.Machine, sc scenario, when string) {
	t.Helper()
	session := new(rcconf.Session)
	files := testtool.OpenRoot(t, m.Root)
	assignedHere := assignedNames(m.Root)
	var script strings.Builder
	script.WriteString(". /etc/rc.subr\n")
	for _, svc := range slices.Sorted(maps.Keys(varsServices)) {
		loads := varsServices[svc]
		env, err := rcconf.Load(context.Background(), rcconf.Options{Files: files, Services: loads, Cache: varsCache, Session: session})
		if err != nil {
			if !strings.HasPrefix(sc.name, "bad-rcconf") {
				t.Errorf("%s root, -s %s: %v", when, svc, err)
			}
			continue // an rc.conf hvnetconf refuses on purpose: nothing to compare
		}
		script.WriteString("(\n")
		for _, s := range loads {
			script.WriteString("load_rc_config " + s + "\n")
		}
		script.WriteString(`_hv_set() { eval "_hv_g=\${$1-__hv_unset__}"; [ "$_hv_g" = "$2" ] || printf -- '-s ` + svc + `: differs: %s\n' "$1"; }
_hv_unset() { eval "[ -z \"\${$1+x}\" ]" || printf -- '-s ` + svc + `: set in sh only: %s\n' "$1"; }
`)
		set := map[string]bool{}
		for _, v := range env.Vars() {
			set[v.Name] = true
			script.WriteString("_hv_set " + v.Name + " " + rcconf.Quote(v.Value) + "\n")
		}
		for _, name := range assignedHere {
			if !set[name] {
				script.WriteString("_hv_unset " + name + "\n")
			}
		}
		// A load_rc_config that ends its shell shows as the subshell's
		// status, as it showed as the whole shell's before.
		script.WriteString(") || printf -- '-s " + svc + ": exit %d\\n' $?\n")
	}
	r := m.Sh(script.String())
	if out := strings.TrimSpace(r.Stdout); out != "" || r.Code != 0 {
		t.Errorf("%s, %s root: vars and load_rc_config disagree (exit %d):\n%s%s", m.Tree.Name, when, r.Code, out, r.Stderr)
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
			for _, name := range assignedIn(string(b)) {
				if !slices.Contains(names, name) {
					names = append(names, name)
				}
			}
			return nil
		})
	}
	return names
}

// assignedCache holds assignedIn's answer per file text: every machine of
// a tree reads the same etc/defaults/rc.conf (about 800 lines), which the
// regular expression took most of this test's own CPU time to scan again.
var assignedCache sync.Map // text → []string

// assignedIn lists the names assigned in one file's text, in order.
func assignedIn(text string) []string {
	if v, ok := assignedCache.Load(text); ok {
		return v.([]string)
	}
	var names []string
	for _, mm := range assigned.FindAllStringSubmatch(text, -1) {
		names = append(names, mm[1])
	}
	assignedCache.Store(text, names)
	return names
}

// renderedRoot is sc.rendered's root alone.
func renderedRoot(t *testing.T, sc scenario) string {
	root, _ := sc.rendered(t)
	return root
}
