package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

func TestMain(m *testing.M) {
	code := fakebsd.RunTests(m)
	if releaseBin != "" {
		os.RemoveAll(filepath.Dir(releaseBin)) // releaseBinary's temporary directory
	}
	os.Exit(code)
}

// corpusSize is how many generated configurations TestVarsMatchLoadRCConfig
// checks per tree, batchSize how many of them one sandbox shell runs.
const (
	corpusSize = 500
	batchSize  = 50
)

// TestVarsMatchLoadRCConfig: for a generated corpus of rc.conf layouts,
// `hvnetconf vars -s SERVICE -n NAME` prints, for every variable the
// files set, exactly what FreeBSD's own load_rc_config (each tree's
// rc.subr and defaults/rc.conf, run by the conformance sandbox) leaves in
// the shell, and fails exactly where the shell has it unset. Both run in
// the sandbox, hvnetconf as released (no race detector: the in-process
// tests of vars have it), batchSize cases to a shell (a sandbox shell
// started per case cost more than the cases).
func TestVarsMatchLoadRCConfig(t *testing.T) {
	bin := releaseBinary(t)
	for _, tree := range conformance.Trees(t) {
		t.Run(tree.Name, func(t *testing.T) {
			t.Parallel()
			m := conformance.New(t, tree, conformance.Options{Hvnetconf: bin})
			rng := rand.New(rand.NewPCG(1, 2))
			mismatches, set, compared := 0, 0, 0
			for first := 0; first < corpusSize; first += batchSize {
				var batch []varsCase
				for k := first; k < min(first+batchSize, corpusSize); k++ {
					batch = append(batch, genCase(rng, k))
				}
				bad, s, n := checkBatch(t, m, batch)
				mismatches, set, compared = mismatches+bad, set+s, compared+n
				if mismatches > 10 {
					t.Fatal("too many mismatches")
				}
			}
			t.Logf("%d configurations, %d variables compared, %d of them set", corpusSize, compared, set)
		})
	}
}

// varsCase is one generated layout: files under the root, the service
// to evaluate for, and the variable names it sets (some may end unset).
type varsCase struct {
	files   map[string]string
	service string
	names   []string
}

// services and what each rc.d script passes to load_rc_config, in order
// (serviceLoads in vars.go says the same for hvnetconf).
var corpusServices = map[string][]string{
	"network":  {"network"},
	"netif":    {"network", "netif"},
	"dhclient": {"dhclient", "network"},
	"routing":  {"routing"},
}

func genCase(rng *rand.Rand, k int) varsCase {
	c := varsCase{files: map[string]string{}}
	svcs := []string{"network", "netif", "dhclient", "routing"}
	c.service = svcs[rng.IntN(len(svcs))]
	names := []string{"ifconfig_hn0", "ifconfig_DEFAULT", "cloned_interfaces", "defaultrouter", "hyperv_vf_delay",
		"ifconfig_hn0_ipv6", "ifconfig_lagg0", "static_routes", "route_net1", "v" + fmt.Sprint(k%7)}
	c.names = names
	place := []string{"/etc/rc.conf", "/etc/rc.conf.local", "/etc/rc.conf.d/network", "/usr/local/etc/rc.conf.d/network",
		"/etc/rc.conf.d/" + c.service, "/usr/local/etc/rc.conf.d/" + c.service + "/10-x", "/usr/local/etc/rc.conf.d/" + c.service + "/20-y",
		"/opt/etc/rc.conf.d/" + c.service}
	nfiles := 1 + rng.IntN(4)
	for range nfiles {
		p := place[rng.IntN(len(place))]
		if _, isDir := c.files[p+"/10-x"]; isDir {
			continue
		}
		c.files[p] += genLines(rng, names)
	}
	switch rng.IntN(6) {
	case 0: // rc.conf redefines rc_conf_files (source_rc_confs' second pass)
		c.files["/etc/rc.conf"] += "rc_conf_files=\"/etc/rc.conf /etc/rc.conf.extra\"\n"
		c.files["/etc/rc.conf.extra"] = genLines(rng, names)
	case 1: // a port's local_startup elsewhere
		c.files["/etc/rc.conf"] += "local_startup=\"/opt/etc/rc.d\"\n"
	}
	// no file may be both a file and a directory's parent
	for p := range c.files {
		delete(c.files, filepath.Dir(p))
	}
	return c
}

