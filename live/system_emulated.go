//go:build !freebsd && fakebsd

package live

import (
	"context"
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
