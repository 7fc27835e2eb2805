//go:build !freebsd && !fakebsd

package live

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
)

// reachable: no FreeBSD here; every live operation exits 69 (see Require).
const reachable = false

func newSystem(context.Context) System { return unsupported{} }

// unsupported is the running system of a build that has none: it refuses
// every operation, so that nothing of this host is read or run.
type unsupported struct{}

func (unsupported) Run(_ context.Context, argv ...string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, Require("run")
	}
	return nil, Require(argv[0])
}

func (unsupported) Sysctl(name string) (string, bool, error) {
	return "", false, Require("sysctl " + name)
}

func (unsupported) SysctlInt(name string) (int, bool, error) {
	return 0, false, Require("sysctl " + name)
}

func (unsupported) Interfaces() ([]hn.NetIf, error) { return nil, Require("the interface list") }

func scaled(d time.Duration) time.Duration { return d }

func bootTime(System) (time.Time, error) { return time.Time{}, Require("sysctl kern.boottime") }

// LogFile: no FreeBSD, no log besides syslog (which may be absent).
func LogFile() io.Writer { return nil }

// DetachedStderr: a detached handler's stderr stays on /dev/null.
func DetachedStderr() *os.File { return nil }
