package fakebsd

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd/devdconf"
)

// Files of the emulated devd inside a sandbox (internal/conformance reads
// them).
const (
	// SandboxDevdDone holds how many of the kernel's events (State.Events)
	// devd has read and finished: the devctl queue is the rest. A devd
	// that starts reads on from there, as a new reader of /dev/devctl gets
	// what the kernel queued meanwhile (hw.bus.devctl_queue).
	SandboxDevdDone = "/.fakebsd/devd.done"
	// SandboxDevdLog gets one DevdHandled per event, a JSON line.
	SandboxDevdLog = "/.fakebsd/devd.log"
	// SandboxDevdStderr collects what the actions wrote to stderr, for the
	// harness's check of shell errors (devd itself discards it).
	SandboxDevdStderr = "/.fakebsd/devd.stderr"
	// SandboxDevdEnv is the environment of every action, one NAME=value a
	// line: rc's, as the boot gave it to devd, plus the test's.
	SandboxDevdEnv = "/.fakebsd/devd.env"
	// SandboxDevdGate exists while the test lets time pass (the harness's
	// Settle): only then does a running devd read new events, so that they
	// never race with the test's own commands. A starting devd handles its
	// backlog whatever the gate says, as `service devd start` must.
	SandboxDevdGate = "/.fakebsd/devd.gate"
)

// devd is devd(8) as started by rc.d/devd (sbin/devd/devd.cc, main and
// the 12 branch alike): it reads its configuration, then handles every
// event already queued, one at a time, before it daemonizes (event_loop:
// daemon(0, 0) only once a poll finds nothing pending), so `service devd
// start` (and restart) returns only after that backlog. Then the daemon
// (devdDaemon) takes over and writes the pidfile.
func devd(_ []string, _, stderr io.Writer, _ func(string) string) int {
	cfg, err := devdconf.Load("/")
	if err != nil {
		fmt.Fprintf(stderr, "devd: %v\n", err) // config::parse_one_file: errx(1)
		return 1
	}
	if !devdLoop(cfg, true) {
		return 0 // SIGTERM during the backlog: it ends there, never daemonizes
	}
	if err := startDaemon([]string{"devd:"}, nil, "/var/run/devd.pid"); err != nil {
		fmt.Fprintf(stderr, "devd: %v\n", err)
		return 1
	}
	return 0
}

// devdDaemon is devd after daemon(0, 0): it handles each event as it
// comes, until SIGTERM, SIGHUP or SIGINT, which only set a flag
// (gensighand: romeo_must_die = 1; SIGHUP does not reload anything). The
// flag is looked at between events, so a signal that comes while an
// action runs takes effect when the action has ended: devd waits for its
// action (my_system: fork, sh -c, wait4 again on EINTR) whatever happens.
// It removes its pidfile on the way out (event_loop: cfg.remove_pidfile).
func devdDaemon(_ []string, _, _ io.Writer, _ func(string) string) int {
	cfg, err := devdconf.Load("/")
	if err != nil {
		return 1
	}
	devdLoop(cfg, false)
	if readPid("/var/run/devd.pid") == os.Getpid() {
		os.Remove("/var/run/devd.pid")
	}
	return 0
}

