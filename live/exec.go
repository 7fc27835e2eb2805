package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Programs hvnetconf runs, in one place, so that a port or a test sees at
// a glance what is touched. They are bare names looked up on PATH rather
// than /sbin/ifconfig or /usr/sbin/service: FreeBSD's rc and devd run
// hvnetconf with /sbin and /usr/sbin on PATH, and tests put the emulated
// ifconfig and service (internal/fakebsd) first on PATH, so the production
// code runs unchanged against the emulation.
var (
	// Ifconfig configures interfaces: ifconfig(8).
	Ifconfig = "ifconfig"
	// Service runs rc.d scripts: service(8) (netif, dhclient, routing, devd).
	Service = "service"
)

// ExecRunner runs programs as processes with LC_ALL=C, so that the output
// parsed here is never localised.
type ExecRunner struct {
	// Path is the PATH searched for the program; "" means the process's PATH.
	// It is also the PATH the program itself sees.
	Path string
	// Env holds extra NAME=value entries for the program's environment,
	// added after (and so overriding) the process's own.
	Env []string
}

// CmdError is a program that ran and failed. Its text is
// "ifconfig lagg0 laggport mce0: exit status 1: <first line of stderr>".
type CmdError struct {
	Argv     []string
	ExitCode int    // -1 when the program did not exit normally
	Stderr   string // all of it, for logs
	Err      error
}

func (e *CmdError) Error() string {
	msg := fmt.Sprintf("%s: %v", strings.Join(e.Argv, " "), e.Err)
	if line, _, _ := strings.Cut(strings.TrimSpace(e.Stderr), "\n"); line != "" {
		msg += ": " + line
	}
	return msg
}

func (e *CmdError) Unwrap() error { return e.Err }

// Run implements Runner.
func (r ExecRunner) Run(ctx context.Context, argv ...string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, sysexits.Errorf(sysexits.Software, "run: empty argv")
	}
	if err := Require(argv[0]); err != nil {
		return nil, err // never a host program that is not FreeBSD's
	}
	prog, err := lookPath(argv[0], r.searchPath())
	if err != nil {
		return nil, sysexits.New(sysexits.Unavailable, err)
	}
	cmd := exec.CommandContext(ctx, prog, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = r.environ()
	// A process group of its own: what a terminal sends its foreground
	// group (^C, ^Z, ^\, the SIGHUP of a hangup) reaches hvnetconf, which
	// decides, and never kills a command half-way through its work (an
	// rc.d script between stopping and starting a service). Its streams
	// are pipes, so it never needs the terminal.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		return stdout.Bytes(), &CmdError{Argv: argv, ExitCode: code, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

func (r ExecRunner) searchPath() string {
	if r.Path != "" {
		return r.Path
	}
	return os.Getenv("PATH")
}

// environ is the process environment with PATH, the extra entries and
// LC_ALL=C on top; later entries win in os/exec.
func (r ExecRunner) environ() []string {
	env := os.Environ()
	if r.Path != "" {
		env = append(env, "PATH="+r.Path)
	}
	env = append(env, r.Env...)
	return append(env, "LC_ALL=C")
}

// lookPath finds name in the directories of path. exec.LookPath cannot be
// given a PATH other than the process's, and changing the process's PATH
// would race with other goroutines.
func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH %q", name, path)
}