// genLines writes a few assignments with the quoting and expansions rc.conf
// files use.
func genLines(rng *rand.Rand, names []string) string {
	var b strings.Builder
	for range 1 + rng.IntN(5) {
		n := names[rng.IntN(len(names))]
		other := names[rng.IntN(len(names))]
		forms := []string{
			`%s="SYNCDHCP"`, `%s='inet 10.0.0.4/24 # not a comment'`, `%s=up`, `%s="inet6 2001:db8::4/64 accept_rtadv"`,
			`%s="${` + other + `} lagg0"`, `%s="${` + other + `:-dflt value}"`, `%s=${` + other + `-x}`,
			`%s="$` + other + `$` + other + `"`, `%s="a\"b\$c\\d"`, `%s=a\ b`, `%s=""`, `%s='it'\''s'`,
			`%s="${` + other + `#inet }"`, `%s="${` + other + `%%/*}"`, `%s="line1
line2"`, `%s="tab	in"`, `: ${%s:=defaulted}`, `%s="héllo"`, `# %s="commented out"`,
			`%s=1 %s=2`,
		}
		f := forms[rng.IntN(len(forms))]
		if strings.Count(f, "%s") == 2 {
			fmt.Fprintf(&b, f+"\n", n, other)
		} else {
			fmt.Fprintf(&b, f+"\n", n)
		}
	}
	return b.String()
}

// checkBatch runs cases in one sandbox shell, each in turn: its files
// are copied into place (from /.vars/K, written here), FreeBSD's
// load_rc_config prints the names from a subshell of its own (as a shell
// of its own would: the batch's shell sets nothing), hvnetconf vars prints
// them, and the files are removed. It returns how many cases differed,
// how many names FreeBSD has set and how many were compared.
func checkBatch(t *testing.T, m *conformance.Machine, cases []varsCase) (bad, set, compared int) {
	t.Helper()
	stage := filepath.Join(m.Root, ".vars")
	defer os.RemoveAll(stage)
	var script strings.Builder
	for k, c := range cases {
		dir := fmt.Sprintf("/.vars/%d", k)
		for p, data := range c.files {
			full := filepath.Join(m.Root, dir, p)
			os.MkdirAll(filepath.Dir(full), 0o755)
			if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		fmt.Fprintf(&script, "cp -R %s/. /\n(\n%s) >%[1]s.sh.out 2>%[1]s.sh.err\n", dir, c.loadScript())
		fmt.Fprintf(&script, "/usr/local/sbin/hvnetconf vars -R / -s %s -n %s >%s.out 2>%[3]s.err; echo $? >%[3]s.code\n",
			c.service, strings.Join(c.names, " "), dir)
		script.WriteString("rm -rf")
		for p := range c.files {
			script.WriteString(" " + p)
		}
		script.WriteString(" /etc/rc.conf.d /usr/local/etc/rc.conf.d /opt\n")
	}
	if r := m.Sh(script.String()); r.Code != 0 || r.Stdout != "" || r.Stderr != "" {
		t.Fatalf("the batch's shell: exit %d, %q %q", r.Code, r.Stdout, r.Stderr)
	}
	read := func(k int, suffix string) string {
		b, err := os.ReadFile(fmt.Sprintf("%s/%d%s", stage, k, suffix))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for k, c := range cases {
		r := conformance.Result{Stdout: read(k, ".sh.out"), Stderr: read(k, ".sh.err")}
		m.CheckShell(r)
		out, errOut := read(k, ".out"), read(k, ".err")
		code, err := strconv.Atoi(strings.TrimSpace(read(k, ".code")))
		if err != nil {
			t.Fatalf("case %d: hvnetconf vars' exit status: %v", k, err)
		}
		compared += len(c.names)
		n := len(c.names) - strings.Count(r.Stderr, "unknown variable")
		set += n
		wantCode := 0
		if n < len(c.names) {
			wantCode = 1
		}
		if out != r.Stdout || errOut != r.Stderr || code != wantCode {
			bad++
			t.Errorf("%s -s %s %q:\nload_rc_config: %q %q\nhvnetconf vars: %q %q (exit %d)\nfiles: %q",
				m.Tree.Name, c.service, c.names, r.Stdout, r.Stderr, out, errOut, code, c.files)
		}
	}
	return bad, set, compared
}

// loadScript has the shell print what load_rc_config leaves for the
// case's names as `vars -n` prints them: values in order, one per line,
// "unknown variable" on stderr for each unset name.
func (c varsCase) loadScript() string {
	script := ". /etc/rc.subr\n"
	for _, s := range corpusServices[c.service] {
		script += "load_rc_config " + s + "\n"
	}
	for _, n := range c.names {
		script += fmt.Sprintf("if [ -n \"${%[1]s+x}\" ]; then printf '%%s\\n' \"$%[1]s\"; else printf 'hvnetconf: unknown variable '\\''%[1]s'\\''\\n' >&2; fi\n", n)
	}
	return script
}
