package conformance

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/live"
)

// Machine is an emulated FreeBSD machine: a FreeBSD rc tree and a
// configuration root in a private root, the emulated kernel, and a
// sandbox (its own mount, network and PID namespaces, chrooted into the
// root) in which every script and program runs.
type Machine struct {
	*fakebsd.Host
	Tree Tree
	tb   testing.TB

	env     []string // the clock's TimeScale, then Options.Env
	init    *exec.Cmd
	initPid int // the sandbox's init as the host sees it
	// Log is what happened, in order: each sandbox command with its exit
	// status (devd's own record is Handled). logMu guards it (tests run
	// commands from several goroutines).
	Log   []string
	logMu sync.Mutex

	outDir  string // where commands' stdout and stderr go
	outOnce sync.Once
}

func (m *Machine) logf(line string) {
	m.logMu.Lock()
	defer m.logMu.Unlock()
	m.Log = append(m.Log, line)
}

// Options say what goes into a machine besides the tree.
type Options struct {
	// Config is a configuration root copied over the tree (rc.conf,
	// rc.conf.d, rendered files, ...); "" for none.
	Config string
	// Hvnetconf is an hvnetconf binary to install as
	// /usr/local/sbin/hvnetconf; "" for none.
	Hvnetconf string
	// Env is added to the environment of every command in the sandbox
	// (after Env, so it wins), and so to everything devd starts.
	Env []string
}

// TimeScale is how much faster than FreeBSD's the sandbox's clock runs
// unless Options.Env sets live.EnvTimeScale: sleep(1) and the emulated
// build of hvnetconf divide their waits by it (hyperv_vf_delay's 2 s
// floor, netif's DAD wait, rc.subr's polling), so no test waits out
// real seconds, with the events in the same order (fakebsd's sleep says
// why no outcome depends on those waits).
const TimeScale = 40

// hostTools are the host programs the FreeBSD scripts call whose Debian
// behaviour matches FreeBSD's for those calls, at FreeBSD's paths.
var hostTools = map[string]string{
	"cat": "/bin", "chmod": "/bin", "cp": "/bin", "date": "/bin", "expr": "/bin", "ln": "/bin",
	"ls": "/bin", "mkdir": "/bin", "mv": "/bin", "rm": "/bin", "rmdir": "/bin",
	"sed": "/usr/bin", "grep": "/usr/bin", "head": "/usr/bin", "tail": "/usr/bin", "tr": "/usr/bin",
	"basename": "/usr/bin", "dirname": "/usr/bin", "sort": "/usr/bin", "uniq": "/usr/bin",
	"xargs": "/usr/bin", "awk": "/usr/bin", "wc": "/usr/bin", "cut": "/usr/bin", "env": "/usr/bin",
	"touch": "/usr/bin", "mktemp": "/usr/bin", "readlink": "/usr/bin", "id": "/usr/bin",
	"uname": "/usr/bin", "true": "/usr/bin", "false": "/usr/bin", "printf": "/usr/bin", "tee": "/usr/bin",
}

// kernelTools are fakebsd's programs at FreeBSD's paths.
var kernelTools = map[string]string{
	"ifconfig": "/sbin", "sysctl": "/sbin", "route": "/sbin", "dhclient": "/sbin", "kldload": "/sbin",
	"kldstat": "/sbin", "devctl": "/sbin", "devd": "/sbin", "sh": "/bin", "ps": "/bin", "kenv": "/bin",
	"pwait": "/bin", "service": "/usr/sbin", "daemon": "/usr/sbin", "logger": "/usr/bin", "pciconf": "/usr/sbin",
	"install": "/usr/bin", "egrep": "/usr/bin", "limits": "/usr/bin", "rcorder": "/sbin", "sleep": "/bin",
}

