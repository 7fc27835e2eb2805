// Package e2e runs hvnetconf as a real process inside the conformance
// sandbox (internal/conformance): FreeBSD's own rc.d/netif, rc.d/dhclient,
// rc.d/routing and devd rules of each tree act on the emulated kernel, so
// apply, its rollback and the devd handlers are judged by FreeBSD's code.
package e2e

import (
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

var binary string // hvnetconf, built once (static: it runs in the sandbox)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hvnetconf-e2e-")
	if err == nil {
		binary, err = testtool.Build(dir, "../cmd/hvnetconf", "fakebsd")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	code := fakebsd.RunTests(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// host is an emulated Azure guest in non-transparent mode: hn0 with a DHCP
// lease waiting for its MAC, rc.conf as given, FreeBSD's rc of one tree.
type host struct {
	*conformance.Machine
	t *testing.T
}

const (
	mac0 = "00:15:5d:00:00:04"
	mac1 = "00:15:5d:00:00:05"
)

// forTrees runs fn once per FreeBSD tree, as a parallel subtest: each has
// its own machine, and most of its time is spent in the sandbox's
// processes.
func forTrees(t *testing.T, fn func(t *testing.T, tree conformance.Tree)) {
	for _, tree := range conformance.Trees(t) {
		t.Run(tree.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, tree)
		})
	}
}

func newHost(t *testing.T, tree conformance.Tree, rcconf string) *host {
	return newHostVF(t, tree, rcconf, "")
}

// newHostVF is newHost where the VF vf (when not "") attached before hn0,
// as a PCI device can at boot: it has the lower interface index.
func newHostVF(t *testing.T, tree conformance.Tree, rcconf, vf string) *host {
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "etc/rc.conf"), []byte(rcconf), 0o644); err != nil {
		t.Fatal(err)
	}
	return hostFromVF(t, tree, cfg, vf)
}

// hostFrom is newHost with a whole configuration root (cfg) copied over
// the tree: the files an earlier machine left, for a second boot.
func hostFrom(t *testing.T, tree conformance.Tree, cfg string) *host {
	return hostFromVF(t, tree, cfg, "")
}

// hostFromVF is hostFrom with vf (when not "") attached before hn0.
func hostFromVF(t *testing.T, tree conformance.Tree, cfg, vf string) *host {
	// hyperv_vf_delay (2 s at least) passes conformance.TimeScale times
	// faster, in the same order of events: the tests need not wait real
	// seconds.
	h := &host{Machine: conformance.New(t, tree, conformance.Options{Config: cfg, Hvnetconf: binary}), t: t}
	if vf != "" {
		h.AddVF(vf, mac0)
	}
	h.AddHN("hn0", mac0)
	h.SetDHCP(mac0, "10.0.0.4/24")
	// Only hvnetconf's own commands count for FailAt: a fault in one of
	// its steps, not deep inside an rc script.
	h.Update(func(s *fakebsd.State) { s.FailOnly = "hvnetconf" })
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("syslog on tree %s:\n%s", tree.Name, h.Syslog())
		}
	})
	return h
}

// result is one finished hvnetconf process.
type result struct {
	stdout, stderr string
	code           int
	took           time.Duration
}

// run runs hvnetconf CMD ARGS… inside the sandbox, as devd or an admin
// would on the machine itself (-R / is the default).
func (h *host) run(cmd string, args ...string) result {
	h.t.Helper()
	start := time.Now()
	r := h.RunEnv(nil, append([]string{"/usr/local/sbin/hvnetconf", cmd}, args...)...)
	if errs := h.ShellErrors(""); len(errs) > 0 {
		h.t.Errorf("shell errors under hvnetconf %s: %q", cmd, errs)
	}
	return result{stdout: r.Stdout, stderr: r.Stderr, code: r.Code, took: time.Since(start)}
}

// changes lists the commands hvnetconf itself ran since mark: all of
// them, and those that change something (all but `ifconfig -l`,
// `ifconfig IF`, sysctl and `service dhclient status IF`).
// applyOwn is the part of cmds (an apply's, from its start) that the apply
// itself runs: its last step is `service devd restart`, run after the lock
// is let go; what the restarted devd then runs (the handlers of the events
// it replays) is the handlers' work, which no fault or signal of the
// apply's can reach.
func applyOwn(cmds []fakebsd.Command) []fakebsd.Command {
	for i, c := range cmds {
		if c.Caller == "hvnetconf" && strings.Join(c.Argv, " ") == "service devd restart" {
			return cmds[:i+1]
		}
	}
	return cmds
}

