package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
)

// BenchmarkHandlers measures hvnetconf's devd handlers against the base
// system's hyperv_vfattach and hyperv_vfup on the same emulated host
// (issue 23 goal 2): two machines per FreeBSD tree, one converged
// hvnetconf's way (firstboot with rc.d/hvnetconf), one the base scripts'
// way (hn0 SYNCDHCP, the VF attached, hyperv_vfattach and hyperv_vfup
// run), and in each round every case runs once on each, in turn. Per run:
// the wall time of the whole process (with nsenter), its CPU time (user +
// system of nsenter and every process it waited for, wait4's rusage), and
// the processes it created (the sandbox's PID namespace hands out PIDs in
// order: the last one read before and after). It reports medians; each
// run must leave mce0 an up port of lagg0, so a handler that fails or
// does nothing cannot look fast.
//
//	go test -run '^$' -bench BenchmarkHandlers -benchtime 20x ./e2e
//
// Not part of make test (a measurement, no assertion of time).
func BenchmarkHandlers(b *testing.B) {
	for _, tree := range conformance.Trees(b) {
		b.Run(tree.Name, func(b *testing.B) { benchHandlers(b, tree) })
	}
}

// handlerCase is one handler run on both machines: hv runs on hvnetconf's,
// base on the base scripts'; unjoin first takes mce0 out of lagg0 (a VF
// that arrived again after a migration, up but not yet a port).
type handlerCase struct {
	name     string
	hv, base []string
	unjoin   bool
}

var handlerCases = []handlerCase{
	// What devd runs when the VF attaches: both hand the wait to a
	// background process and return.
	{name: "attach-foreground", hv: []string{"/usr/local/sbin/hvnetconf", "vf-attach", "--", "mce0"},
		base: []string{"/usr/libexec/hyperv/hyperv_vfattach", "mce0", "0"}},
	// That background process, run in the foreground: the wait
	// (hyperv_vf_delay, 2 s on the emulated clock), then the VF up
	// (base) or joined and up (hvnetconf; already so here).
	{name: "attach-background", hv: []string{"/usr/local/sbin/hvnetconf", "vf-attach", "--detached", "--", "mce0"},
		base: []string{"/usr/libexec/hyperv/hyperv_vfattach", "mce0", "2"}},
	// VF_UP on a converged guest: nothing to change.
	{name: "vf-up-converged", hv: []string{"/usr/local/sbin/hvnetconf", "vf-up", "hn0"},
		base: []string{"/usr/libexec/hyperv/hyperv_vfup", "hn0"}},
	// VF_UP with the VF up outside its lagg: the join.
	{name: "vf-up-join", hv: []string{"/usr/local/sbin/hvnetconf", "vf-up", "hn0"},
		base: []string{"/usr/libexec/hyperv/hyperv_vfup", "hn0"}, unjoin: true},
}

// handlerRun is what one run cost.
type handlerRun struct {
	wall, cpu time.Duration
}

