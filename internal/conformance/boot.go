package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// Settle delivers every devd event not yet delivered, waiting after each
// for the sandbox to be idle (only init and daemons left), until no new
// event appears. devd must be running to see events.
func (m *Machine) Settle() {
	m.tb.Helper()
	deadline := time.Now().Add(settleTimeout)
	for n := 0; ; n++ {
		if n > maxEventRounds || time.Now().After(deadline) {
			tail := m.Log[max(0, len(m.Log)-15):]
			m.fail("conformance (%s): devd never settles (events keep coming for %v); last steps:\n%s",
				m.Tree.Name, settleTimeout, strings.Join(tail, "\n"))
		}
		m.waitIdle()
		events := m.Events()
		if m.delivered >= len(events) && m.kernelBusy() {
			continue // its timers ran: what they caused is delivered next round
		}
		if m.delivered >= len(events) || !m.devdRunning() {
			return
		}
		for ; m.delivered < len(events); m.delivered++ {
			m.Deliver(events[m.delivered])
			m.waitIdle()
		}
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

// Bounds on Settle: a configuration whose handlers keep causing events
// (a link that flaps for ever) fails the test instead of hanging it.
const (
	settleTimeout  = 90 * time.Second
	maxEventRounds = 100
)

// Deliver hands one event line to devd: the rule devd would pick runs its
// action through /bin/sh -c, and devd waits for it.
func (m *Machine) Deliver(event string) {
	m.tb.Helper()
	m.loadDevd()
	vars := devdEvent(event)
	vars["vm_guest"] = m.sysctl("kern.vm_guest")
	rule := m.devd.Select(vars, m.media)
	if rule == nil {
		m.logf("devd " + event + ": no rule")
		m.logMu.Lock()
		m.handled = append(m.handled, Handled{Event: event})
		m.logMu.Unlock()
		return
	}
	action := Expand(rule.Action, vars)
	r := m.Run("/bin/sh", "-c", action)
	m.logf(fmt.Sprintf("devd %s: %s: %s: exit %d", event, rule.File, action, r.Code))
	m.logMu.Lock()
	m.handled = append(m.handled, Handled{Event: event, File: rule.File, Action: action, Exit: r.Code})
	m.logMu.Unlock()
}

// Handled is one devd event and the action its winning rule ran (File ""
// when no rule matched).
type Handled struct {
	Event, File, Action string
	Exit                int
}

// Handled lists the devd actions run so far, in order.
func (m *Machine) Handled() []Handled {
	m.logMu.Lock()
	defer m.logMu.Unlock()
	return slices.Clone(m.handled)
}

// loadDevd reads the rules when devd (re)started since they were read.
func (m *Machine) loadDevd() {
	m.tb.Helper()
	pid, _ := os.ReadFile(filepath.Join(m.Root, "var/run/devd.pid"))
	if m.devd != nil && string(pid) == m.devdPid {
		return
	}
	d, err := loadDevd(m.Root)
	if err != nil {
		m.fail("conformance: devd: %v", err)
	}
	m.devd, m.devdPid = d, string(pid)
}

func (m *Machine) devdRunning() bool {
	pid, err := os.ReadFile(filepath.Join(m.Root, "var/run/devd.pid"))
	return err == nil && m.running(strings.TrimSpace(string(pid)))
}

// media is what SIOCGIFMEDIA reports for an interface: every emulated
// interface but lo is Ethernet.
func (m *Machine) media(name string) string {
	i := m.State().Ifaces[name]
	if i == nil || i.Kind == fakebsd.KindLo {
		return ""
	}
	return "ethernet"
}

func (m *Machine) sysctl(name string) string {
	v, _, _ := m.Sysctls().String(name)
	return v
}

// daemonNames are the processes that may outlive a command.
var daemonNames = []string{"dhclient:", "devd:"}

// waitIdle waits until every process in the sandbox is init or a daemon.
func (m *Machine) waitIdle() {
	m.tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for quiet := 0; ; {
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
			m.fail("conformance: sandbox still busy after 30 s: %q", busy)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// busy lists the sandbox's processes that are neither init nor a daemon.
func (m *Machine) busy() []string {
	ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", m.initPid))
	if err != nil {
		return nil
	}
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid := e.Name()
		if pid == fmt.Sprint(m.initPid) || strings.Trim(pid, "0123456789") != "" {
			continue
		}
		if other, err := os.Readlink("/proc/" + pid + "/ns/pid"); err != nil || other != ns {
			continue
		}
		cmd, _ := fakebsd.ProcCommand(pid)
		if cmd == "" || slices.Contains(daemonNames, strings.Fields(cmd + " x")[0]) {
			continue
		}
		wchan, _ := os.ReadFile("/proc/" + pid + "/wchan")
		out = append(out, cmd+" ["+pid+" "+string(wchan)+"]")
	}
	return out
}

// running: a pid as the sandbox sees it names a live process there.
func (m *Machine) running(pid string) bool {
	if pid == "" {
		return false
	}
	r := m.RunEnv(nil, "/bin/ps", "-o", "pid=", "-p", pid)
	return r.Code == 0
}
