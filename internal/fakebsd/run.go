package fakebsd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables the fake programs read.
const (
	EnvState = "FAKEBSD_STATE" // the state file
	EnvRoot  = "FAKEBSD_ROOT"  // the directory standing for / (outside a sandbox)
	// EnvDieInSave, set, makes a program die halfway through writing the
	// state, where a kill could land (TestKilledWriterLeavesWholeState).
	EnvDieInSave = "FAKEBSD_DIE_IN_SAVE"
)

// SandboxState is where the state file lives inside a sandbox: programs
// run by service(8) or devd get a cleared environment, as on FreeBSD, and
// find it here.
const SandboxState = "/.fakebsd/state.json"

// kernelPrograms act on the emulated kernel: each run is one locked
// update of the state, logged as a Command.
var kernelPrograms = map[string]func(s *State, args []string, stdout, stderr io.Writer) int{
	"ifconfig": (*State).ifconfig,
	"sysctl":   (*State).sysctlCmd,
	"route":    (*State).route,
	"kldstat":  (*State).kldstat,
	"kldload":  (*State).kldload,
	"devctl":   (*State).devctl,
	"pciconf":  (*State).pciconf,
}

// Run is the multi-call entry point of cmd/fakebsd: it dispatches on the
// base name of argv[0] and returns the exit status. Kernel programs
// (ifconfig, sysctl, route, ...) record the command and honour injected
// failures; userland programs (sh, service, dhclient, ps, ...) are in
// userland.go.
func Run(argv []string, stdout, stderr io.Writer, getenv func(string) string) int {
	prog := filepath.Base(argv[0])
	if u := userland[prog]; u != nil {
		if prog != "init" && !inSandbox() {
			fmt.Fprintf(stderr, "%s: fakebsd: runs only inside a sandbox (internal/conformance)\n", prog)
			return 69
		}
		return u(argv, stdout, stderr, getenv)
	}
	fn := kernelPrograms[prog]
	if fn == nil {
		fmt.Fprintf(stderr, "fakebsd: %s: command not found\n", prog)
		return 127
	}
	path := statePath(getenv)
	if path == "" {
		fmt.Fprintf(stderr, "%s: fakebsd: %s is not set\n", prog, EnvState)
		return 70
	}
	code, pause := 0, false
	err := update(path, func(s *State) error {
		code = s.runKernel(prog, argv[1:], stdout, stderr, fn)
		pause = s.paused
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: fakebsd: %v\n", prog, err)
		return 70
	}
	if pause {
		waitForTest(path)
	}
	return code
}

// statePath is FAKEBSD_STATE, or inside a sandbox its fixed place.
func statePath(getenv func(string) string) string {
	if p := getenv(EnvState); p != "" {
		return p
	}
	if _, err := os.Stat(SandboxState); err == nil {
		return SandboxState
	}
	return ""
}

func (s *State) runKernel(prog string, args []string, stdout, stderr io.Writer, fn func(*State, []string, io.Writer, io.Writer) int) int {
	s.Commands = append(s.Commands, Command{Argv: append([]string{prog}, args...), Caller: caller()})
	code := 0
	if s.FailAt > 0 && (s.FailOnly == "" || s.FailOnly == s.Commands[len(s.Commands)-1].Caller) {
		s.FailAt--
		if s.FailAt == 0 {
			code = 1
		}
	}
	if s.FailOn != "" && s.FailOn == strings.Join(s.Commands[len(s.Commands)-1].Argv, " ") {
		s.FailOn, code = "", 1
	}
	if code != 0 {
		fmt.Fprintf(stderr, "%s: injected failure (fakebsd FailAt)\n", prog)
		s.Commands[len(s.Commands)-1].Injected = true
	}
	if s.PauseAt > 0 && (s.FailOnly == "" || s.FailOnly == s.Commands[len(s.Commands)-1].Caller) {
		s.PauseAt--
		s.paused = s.PauseAt == 0
	}
	if code == 0 {
		code = fn(s, args, stdout, stderr)
	}
	s.Commands[len(s.Commands)-1].Exit = code
	return code
}

// caller is the name of the process that ran this one (from /proc, which
// a sandbox mounts): "hvnetconf" for hvnetconf's own commands, "bash" for
// the rc scripts'.
func caller() string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", os.Getppid()))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// usage rejects a command the emulation does not know and records it, so
// that a test notices something ran that nobody modelled.
func (s *State) usage(stderr io.Writer, prog string, args []string) int {
	line := strings.Join(append([]string{prog}, args...), " ")
	s.Unknown = append(s.Unknown, line)
	fmt.Fprintf(stderr, "%s: fakebsd: unsupported command: %s\n", prog, line)
	return 1
}
