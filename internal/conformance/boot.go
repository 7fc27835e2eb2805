package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// knownShellNoise are diagnostics that come from running FreeBSD's files
// under bash rather than FreeBSD's sh, each a known difference: FreeBSD's
// `shift N` past $# returns 1 quietly (sh(1), bin/sh/options.c shiftcmd is
// silent where bash complains; main's rc.d/netif set_rcvar_obsolete
// ipv6_prefer reaches it).
var knownShellNoise = []*regexp.Regexp{
	regexp.MustCompile(`: shift: [0-9]+: shift count out of range$`),
}

// shellError is a line bash prints for an error in a script: a syntax
// error, an unknown command, a bad substitution, ...
var shellError = regexp.MustCompile(`(: line [0-9]+: |command not found|syntax error|bad substitution|No such file or directory$)`)

// CheckShell fails the test for a shell diagnostic in r or in the
// sandbox's record of unknown commands that the harness does not know
// to be harmless.
func (m *Machine) CheckShell(r Result) {
	m.tb.Helper()
	if errs := m.ShellErrors(r.Stderr); len(errs) > 0 {
		m.tb.Errorf("conformance (%s): shell errors:\n%s", m.Tree.Name, strings.Join(errs, "\n"))
	}
}

// ShellErrors are the unexpected shell diagnostics in stderr and in the
// sandbox's record of unknown commands (which catches those whose stderr
// went to /dev/null); the record is emptied.
func (m *Machine) ShellErrors(stderr string) []string {
	var out []string
	rec := filepath.Join(m.Root, ".fakebsd/shell-errors")
	b, _ := os.ReadFile(rec)
	os.Remove(rec)
	for _, l := range strings.Split(stderr+string(b), "\n") {
		if l == "" || !shellError.MatchString(l) {
			continue
		}
		if !slices.ContainsFunc(knownShellNoise, func(re *regexp.Regexp) bool { return re.MatchString(l) }) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// Boot does what /etc/rc does for the network: source rc.subr, load
// rc.conf, then run rc.d/netif and rc.d/routing with faststart, and
// start devd, which then sees the events queued since the kernel
// attached the interfaces (devctl queues them until devd reads).
// Scripts in before (e.g. /usr/local/etc/rc.d/hvnetconf, which rcorder
// puts before netif) run first.
func (m *Machine) Boot(before ...string) {
	m.tb.Helper()
	pre := ""
	for _, s := range before {
		if m.skipFirstboot(s) {
			m.logf("boot: " + s + ": firstboot script, no /firstboot: not run")
			continue
		}
		pre += "run_rc_script " + s + " faststart\n"
	}
	r := m.Sh(`. /etc/rc.subr
load_rc_config XXX
` + pre + `run_rc_script /etc/rc.d/netif faststart
run_rc_script /etc/rc.d/routing faststart
run_rc_script /etc/rc.d/devd faststart`)
	m.logf("boot: " + strings.TrimSpace(r.Stdout+r.Stderr))
	m.Settle()
}

// skipFirstboot says whether /etc/rc leaves script out: one with
// "# KEYWORD: firstboot" runs only while /firstboot exists (libexec/rc/rc:
// without the sentinel, rcorder gets -s firstboot).
func (m *Machine) skipFirstboot(script string) bool {
	data, err := os.ReadFile(filepath.Join(m.Root, script))
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if kw, ok := strings.CutPrefix(l, "# KEYWORD:"); ok && slices.Contains(strings.Fields(kw), "firstboot") {
			_, err := os.Stat(filepath.Join(m.Root, "firstboot"))
			return err != nil
		}
	}
	return false
}

// Settle lets time pass: it waits until devd (the emulated one in the
// sandbox, which reads the kernel's events and runs the rules itself:
// internal/fakebsd devd.go) has handled every event the kernel queued,
// and the sandbox is idle (only init and daemons left). Events queue while
// devd is not running, and the devd that starts next handles them; a
// running devd reads new ones only during Settle (OpenDevd).
func (m *Machine) Settle() {
	m.tb.Helper()
	defer m.OpenDevd()()
	deadline := time.Now().Add(settleTimeout)
	for {
		// devd reads its next event exactly when the sandbox is idle
		// (fakebsd quiet), so it can handle a whole event between
		// waitIdle's last look and the count read below: an action that
		// detached a child (vf-attach) and returned, its child still
		// running. Any event handled while we looked means: look again.
		// (Sessions 5 and 6 saw exactly that under load: a VF judged out
		// of its lagg whose join the syslog showed finishing later.) All
		// that follows decides on the one count read after the look.
		before := m.devdDone()
		m.waitIdle()
		m.CheckShell(Result{Stderr: m.take(fakebsd.SandboxDevdStderr)})
		done := m.devdDone()
		if done != before {
			continue
		}
		if done >= len(m.Events()) && m.kernelBusy() {
			continue // its timers ran: devd handles what they caused next
		}
		if events, running := len(m.Events()), m.devdRunning(); done >= events || !running {
			m.logf(fmt.Sprintf("settle: devd handled %d of %d events, devd running %v, idle", done, events, running))
			return
		}
		if time.Now().After(deadline) {
			log := strings.Split(m.EventLog(), "\n")
			m.fail("conformance (%s): devd never settles (events keep coming for %v); last events:\n%s",
				m.Tree.Name, settleTimeout, strings.Join(log[max(0, len(log)-16):], "\n"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kernelBusy waits for the kernel's next pending timer (a VF's carrier,
// hn's link task) and lets it run; false when none is pending.
func (m *Machine) kernelBusy() bool {
	at, ok := m.State().NextTimer()
	if !ok {
		return false
	}
	time.Sleep(time.Until(at))
	m.Update(func(*fakebsd.State) {})
	return true
}

// OpenDevd lets a running devd read new events until the returned
// function is called (Settle does so): outside, events queue, so that
// devd's actions never race with the test's own commands.
func (m *Machine) OpenDevd() (closeDevd func()) {
	gate := filepath.Join(m.Root, fakebsd.SandboxDevdGate)
	if err := os.WriteFile(gate, nil, 0o644); err != nil {
		m.fail("conformance: %v", err)
	}
	return func() { os.Remove(gate) }
}

// settleTimeout bounds Settle: a configuration whose handlers keep
// causing events (a link that flaps for ever) fails the test instead of
// hanging it.
const settleTimeout = 90 * time.Second

// devdDone is how many of the kernel's events devd has handled.
func (m *Machine) devdDone() int {
	b, _ := os.ReadFile(filepath.Join(m.Root, fakebsd.SandboxDevdDone))
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// Syslog is what the sandbox's programs logged (logger(1), and the
// hvnetconf handlers: live.LogFile), oldest first.
func (m *Machine) Syslog() string {
	b, _ := os.ReadFile(filepath.Join(m.Root, fakebsd.SandboxSyslog))
	return string(b)
}

// HandlerFailures are the hvnetconf handlers' failures in the syslog
// (cmd/hvnetconf logged): the detached vf-attach's exit status reaches
// no one else, so a VF it failed to join would otherwise show only as a
// lagg without that port.
func (m *Machine) HandlerFailures() []string {
	var out []string
	for _, l := range strings.Split(m.Syslog(), "\n") {
		if handlerFailure.MatchString(l) {
			out = append(out, "syslog: "+l)
		}
	}
	return out
}

// handlerFailure: a failure line of cmd/hvnetconf logged, or what the Go
// runtime writes to a detached handler's stderr when it dies
// (live.DetachedStderr).
var handlerFailure = regexp.MustCompile(`^(hvnetconf\[[0-9]+\]: failed \(exit [0-9]+\): |panic: |fatal error: )`)

// Handled is one devd event and the action its winning rule ran (File ""
// when no rule matched), as the emulated devd records it.
type Handled = fakebsd.DevdHandled

// Handled lists what devd has handled so far, in order, across restarts.
func (m *Machine) Handled() []Handled {
	b, _ := os.ReadFile(filepath.Join(m.Root, fakebsd.SandboxDevdLog))
	var out []Handled
	for _, l := range strings.Split(string(b), "\n") {
		var h Handled
		if json.Unmarshal([]byte(l), &h) == nil {
			out = append(out, h)
		}
	}
	return out
}

// take returns a file of the sandbox and empties it.
func (m *Machine) take(name string) string {
	p := filepath.Join(m.Root, name)
	b, _ := os.ReadFile(p)
	if len(b) > 0 {
		os.WriteFile(p, nil, 0o644)
	}
	return string(b)
}

func (m *Machine) devdRunning() bool {
	pid, err := os.ReadFile(filepath.Join(m.Root, "var/run/devd.pid"))
	return err == nil && m.running(strings.TrimSpace(string(pid)))
}

// waitIdle waits until every process in the sandbox is init or a daemon.
// It fails after 30 s in which devd has handled no event: devd runs one
// action after another, so a long backlog may keep the sandbox busy for
// longer, but each action must end.
func (m *Machine) waitIdle() {
	m.tb.Helper()
	deadline, done := time.Now().Add(30*time.Second), m.devdDone()
	progress := func() {
		if d := m.devdDone(); d != done {
			deadline, done = time.Now().Add(30*time.Second), d
		}
	}
	for quiet := 0; ; {
		progress()
		// Idle twice in a row: one listing of /proc can miss a child
		// forked after it was read whose parent exited before its
		// entry was (daemon -f does exactly that).
		busy := m.busy()
		if len(busy) == 0 {
			if quiet++; quiet == 2 {
				return
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		quiet = 0
		if time.Now().After(deadline) {
			descs := make([]string, len(busy))
			for i, p := range busy {
				descs[i] = p.desc
			}
			m.fail("conformance: sandbox still busy, devd stuck for 30 s: %q", descs)
		}
		// While this process runs (and is no daemon), every listing
		// of /proc would find the sandbox busy: look at it alone, at
		// the same pace, and list all of /proc again once it is gone.
		// (A listing costs a read of every process's stat and
		// command line; during a boot the harness spent about 3% of
		// the CPU time of a scenario on them.)
		for {
			time.Sleep(20 * time.Millisecond)
			progress()
			if time.Now().After(deadline) || !m.stillBusy(busy[0]) {
				break
			}
		}
	}
}

// proc is the sandbox's own proc(5) mount as the host reaches it: only
// the sandbox's processes, numbered as inside (its init is 1).
func (m *Machine) proc() string { return fmt.Sprintf("/proc/%d/root/proc", m.initPid) }

// busyProc is a process of the sandbox that is neither init nor a
// daemon: its pid as the sandbox numbers it, its start time (which tells
// it from a later process given the same pid) and how to show it.
type busyProc struct {
	pid, start, desc string
}

// busy lists the sandbox's processes that are neither init nor a daemon.
func (m *Machine) busy() []busyProc {
	proc := m.proc()
	var out []busyProc
	ents, _ := os.ReadDir(proc)
	for _, e := range ents {
		pid := e.Name()
		if pid == "1" || strings.Trim(pid, "0123456789") != "" {
			continue
		}
		start := procStart(proc, pid)
		cmd, _ := fakebsd.ProcCommand(proc, pid)
		if cmd == "" || fakebsd.IsDaemon(cmd) {
			continue
		}
		wchan, _ := os.ReadFile(proc + "/" + pid + "/wchan")
		out = append(out, busyProc{pid: pid, start: start, desc: cmd + " [" + pid + " " + string(wchan) + "]"})
	}
	return out
}

// stillBusy: p runs yet (the same process: its start time is the same),
// not as a zombie, and has not become a daemon.
func (m *Machine) stillBusy(p busyProc) bool {
	proc := m.proc()
	if p.start == "" || procStart(proc, p.pid) != p.start {
		return false
	}
	cmd, ok := fakebsd.ProcCommand(proc, p.pid)
	return ok && !fakebsd.IsDaemon(cmd)
}

// procStart is a process's start time (proc(5) stat, field 22), "" when
// it is gone.
func procStart(proc, pid string) string {
	stat, err := os.ReadFile(proc + "/" + pid + "/stat")
	i := bytes.LastIndexByte(stat, ')')
	if err != nil || i < 0 {
		return ""
	}
	if f := strings.Fields(string(stat[i+1:])); len(f) > 19 {
		return f[19]
	}
	return ""
}

// running: a pid as the sandbox sees it names a live process there (what
// `ps -p PID` answers inside).
func (m *Machine) running(pid string) bool {
	if pid == "" || strings.Trim(pid, "0123456789") != "" {
		return false
	}
	_, ok := fakebsd.ProcCommand(m.proc(), pid)
	return ok
}
