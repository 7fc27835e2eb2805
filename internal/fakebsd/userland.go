package fakebsd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Every userland program but init (which builds the sandbox) refuses to
// run anywhere but inside a sandbox: they act on absolute paths
// (pidfiles, /etc/rc.d), exec other programs or leave daemons, and a
// test must never do that to the test machine.

// inSandbox: this process's / is a sandbox root.
func inSandbox() bool {
	_, err := os.Stat(SandboxState)
	return err == nil
}

// userland programs run outside the kernel's state lock (a shell or a
// daemon must not hold it); those that change the kernel take it briefly.
var userland map[string]func(argv []string, stdout, stderr io.Writer, getenv func(string) string) int

func init() {
	userland = map[string]func([]string, io.Writer, io.Writer, func(string) string) int{
		"sh":        sh,
		"init":      sandboxInit,
		"service":   service,
		"dhclient":  dhclient,
		"dhclient:": dhclientDaemon,
		"ps":        ps,
		"pwait":     pwait,
		"daemon":    daemon,
		"logger":    logger,
		"kenv":      kenv,
		"install":   install,
		"egrep":     egrep,
		"limits":    limits,
		"rcorder":   rcorder,
		"devd":      devd,
		"devd:":     devdDaemon,
	}
}

// Paths inside a sandbox (see internal/conformance): the host's bash and
// the shell prelude that bridges it to FreeBSD's sh.
const (
	SandboxBash    = "/.fakebsd/host/bash"
	SandboxPrelude = "/.fakebsd/prelude.sh"
	SandboxSyslog  = "/.fakebsd/syslog"
)

// sh is /bin/sh in a sandbox: the host's bash in POSIX mode with a
// prelude (BASH_ENV) that supplies what FreeBSD's sh has and bash lacks.
// argv is passed on unchanged, so $0 and the positional parameters are
// what FreeBSD's sh would set.
func sh(argv []string, _, stderr io.Writer, getenv func(string) string) int {
	env := append(os.Environ(), "BASH_ENV="+SandboxPrelude)
	err := syscall.Exec(SandboxBash, append([]string{"bash"}, argv[1:]...), env)
	fmt.Fprintf(stderr, "sh: fakebsd: exec %s: %v\n", SandboxBash, err)
	return 127
}

// service is service(8) (usr.sbin/service/service.sh): run the rc.d
// script from /etc/rc.d or the local startup directory with a cleared
// environment. It is logged like a kernel command, so that injected
// failures and command counts see it.
func service(argv []string, stdout, stderr io.Writer, getenv func(string) string) int {
	args := argv[1:]
	if len(args) < 1 {
		fmt.Fprintln(stderr, "usage: service [-j <jail name or id>] <rc.d script> start|stop|etc.")
		return 1
	}
	if code := logged(argv, stderr, getenv); code != 0 {
		return code
	}
	for _, dir := range []string{"/etc/rc.d", "/usr/local/etc/rc.d"} {
		script := filepath.Join(dir, args[0])
		if fi, err := os.Stat(script); err == nil && fi.Mode().IsRegular() {
			env := []string{"HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin"}
			os.Chdir("/")
			err := syscall.Exec(script, append([]string{script}, args[1:]...), env)
			fmt.Fprintf(stderr, "service: fakebsd: exec %s: %v\n", script, err)
			return 127
		}
	}
	fmt.Fprintf(stderr, "%s does not exist in /etc/rc.d or the local startup\ndirectories (/usr/local/etc/rc.d), or is not executable\n", args[0])
	return 1
}