// prelude bridges bash in POSIX mode to FreeBSD's /bin/sh (sh(1)): setvar
// is a FreeBSD sh builtin (bin/sh/var.c setvarcmd); FreeBSD's echo takes
// -n or -e only and expands no backslash escapes without -e (bin/sh/bltin/
// echo.c); an unknown command is recorded so the test fails.
const prelude = `set -o posix
setvar() { eval "$1=\"\$2\""; }
echo() {
	local _fbsd_nl=1 _fbsd_e= _fbsd_sep= _fbsd_out=
	case $1 in
	-n) _fbsd_nl=; shift ;;
	-e) _fbsd_e=1; shift ;;
	esac
	for _fbsd_a in "$@"; do _fbsd_out=$_fbsd_out$_fbsd_sep$_fbsd_a; _fbsd_sep=' '; done
	if [ -n "$_fbsd_e" ]; then printf '%b' "$_fbsd_out"; else printf '%s' "$_fbsd_out"; fi
	[ -z "$_fbsd_nl" ] || printf '\n'
}
command_not_found_handle() {
	printf '%s: %s: command not found\n' "$0" "$1" >> /.fakebsd/shell-errors
	printf '%s: %s: command not found\n' "$0" "$1" >&2
	return 127
}
`

// devdStandIn is rc.d/devd for trees that ship none (the shared "main"
// tree holds only the scripts that consume hvnetconf's files): enough
// for rc.subr to start, stop and restart the emulated devd.
const devdStandIn = `#!/bin/sh
# PROVIDE: devd
# Stand-in written by the conformance harness: this tree has no rc.d/devd.
. /etc/rc.subr
name="devd"
rcvar="devd_enable"
command="/sbin/devd"
pidfile="/var/run/devd.pid"
load_rc_config $name
run_rc_command "$1"
`

// New builds a machine for tree with the given configuration and starts
// its sandbox; it is torn down when the test ends.
func New(tb testing.TB, tree Tree, opt Options) *Machine {
	tb.Helper()
	root := filepath.Join(fakebsd.TempDir(tb), "root")
	env := append([]string{live.EnvTimeScale + "=" + strconv.Itoa(TimeScale)}, opt.Env...)
	m := &Machine{Tree: tree, tb: tb, env: env, Host: fakebsd.NewAt(tb, filepath.Join(root, fakebsd.SandboxState), root)}
	steps := []func() error{
		func() error { return m.installTree() },
		func() error { return copyTree(opt.Config, root) },
		func() error { return m.installTools(opt.Hvnetconf) },
		// devd's actions get the environment rc gave devd at boot (the
		// boot runs with m.env: the clock's TimeScale, then the test's
		// Options.Env), as every other sandbox command does. Without the
		// TimeScale, each vf-attach waited FreeBSD's real 2 s
		// hyperv_vf_delay and the scripts' sleep(1) real seconds; the
		// order of events is the same at any scale (devd reads its next
		// event only once the sandbox is quiet: fakebsd devd.go quiet).
		func() error {
			env := append(append([]string{}, Env...), m.env...)
			return writeFile(filepath.Join(root, fakebsd.SandboxDevdEnv), strings.Join(env, "\n")+"\n", 0o644)
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			tb.Fatalf("conformance: building the %s machine: %v", tree.Name, err)
		}
	}
	m.Update(func(s *fakebsd.State) {
		s.Sysctls = map[string]string{"kern.vm_guest": "hv"}
		s.Release, s.TimeScale = tree.Name, timeScale(opt.Env)
	})
	m.start()
	return m
}

// timeScale is how much faster the kernel's own delays pass (a VF's
// carrier, hn's link task, a host network change's 5 s): FAKEBSD_TIME_SCALE
// from env, else 40, so that a boot never waits real seconds; the order
// of what happens is the same at any scale.
func timeScale(env []string) float64 {
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, live.EnvTimeScale+"="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1 {
				return f
			}
		}
	}
	return 40
}

