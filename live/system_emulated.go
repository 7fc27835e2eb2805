//go:build !freebsd && fakebsd

package live

import (
	"context"
	"fmt"
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
