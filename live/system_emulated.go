//go:build !freebsd && fakebsd

package live

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// reachable: the tests' emulated host (internal/fakebsd, reached through
// PATH inside its sandbox) stands in for FreeBSD. Only `go build -tags
// fakebsd`, which the conformance and e2e tests use, selects this file.
const reachable = true

func newSystem(ctx context.Context) System { return Programs(ctx, ExecRunner{}) }

// scaled divides d by EnvTimeScale's number, when it is one above 1.
func scaled(d time.Duration) time.Duration { return TimeScaled(d, os.Getenv(EnvTimeScale)) }

// bootTime reads kern.boottime through sysctl(8), as the emulated host
// offers it.
func bootTime(sys System) (time.Time, error) {
	v, ok, err := sys.Sysctl("kern.boottime")
	if err != nil || !ok {
		return time.Time{}, fmt.Errorf("kern.boottime: absent (%v)", err)
	}
	return parseBootTime(v)
}

// LogFile is the emulated host's syslog, where its logger(1) writes too
// (internal/fakebsd SandboxSyslog), when the sandbox has one: the
// sandbox runs no syslogd, and without this the detached vf-attach's
// failures would reach no one, so a test could not tell why a VF stayed
// out of its lagg. nil outside a sandbox.
func LogFile() io.Writer {
	f, err := os.OpenFile("/.fakebsd/syslog", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil
	}
	return &taggedLog{f: f, tag: fmt.Sprintf("hvnetconf[%d]: ", os.Getpid())}
}

// DetachedStderr is the emulated host's syslog as a detached handler's
// stderr, when the sandbox has one: a Go panic or runtime error there
// would otherwise vanish into /dev/null and leave only a VF out of its
// lagg to show for it. nil outside a sandbox.
func DetachedStderr() *os.File {
	f, err := os.OpenFile("/.fakebsd/syslog", os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil
	}
	return f
}

// taggedLog prefixes each write with the syslog tag, as syslogd would.
type taggedLog struct {
	f   *os.File
	tag string
}

func (l *taggedLog) Write(p []byte) (int, error) {
	if _, err := l.f.Write(append([]byte(l.tag), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