// installTree copies the FreeBSD files that take part in networking.
func (m *Machine) installTree() error {
	files := []string{"etc/rc.subr", "etc/network.subr", "etc/pccard_ether", "etc/defaults/rc.conf", "etc/devd.conf"}
	for _, dir := range []string{"etc/rc.d", "etc/devd"} {
		ents, _ := os.ReadDir(filepath.Join(m.Tree.Dir, dir))
		for _, e := range ents {
			if e.Type().IsRegular() {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
	}
	for _, f := range files {
		src := filepath.Join(m.Tree.Dir, f)
		if _, err := os.Stat(src); err != nil {
			if f == "etc/pccard_ether" || f == "etc/devd.conf" {
				continue
			}
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasPrefix(f, "etc/rc.d/") || f == "etc/pccard_ether" {
			mode = 0o755
		}
		if err := copyFile(src, filepath.Join(m.Root, f), mode); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(m.Root, "etc/rc.d/devd")); err != nil {
		if err := writeFile(filepath.Join(m.Root, "etc/rc.d/devd"), devdStandIn, 0o755); err != nil {
			return err
		}
	}
	for name, src := range hypervScripts(m.Tree) {
		if err := copyFile(src, filepath.Join(m.Root, "usr/libexec/hyperv", name), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// installTools puts fakebsd's programs and the host tools at FreeBSD's
// paths, bash and the prelude for /bin/sh, and hvnetconf if given.
func (m *Machine) installTools(hvnetconf string) error {
	bin := filepath.Join(m.Root, ".fakebsd/bin/fakebsd")
	if err := linkOrCopy(fakebsd.Binary(m.tb), bin, 0o755); err != nil {
		return err
	}
	for name, dir := range kernelTools {
		if err := symlink("/.fakebsd/bin/fakebsd", filepath.Join(m.Root, dir, name)); err != nil {
			return err
		}
	}
	if err := symlink("fakebsd", filepath.Join(m.Root, ".fakebsd/bin/init")); err != nil {
		return err
	}
	if _, err := hostToolsDir(m.tb); err != nil {
		return err
	}
	for name, dir := range hostTools {
		if err := symlink("/.fakebsd/host/"+name, filepath.Join(m.Root, dir, name)); err != nil {
			return err
		}
	}
	if hvnetconf != "" {
		if err := linkOrCopy(hvnetconf, filepath.Join(m.Root, "usr/local/sbin/hvnetconf"), 0o755); err != nil {
			return err
		}
	}
	for _, d := range []string{"var/run", "var/db", "var/log", "tmp", "dev", "proc"} {
		if err := os.MkdirAll(filepath.Join(m.Root, d), 0o755); err != nil {
			return err
		}
	}
	// The syslog exists from the start: hvnetconf's handlers append to it
	// only when it does (live.LogFile), as they would to a syslogd.
	if err := writeFile(filepath.Join(m.Root, fakebsd.SandboxSyslog), "", 0o644); err != nil {
		return err
	}
	return writeFile(filepath.Join(m.Root, fakebsd.SandboxPrelude), prelude, 0o644)
}

// start runs the sandbox's init under unshare(1) and waits for "ready".
func (m *Machine) start() {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		m.fail("conformance: unshare(1) (util-linux) is needed: %v", err)
	}
	tools, _ := hostToolsDir(m.tb)
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "--net", "--pid", "--fork", "--kill-child",
		filepath.Join(m.Root, ".fakebsd/bin/init"), m.Root, tools)
	cmd.SysProcAttr = dieWithParent()
	out, err := cmd.StdoutPipe()
	if err != nil {
		m.fail("conformance: %v", err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		m.fail("conformance: starting the sandbox: %v", err)
	}
	m.init = cmd
	m.tb.Cleanup(m.stop)
	m.tb.Cleanup(m.checkUnknown)
	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- line
		io.Copy(io.Discard, out)
	}()
	select {
	case line := <-ready:
		if strings.TrimSpace(line) != "ready" {
			cmd.Wait()
			m.fail("conformance: sandbox did not start: %s", errb.String())
		}
	case <-time.After(20 * time.Second):
		m.fail("conformance: sandbox did not start within 20 s: %s", errb.String())
	}
	children, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", cmd.Process.Pid, cmd.Process.Pid))
	if m.initPid, err = strconv.Atoi(strings.TrimSpace(string(children))); err != nil {
		m.fail("conformance: finding the sandbox's init: %q", children)
	}
}

// stop kills the sandbox and waits until its init is gone (the kernel
// then ends every process in it), so the root can be removed.
func (m *Machine) stop() {
	if m.init == nil || m.init.Process == nil {
		return
	}
	m.init.Process.Kill()
	m.init.Wait()
	for k := 0; k < 250 && m.initPid > 0; k++ {
		// Gone, or a zombie (it holds no mount and no file): either way
		// the root can go. The test cannot reap it: its parent was
		// unshare, so it now belongs to the host's PID 1, which on some
		// machines (containers whose PID 1 is no init) never reaps.
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", m.initPid))
		if err != nil {
			return
		}
		if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkUnknown fails the test when anything ran a command the emulated
// kernel does not model (it answered "unsupported command").
func (m *Machine) checkUnknown() {
	if u := m.State().Unknown; len(u) > 0 {
		m.tb.Errorf("conformance (%s): commands the emulation does not know: %q", m.Tree.Name, u)
	}
}

func (m *Machine) fail(format string, a ...any) {
	m.tb.Helper()
	m.tb.Fatalf(format, a...)
}

var (
	toolsOnce sync.Once
	toolsDir  string
	toolsErr  error
)

// hostToolsDir copies (never links: a link would let the sandbox write
// the host's program) bash and hostTools into one directory per test
// process, beside fakebsd's programs (removed with them by RunTests);
// each sandbox mounts it read-only at /.fakebsd/host.
func hostToolsDir(tb testing.TB) (string, error) {
	toolsOnce.Do(func() {
		toolsDir = filepath.Join(filepath.Dir(fakebsd.Binary(tb)), "host")
		for _, name := range append([]string{"bash"}, slices.Sorted(maps.Keys(hostTools))...) {
			src, err := exec.LookPath(name)
			if err != nil {
				if name == "bash" {
					toolsErr = err
					return
				}
				continue // the scripts' call then fails as "command not found"
			}
			if src, err = filepath.EvalSymlinks(src); err != nil {
				toolsErr = err
				return
			}
			if toolsErr = copyFile(src, filepath.Join(toolsDir, name), 0o755); toolsErr != nil {
				return
			}
		}
	})
	return toolsDir, toolsErr
}

// Result is one finished command in the sandbox.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// commandTimeout bounds one command in the sandbox: a boot of every
// interface takes a few seconds, but a boot, or an apply that restarts
// devd, also waits while devd handles every queued event (devd.cc
// event_loop), each an rc script, which on a loaded test machine takes
// far longer.
const commandTimeout = 3 * time.Minute

// Env is the environment every sandbox command starts with, as /etc/rc
// sets it.
var Env = []string{"PATH=/sbin:/bin:/usr/sbin:/usr/bin", "HOME=/", "LC_ALL=C"}

// Run runs argv inside the sandbox (as root in / of the machine) and
// fails the test on a shell error nobody expected (see ShellErrors).
func (m *Machine) Run(argv ...string) Result {
	m.tb.Helper()
	r := m.RunEnv(nil, argv...)
	m.CheckShell(r)
	return r
}

// RunEnv is Run with extra environment entries and no shell check.
func (m *Machine) RunEnv(env []string, argv ...string) Result {
	m.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := m.CommandContext(ctx, env, argv...)
	// Files, not pipes: like devd's system(3), wait for the command
	// itself, not for whatever it left running with its stdout.
	out, errf := m.tempFile(), m.tempFile()
	defer out.Close()
	defer errf.Close()
	cmd.Stdout, cmd.Stderr = out, errf
	err := cmd.Run()
	r := Result{Stdout: readAll(out), Stderr: readAll(errf)}
	if ctx.Err() != nil {
		m.fail("conformance (%s): %q did not finish within %v\n%s", m.Tree.Name, argv, commandTimeout, r.Stderr)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		m.fail("conformance: nsenter %q: %v", argv, err)
	}
	m.logf(fmt.Sprintf("run %s: exit %d", strings.Join(argv, " "), r.Code))
	return r
}

// CommandContext is argv to run inside the sandbox, not started, for a
// test that needs its own standard streams, session or signals: nsenter(1)
// forks argv and waits for it, so the process started is argv's parent.
func (m *Machine) CommandContext(ctx context.Context, env []string, argv ...string) *exec.Cmd {
	args := append([]string{"--target", strconv.Itoa(m.initPid), "--mount", "--net", "--pid", "--root", "--wd", "--"}, argv...)
	cmd := exec.CommandContext(ctx, "nsenter", args...)
	cmd.Env = append(append(append([]string{}, Env...), m.env...), env...)
	return cmd
}

func (m *Machine) tempFile() *os.File {
	m.outOnce.Do(func() { m.outDir = fakebsd.TempDir(m.tb) })
	f, err := os.CreateTemp(m.outDir, "out")
	if err != nil {
		m.fail("conformance: %v", err)
	}
	return f
}

func readAll(f *os.File) string {
	b, _ := os.ReadFile(f.Name())
	return string(b)
}

// Sh runs a shell command in the sandbox with FreeBSD's /bin/sh stand-in.
func (m *Machine) Sh(script string) Result {
	m.tb.Helper()
	return m.Run("/bin/sh", "-c", script)
}
