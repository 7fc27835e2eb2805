package devd

import (
	"io"
	"log/syslog"
	"os"
	"os/exec"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/live"
)

// Detach starts this program again with args in a new session, its
// standard streams on /dev/null, and does not wait: devd waits for its
// action to end (devd.cc my_system), so the delay before a VF comes up must
// be spent elsewhere. This is what `daemon -f` does for hyperv_vfattach.
func Detach(args ...string) error {
	exe, err := os.Executable()
	if err != nil {
		return sysexits.New(sysexits.Software, err)
	}
	return start(exec.Command(exe, args...))
}

// Spawn starts argv, a program on PATH (service), the way Detach starts
// this one, with LC_ALL=C: the devd handlers' way to run what must not be
// waited for from inside devd (Handler.Later). Only a build that may touch
// the running system starts anything (live.Require).
func Spawn(argv []string) error {
	if err := live.Require(argv[0]); err != nil {
		return err
	}
	prog, err := exec.LookPath(argv[0])
	if err != nil {
		return sysexits.New(sysexits.Unavailable, err)
	}
	cmd := exec.Command(prog, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return start(cmd)
}

// start runs cmd in a new session (stdio on /dev/null: exec.Cmd's
// default) and lets go of it.
func start(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if f := live.DetachedStderr(); f != nil {
		defer f.Close()
		cmd.Stderr = f
	}
	if err := cmd.Start(); err != nil {
		return sysexits.Errorf(sysexits.Software, "start %s: %v", cmd.Args[0], err)
	}
	return cmd.Process.Release()
}

// Syslog returns a writer that sends each line to syslog(3) with the tag
// hvnetconf (facility daemon). It connects on the first line written, so
// that vf-attach, run for every Ethernet attach and silent for all but
// VFs, opens no socket for nothing; without a syslogd the lines are
// dropped.
func Syslog() io.Writer { return &lazySyslog{} }

type lazySyslog struct {
	w     io.Writer
	tried bool
}

func (l *lazySyslog) Write(p []byte) (int, error) {
	if !l.tried {
		l.tried = true
		if w, err := syslog.New(syslog.LOG_INFO|syslog.LOG_DAEMON, "hvnetconf"); err == nil {
			l.w = w
		} else if w := live.LogFile(); w != nil {
			l.w = w
		}
	}
	if l.w == nil {
		return len(p), nil
	}
	return l.w.Write(p)
}