// devdLoop handles queued events until none is left (backlog) or until a
// signal. It reports whether it ended without one.
func devdLoop(cfg *devdconf.Config, backlog bool) bool {
	var die atomic.Bool
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	go func() {
		for range sig {
			die.Store(true)
		}
	}()
	for !die.Load() {
		if !backlog && !exists(SandboxDevdGate) {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		ev, k, ok := nextEvent()
		if !ok && backlog && quiet() {
			// What the backlog's actions left running has ended too: a
			// restart returns to an idle system (see quiet).
			return true
		}
		if !ok || !quiet() {
			time.Sleep(10 * time.Millisecond)
			continue
		}
		handleEvent(cfg, ev)
		writeFileAtomic(SandboxDevdDone, strconv.Itoa(k+1)+"\n")
	}
	return false
}

// nextEvent is the oldest event devd has not handled, and its number.
// The state is read again when its file changed, and at least every
// 200 ms (a file's time stamp is coarser than two quick updates).
func nextEvent() (string, int, bool) {
	done := readPid(SandboxDevdDone) // a count, read as readPid reads a number
	if fi, err := os.Stat(SandboxState); err == nil {
		stamp := fmt.Sprint(fi.ModTime().UnixNano(), fi.Size())
		if stamp == lastStamp && done >= len(lastEvents) && time.Since(lastRead) < 200*time.Millisecond {
			return "", 0, false
		}
		if events, err := readEvents(SandboxState); err == nil {
			lastStamp, lastEvents, lastRead = stamp, events, time.Now()
		}
	}
	if done >= len(lastEvents) {
		return "", 0, false
	}
	return lastEvents[done], done, true
}

// readEvents is the kernel's events. It decodes only them and the timers
// (the state keeps every command run, and devd reads it after each
// change); when a timer is due, it reads as read does, which runs it.
func readEvents(path string) ([]string, error) {
	var s struct {
		Events []string `json:"events"`
		Timers []Timer  `json:"timers"`
	}
	if err := peek(path, &s); err != nil {
		return nil, err
	}
	if (&State{Timers: s.Timers}).due() {
		full, err := read(path)
		if err != nil {
			return nil, err
		}
		return full.Events, nil
	}
	return s.Events, nil
}

// What nextEvent last read of the state, and when the file was so.
var (
	lastStamp  string
	lastEvents []string
	lastRead   time.Time
)

// quiet: no process of the sandbox runs but init, the daemons, and this
// devd with its ancestors (the rc script that starts it). The emulated
// devd reads its next event only then, so that what an action started in
// the background (vf-attach's delayed part, daemon -f) has finished:
// outcomes then never depend on timing. On FreeBSD the next event comes
// as soon as the action returns; FIDELITY.md lists this.
func quiet() bool {
	mine := []int{1, os.Getpid()}
	for p := os.Getppid(); p > 1; p = parentOf(p) {
		mine = append(mine, p)
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || slices.Contains(mine, pid) {
			continue
		}
		cmd, ok := ProcCommand("/proc", e.Name())
		if !ok || IsDaemon(cmd) {
			continue
		}
		return false
	}
	return true
}

// DaemonNames are how the emulated daemons show in ps(1): processes that
// may outlive the command that started them.
var DaemonNames = []string{"dhclient:", "devd:"}

// IsDaemon says whether a process (its command line as ProcCommand gives
// it) may outlive the command that started it: an emulated daemon, or
// hvnetconf's revert timer (apply --confirm-within), which sleeps in a
// session of its own until its deadline. Neither is work that devd's next
// event, or a test waiting for the sandbox to settle, waits for; the
// commands the timer runs when it wakes are.
func IsDaemon(cmd string) bool {
	if slices.Contains(DaemonNames, strings.Fields(cmd + " x")[0]) {
		return true
	}
	return strings.HasPrefix(cmd, "/usr/local/sbin/hvnetconf revert ") && strings.Contains(cmd, " --due ")
}

func parentOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// handleEvent is process_event and find_and_execute: the first rule that
// matches runs its actions through /bin/sh -c, and devd waits for each.
func handleEvent(cfg *devdconf.Config, ev string) {
	vars := devdconf.Event(ev)
	rule := cfg.Select(vars, media)
	if rule == nil {
		record(DevdHandled{Event: ev})
		return
	}
	for _, a := range rule.Actions {
		action := devdconf.Expand(a, vars)
		record(DevdHandled{Event: ev, File: rule.File, Action: action, Exit: runAction(action)})
	}
}

// DevdHandled is one event devd handled: the rule that won (File, as
// FILE:LINE; "" when none matched), the action as devd ran it, and its
// exit status (which devd itself ignores).
type DevdHandled struct {
	Event, File, Action string
	Exit                int
}

func record(h DevdHandled) {
	if b, err := json.Marshal(h); err == nil {
		appendLine(SandboxDevdLog, string(b))
	}
}

// media is what SIOCGIFMEDIA reports: every emulated interface but lo is
// Ethernet; a departed one reports nothing.
func media(name string) string {
	s, err := read(SandboxState)
	if err != nil || s.Ifaces[name] == nil || s.Ifaces[name].Kind == KindLo {
		return ""
	}
	return "ethernet"
}

// runAction is my_system: /bin/sh -c ACTION, waited for. Its stdout goes
// nowhere (a daemonized devd has /dev/null there), its stderr to the
// harness's record.
func runAction(action string) int {
	cmd := exec.Command("/bin/sh", "-c", action)
	cmd.Env = devdEnv()
	cmd.Dir = "/"
	// The action's own file, added to the record once it has ended, so
	// that lines of two writers never interleave.
	if f, err := os.CreateTemp("/.fakebsd", "devd-stderr-"); err == nil {
		defer func() {
			f.Close()
			if b, err := os.ReadFile(f.Name()); err == nil && len(b) > 0 {
				appendLine(SandboxDevdStderr, strings.TrimSuffix(string(b), "\n"))
			}
			os.Remove(f.Name())
		}()
		cmd.Stderr = f
	}
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return 127
	}
	return 0
}

func devdEnv() []string {
	b, err := os.ReadFile(SandboxDevdEnv)
	if err != nil {
		return os.Environ()
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func appendLine(path, line string) {
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
		fmt.Fprintln(f, line)
		f.Close()
	}
}

func writeFileAtomic(path, data string) {
	tmp := path + ".tmp"
	if os.WriteFile(tmp, []byte(data), 0o644) == nil {
		os.Rename(tmp, path)
	}
}