// logged records a userland command in the state and applies an injected
// failure to it.
func logged(argv []string, stderr io.Writer, getenv func(string) string) int {
	path := statePath(getenv)
	if path == "" {
		return 0
	}
	code, pause := 0, false
	err := update(path, func(s *State) error {
		code = s.runKernel(filepath.Base(argv[0]), argv[1:], io.Discard, stderr, func(*State, []string, io.Writer, io.Writer) int { return 0 })
		pause = s.paused
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: fakebsd: %v\n", filepath.Base(argv[0]), err)
		return 70
	}
	if pause {
		waitForTest(path)
	}
	return code
}

// ps is ps(1) as rc.subr's _find_processes calls it:
// `ps -ww -o pid= -o jid= -o command= (-p PID | -ax)`, read from /proc.
// Every process is in jail 0.
func ps(argv []string, stdout, stderr io.Writer, _ func(string) string) int {
	var fields []string
	var pids []string
	all := false
	args := argv[1:]
	for k := 0; k < len(args); k++ {
		switch a := args[k]; {
		case a == "-ww" || a == "-w":
		case a == "-ax" || a == "-a" || a == "-x" || a == "-auxww":
			all = true
		case (a == "-o" || a == "-p") && k+1 < len(args):
			k++
			if a == "-o" {
				fields = append(fields, strings.TrimSuffix(args[k], "="))
			} else {
				pids = append(pids, strings.Split(args[k], ",")...)
			}
		case strings.HasPrefix(a, "-p"):
			pids = append(pids, strings.Split(a[2:], ",")...)
		default:
			fmt.Fprintf(stderr, "ps: fakebsd: unsupported argument %q\n", a)
			return 1
		}
	}
	if !all && len(pids) == 0 {
		all = true
	}
	if all {
		pids = nil
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			if _, err := strconv.Atoi(e.Name()); err == nil {
				pids = append(pids, e.Name())
			}
		}
	}
	found := false
	for _, pid := range pids {
		cmd, ok := ProcCommand(pid)
		if !ok {
			continue
		}
		found = true
		var out []string
		for _, f := range fields {
			switch f {
			case "pid":
				out = append(out, pid)
			case "jid":
				out = append(out, "0")
			case "command", "args":
				out = append(out, cmd)
			case "comm":
				out = append(out, strings.Fields(cmd + " x")[0])
			}
		}
		fmt.Fprintln(stdout, strings.Join(out, " "))
	}
	if !found {
		return 1
	}
	return 0
}

// ProcCommand is a live (not zombie) process's argv joined by spaces,
// read from /proc (the sandbox's, or the host's for a host pid).
func ProcCommand(pid string) (string, bool) {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", false
	}
	if i := strings.LastIndexByte(string(stat), ')'); i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' {
		return "", false
	}
	b, err := os.ReadFile("/proc/" + pid + "/cmdline")
	if err != nil || len(b) == 0 {
		return "", false
	}
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " ")), true
}

// alive is kill(pid, 0) == 0 for a process that is not a zombie.
func alive(pid int) bool {
	_, ok := ProcCommand(strconv.Itoa(pid))
	return ok && syscall.Kill(pid, 0) == nil
}

// pwait is pwait(1): wait until every PID has exited.
func pwait(argv []string, _, stderr io.Writer, _ func(string) string) int {
	for _, a := range argv[1:] {
		pid, err := strconv.Atoi(a)
		if err != nil {
			fmt.Fprintf(stderr, "pwait: %s: bad process id\n", a)
			continue
		}
		for alive(pid) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return 0
}

// daemon is daemon(8): run the command detached in a new session
// (-f: with stdio on /dev/null) and return at once.
func daemon(argv []string, _, stderr io.Writer, _ func(string) string) int {
	args := argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-f", "-c", "-S", "-r":
		case "-p", "-P", "-T", "-u", "-o", "-m", "-t", "-R", "-s", "-l":
			if len(args) < 2 {
				fmt.Fprintf(stderr, "daemon: option requires an argument -- %s\n", args[0][1:])
				return 1
			}
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "daemon: fakebsd: unsupported option %s\n", args[0])
			return 1
		}
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: daemon [-cfr] command arguments ...")
		return 1
	}
	if err := detach(args[0], args, os.Environ()); err != nil {
		fmt.Fprintf(stderr, "daemon: %v\n", err)
		return 1
	}
	return 0
}

// detach starts a process in its own session with stdio on /dev/null and
// does not wait for it: the sandbox's init reaps it when it ends.
func detach(path string, argv, env []string) error {
	null, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	p, err := os.StartProcess(path, argv, &os.ProcAttr{Env: env, Files: []*os.File{null, null, null},
		Sys: &syscall.SysProcAttr{Setsid: true}})
	if err != nil {
		return err
	}
	return p.Release()
}

// logger is logger(1): the message goes to the sandbox's syslog file,
// "TAG: MESSAGE" per line.
func logger(argv []string, _, stderr io.Writer, _ func(string) string) int {
	tag, args := "logger", argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && len(args[0]) == 2 {
		switch args[0] {
		case "-s", "-i":
		case "-t", "-p", "-f", "-h", "-P":
			if len(args) < 2 {
				return 1
			}
			if args[0] == "-t" {
				tag = args[1]
			}
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "logger: fakebsd: unsupported option %s\n", args[0])
			return 1
		}
		args = args[1:]
	}
	f, err := os.OpenFile(SandboxSyslog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return 0 // like syslog(3): nowhere to log is not an error
	}
	defer f.Close()
	fmt.Fprintf(f, "%s: %s\n", tag, strings.Join(args, " "))
	return 0
}

