package fakebsd

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Environment variables the fake programs read.
const (
	EnvState = "FAKEBSD_STATE" // the state file
	EnvRoot  = "FAKEBSD_ROOT"  // the directory standing for / (rc.conf lives under it)
)

// Run is the multi-call entry point of cmd/fakebsd: it dispatches on the
// base name of argv[0] (ifconfig, service, sysctl), records the command, applies
// any injected failure, and returns the exit status.
func Run(argv []string, stdout, stderr io.Writer, getenv func(string) string) int {
	prog := filepath.Base(argv[0])
	path := getenv(EnvState)
	if path == "" {
		fmt.Fprintf(stderr, "%s: fakebsd: %s is not set\n", prog, EnvState)
		return 70
	}
	code := 0
	err := update(path, func(s *State) error {
		code = s.run(prog, argv[1:], stdout, stderr, getenv(EnvRoot))
		return nil
	})
	if err != nil {
		fmt.Fprintf(stderr, "%s: fakebsd: %v\n", prog, err)
		return 70
	}
	return code
}

func (s *State) run(prog string, args []string, stdout, stderr io.Writer, root string) int {
	s.Commands = append(s.Commands, Command{Argv: append([]string{prog}, args...)})
	code := s.dispatch(prog, args, stdout, stderr, root)
	s.Commands[len(s.Commands)-1].Exit = code
	return code
}

func (s *State) dispatch(prog string, args []string, stdout, stderr io.Writer, root string) int {
	if s.FailAt > 0 {
		s.FailAt--
		if s.FailAt == 0 {
			fmt.Fprintf(stderr, "%s: injected failure (fakebsd FailAt)\n", prog)
			return 1
		}
	}
	switch prog {
	case "ifconfig":
		return s.ifconfig(args, stdout, stderr)
	case "service":
		return s.service(args, stdout, stderr, root)
	case "sysctl":
		return s.sysctlCmd(args, stdout, stderr)
	}
	return s.usage(stderr, prog, args)
}

// usage rejects a command the emulation does not know and records it, so
// that a test notices hvnetconf ran something unexpected.
func (s *State) usage(stderr io.Writer, prog string, args []string) int {
	line := strings.Join(append([]string{prog}, args...), " ")
	s.Unknown = append(s.Unknown, line)
	fmt.Fprintf(stderr, "%s: fakebsd: unsupported command: %s\n", prog, line)
	return 1
}