func benchHandlers(b *testing.B, tree conformance.Tree) {
	hv, base := hvnetconfWay(b, tree), baseScriptsWay(b, tree)
	runs := map[string][]handlerRun{}
	b.ResetTimer()
	for range b.N {
		// Every emulated program decodes the machine's state, which
		// records each command and event run so far: over 20 rounds the
		// record grew until the medians measured it (vf-up-converged,
		// hvnetconf: 24.9 ms CPU in a first round, 44.6 ms the median of
		// 20). Each round starts from an empty record.
		hv.ClearLogs()
		base.ClearLogs()
		for _, c := range handlerCases {
			for _, way := range []struct {
				name string
				m    *conformance.Machine
				argv []string
			}{{"hvnetconf", hv, c.hv}, {"base", base, c.base}} {
				if c.unjoin {
					way.m.Run("/sbin/ifconfig", "lagg0", "-laggport", "mce0")
				}
				r := timedRun(b, way.m, way.argv)
				if !strings.HasPrefix(c.name, "attach-foreground") {
					mustBeJoined(b, way.m, way.name+" "+c.name)
				}
				runs[c.name+"/"+way.name] = append(runs[c.name+"/"+way.name], r)
			}
			if c.name == "attach-foreground" {
				// Both left a background process: let it end
				// before the next measurement.
				hv.Settle()
				base.Settle()
				mustBeJoined(b, hv, "hvnetconf attach-foreground")
				mustBeJoined(b, base, "base attach-foreground")
			}
		}
	}
	b.StopTimer()
	b.Logf("tree %s, %d rounds, medians (CPU: user+sys of the process and its waited children; processes created / programs executed, counted in one more run under strace):", tree.Name, b.N)
	for _, c := range handlerCases {
		h, s := median(runs[c.name+"/hvnetconf"]), median(runs[c.name+"/base"])
		if c.unjoin {
			hv.Run("/sbin/ifconfig", "lagg0", "-laggport", "mce0")
			base.Run("/sbin/ifconfig", "lagg0", "-laggport", "mce0")
		}
		hp, hx := countedRun(b, hv, c.hv)
		sp, sx := countedRun(b, base, c.base)
		hv.Settle()
		base.Settle()
		b.Logf("  %-18s hvnetconf %6.1f ms wall %5.1f ms CPU %2d/%2d | base %6.1f ms wall %5.1f ms CPU %2d/%2d | CPU ratio %.2f",
			c.name, ms(h.wall), ms(h.cpu), hp, hx, ms(s.wall), ms(s.cpu), sp, sx, ms(h.cpu)/ms(s.cpu))
		b.ReportMetric(ms(h.cpu)/ms(s.cpu), c.name+"-cpu-ratio")
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// median takes each figure's median on its own.
func median(rs []handlerRun) handlerRun {
	var wall, cpu []time.Duration
	for _, r := range rs {
		wall, cpu = append(wall, r.wall), append(cpu, r.cpu)
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return handlerRun{wall: wall[len(wall)/2], cpu: cpu[len(cpu)/2]}
}

// timedRun runs argv in the sandbox and says what it cost; it must exit 0.
func timedRun(b *testing.B, m *conformance.Machine, argv []string) handlerRun {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := m.CommandContext(ctx, nil, argv...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		b.Fatalf("%q: %v\n%s", argv, err, stderr.String())
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return handlerRun{wall: wall, cpu: time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime))}
}

// countedRun runs argv under strace(1) and counts the processes it
// created (fork, vfork, clone without CLONE_THREAD: the run itself is
// nsenter's child) and the programs it executed (execve that succeeded,
// nsenter's own aside); -1 when strace is missing. Threads are no
// processes: the Go programs start several each. strace follows a
// background process too, so attach-foreground counts the wait's
// process and what it runs.
func countedRun(b *testing.B, m *conformance.Machine, argv []string) (procs, programs int) {
	b.Helper()
	if _, err := exec.LookPath("strace"); err != nil {
		return -1, -1
	}
	out := filepath.Join(b.TempDir(), "strace")
	cmd := m.CommandContext(context.Background(), nil, argv...)
	cmd = exec.Command("strace", append([]string{"-f", "-qq", "-e", "trace=fork,vfork,clone,clone3,execve", "-e", "signal=none", "-o", out, cmd.Path}, cmd.Args[1:]...)...)
	cmd.Env = m.CommandContext(context.Background(), nil).Env
	if o, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("strace %q: %v\n%s", argv, err, o)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		switch {
		case (strings.Contains(l, "execve(") || strings.Contains(l, "<... execve resumed>")) && strings.HasSuffix(l, "= 0"):
			programs++
		case (strings.Contains(l, " fork(") || strings.Contains(l, " vfork(") || strings.Contains(l, " clone(") || strings.Contains(l, " clone3(")) &&
			!strings.Contains(l, "CLONE_THREAD") && !strings.Contains(l, "resumed>"):
			procs++
		}
	}
	return procs, programs - 1
}

// mustBeJoined fails the benchmark unless mce0 is an up port of lagg0.
func mustBeJoined(b *testing.B, m *conformance.Machine, what string) {
	b.Helper()
	st := m.State()
	if l, vf := st.Ifaces["lagg0"], st.Ifaces["mce0"]; l == nil || vf == nil || !slices.Contains(l.Ports, "mce0") || !vf.Up {
		b.Fatalf("after %s: mce0 is not an up port of lagg0:\n%s", what, m.Dump())
	}
}

// hvnetconfWay boots hn0 (SYNCDHCP) with rc.d/hvnetconf enabled and mce0
// attached: firstboot renders, netif makes lagg0, the handlers join mce0.
func hvnetconfWay(b *testing.B, tree conformance.Tree) *conformance.Machine {
	rc := oldRC + `hvnetconf_enable="YES"` + "\n"
	m := handlerMachine(b, tree, rc, binary)
	rcd, err := os.ReadFile("../rc.d/hvnetconf")
	if err == nil {
		err = os.MkdirAll(filepath.Join(m.Root, filepath.Dir(rcdPath)), 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(m.Root, rcdPath), rcd, 0o755)
	}
	if err != nil {
		b.Fatal(err)
	}
	m.AttachVF("hn0", "mce0")
	m.Boot(rcdPath)
	mustBeJoined(b, m, "hvnetconf's boot")
	return m
}

// baseScriptsWay boots hn0 (SYNCDHCP), attaches mce0 and lets the base
// rules run hyperv_vfattach and then hyperv_vfup. Main's hyperv.conf
// matches vm_guest on the attach rule, which devd never sets (see
// docs/comparison.md), so there nothing runs: hyperv_vfattach is then
// run as that rule would have.
func baseScriptsWay(b *testing.B, tree conformance.Tree) *conformance.Machine {
	m := handlerMachine(b, tree, oldRC, "")
	m.Boot()
	m.AttachVF("hn0", "mce0")
	m.Settle()
	if m.State().Ifaces["lagg0"] == nil {
		m.Run("/usr/libexec/hyperv/hyperv_vfattach", "mce0", "0")
		m.Settle()
	}
	mustBeJoined(b, m, "the base scripts' boot")
	return m
}

func handlerMachine(b *testing.B, tree conformance.Tree, rc, hvnetconf string) *conformance.Machine {
	cfg := b.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "etc"), 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg, "etc/rc.conf"), []byte(rc), 0o644); err != nil {
		b.Fatal(err)
	}
	m := conformance.New(b, tree, conformance.Options{Config: cfg, Hvnetconf: hvnetconf})
	m.AddHN("hn0", mac0)
	m.SetDHCP(mac0, "10.0.0.4/24")
	return m
}