// kenv is kenv(1) reading: the emulated loader passed no variables.
func kenv(argv []string, _, stderr io.Writer, _ func(string) string) int {
	args := argv[1:]
	if len(args) > 0 && args[0] == "-q" {
		args = args[1:]
	}
	if len(args) == 1 && !strings.Contains(args[0], "=") {
		if argv[1] != "-q" {
			fmt.Fprintf(stderr, "kenv: unable to get %s\n", args[0])
		}
		return 1
	}
	fmt.Fprintf(stderr, "kenv: fakebsd: unsupported command: %s\n", strings.Join(argv, " "))
	return 1
}

// install is install(1) -d as rc.d scripts use it: make the directories
// (FreeBSD's root:wheel owners need no emulating).
func install(argv []string, _, stderr io.Writer, _ func(string) string) int {
	args, dirs := argv[1:], false
	var mode os.FileMode = 0o755
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "-d":
			dirs = true
		case "-o", "-g", "-m":
			if len(args) < 2 {
				return 64
			}
			if args[0] == "-m" {
				m, err := strconv.ParseUint(args[1], 8, 32)
				if err != nil {
					fmt.Fprintf(stderr, "install: invalid file mode: %s\n", args[1])
					return 64
				}
				mode = os.FileMode(m)
			}
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "install: fakebsd: unsupported option %s\n", args[0])
			return 64
		}
		args = args[1:]
	}
	if !dirs {
		fmt.Fprintln(stderr, "install: fakebsd: only -d is emulated")
		return 64
	}
	for _, d := range args {
		if err := os.MkdirAll(d, mode); err != nil {
			fmt.Fprintf(stderr, "install: %v\n", err)
			return 71
		}
	}
	return 0
}

// egrep is grep -E (FreeBSD keeps egrep; Debian's warns that it is
// obsolescent, which would read as a script error).
func egrep(argv []string, _, stderr io.Writer, _ func(string) string) int {
	err := syscall.Exec("/usr/bin/grep", append([]string{"grep", "-E"}, argv[1:]...), os.Environ())
	fmt.Fprintf(stderr, "egrep: fakebsd: %v\n", err)
	return 2
}

// startDaemon runs this program again as the daemon argv names (its
// argv[0] is how ps(1) shows it and how Run dispatches it), in its own
// session with stdio on /dev/null, and writes its pid to pidfile before
// returning, so that rc.subr finds it at once. The sandbox's init reaps
// it when it ends.
func startDaemon(argv, env []string, pidfile string) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	null, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	p, err := os.StartProcess(self, argv, &os.ProcAttr{Env: env, Files: []*os.File{null, null, null},
		Sys: &syscall.SysProcAttr{Setsid: true}})
	if err != nil {
		return err
	}
	defer p.Release()
	return writePid(pidfile, p.Pid)
}

// limits is limits(1) as rc.subr prepends it to every daemon's command
// (`limits -C CLASS [LIMITS] CMD ...`): the emulation sets no limits and
// runs the command.
func limits(argv []string, _, stderr io.Writer, _ func(string) string) int {
	args := argv[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch a := args[0]; {
		case a == "-C" || a == "-U":
			if len(args) < 2 {
				return 1
			}
			args = args[1:]
		case a == "-e" || a == "-a" || a == "-B" || a == "-E" || a == "-H" || a == "-S":
		case len(a) == 2:
			// a resource flag with its value (-n 1024)
			if len(args) < 2 {
				return 1
			}
			args = args[1:]
		default:
			fmt.Fprintf(stderr, "limits: fakebsd: unsupported option %s\n", a)
			return 1
		}
		args = args[1:]
	}
	if len(args) == 0 {
		return 0
	}
	path := args[0]
	if !strings.Contains(path, "/") {
		for _, dir := range []string{"/sbin", "/bin", "/usr/sbin", "/usr/bin"} {
			if _, err := os.Stat(dir + "/" + path); err == nil {
				path = dir + "/" + path
				break
			}
		}
	}
	err := syscall.Exec(path, args, os.Environ())
	fmt.Fprintf(stderr, "limits: %s: %v\n", args[0], err)
	return 1
}

// rcorder is rcorder(8) as rc.d/routing uses it (to find scripts that
// PROVIDE dynamicrouting): the existing files, in the order given; the
// dependency order does not matter there.
func rcorder(argv []string, stdout, _ io.Writer, _ func(string) string) int {
	args := argv[1:]
	for k := 0; k < len(args); k++ {
		if args[k] == "-s" || args[k] == "-k" {
			k++
			continue
		}
		if fi, err := os.Stat(args[k]); err == nil && fi.Mode().IsRegular() {
			fmt.Fprintln(stdout, args[k])
		}
	}
	return 0
}