func (h *host) changes(mark int) (all, changing []string) {
	for _, c := range h.Commands()[mark:] {
		if c.Caller != "hvnetconf" {
			continue
		}
		line := strings.Join(c.Argv, " ")
		all = append(all, line)
		if !isRead(c.Argv) {
			changing = append(changing, line)
		}
	}
	return all, changing
}

func isRead(argv []string) bool {
	switch argv[0] {
	case "ifconfig":
		return len(argv) == 2
	case "sysctl":
		return true
	}
	return len(argv) == 4 && argv[1] == "dhclient" && argv[2] == "status"
}

// iface returns the dump lines of one interface (its line and its
// addresses and ports).
func (h *host) iface(name string) string {
	var out []string
	in := false
	for _, l := range strings.Split(h.Dump(), "\n") {
		switch {
		case strings.HasPrefix(l, "iface "+name+" "):
			in = true
		case !strings.HasPrefix(l, "  "):
			in = false
		}
		if in {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// runtime is the network as FreeBSD left it (interfaces, dhclient), for
// before/after comparisons; leases and logs aside.
func (h *host) runtime() string {
	var out []string
	for _, l := range strings.Split(h.State().Network(), "\n") {
		if !strings.HasPrefix(l, "leases ") && !strings.HasPrefix(l, "renewals ") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// files returns every configuration file under the root, path → content
// (the FreeBSD tree, the tools and the emulation's own files aside).
func (h *host) files() map[string]string {
	m := map[string]string{}
	for _, dir := range []string{"etc/rc.conf", "usr/local/etc/rc.conf.d", "usr/local/etc/devd", "boot"} {
		for p, data := range testtool.ReadTree(h.t, filepath.Join(h.Root, dir)) {
			m[path.Join("/"+dir, p)] = data // p is "." for a file
		}
	}
	return m
}

// hostPool lends booted hosts to the parallel subtests of one test, so that
// each subtest need not boot a machine of its own: the hosts are booted by
// the test itself (they live until it ends), a subtest borrows one, asserts
// that it is exactly as booted (runtime and files), and gives it back only
// when it left it so, which its own assertions establish; a host in any
// other state is dropped. A subtest that finds none free boots its own, as
// it would without the pool.
type hostPool struct {
	free     chan *host
	boot     func(t *testing.T) *host
	runtime  string            // h.runtime() of a freshly booted host
	files    map[string]string // h.files() of a freshly booted host
	borrowed sync.Map          // *testing.T (a subtest) → the pool's host it holds
}

// newHostPool boots n hosts with boot, as the test t.
func newHostPool(t *testing.T, n int, boot func(t *testing.T) *host) *hostPool {
	p := &hostPool{free: make(chan *host, n), boot: boot}
	for range n {
		h := boot(t)
		if p.files == nil {
			p.runtime, p.files = h.runtime(), h.files()
		}
		p.free <- h
	}
	return p
}

// get lends t a host as booted: one of the pool's, checked to be as
// booted, else one t boots itself.
func (p *hostPool) get(t *testing.T) *host {
	t.Helper()
	select {
	case h := <-p.free:
		b := &host{Machine: h.Machine, t: t}
		p.borrowed.Store(t, h)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("syslog on tree %s:\n%s", h.Tree.Name, h.Syslog())
			}
		})
		if got := b.runtime(); got != p.runtime {
			t.Fatalf("the lent host's runtime is not as booted:\nbooted:\n%s\nnow:\n%s", p.runtime, got)
		}
		if !same(b.files(), p.files) {
			t.Fatalf("the lent host's files are not as booted")
		}
		return b
	default:
		return p.boot(t)
	}
}

// put gives the host t borrowed back to the pool: t passed and left it as
// booted. A host t booted itself ends with t.
func (p *hostPool) put(t *testing.T) {
	if v, ok := p.borrowed.LoadAndDelete(t); ok && !t.Failed() {
		p.free <- v.(*host)
	}
}

// parallel is -test.parallel: how many parallel subtests run at once.
func parallel() int {
	if f := flag.Lookup("test.parallel"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			return n
		}
	}
	return 1
}
