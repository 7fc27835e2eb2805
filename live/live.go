// Package live is hvnetconf's one way to the running system: its sysctls,
// its interfaces and the programs that change it (ifconfig, service). System
// is that seam; New returns this build's implementation of it:
//
//   - FreeBSD (system_freebsd.go): sysctl(3) and the routing sysctl, no
//     process; programs run from PATH.
//   - the emulated host of the tests (build tag fakebsd, which a release
//     build never sets: system_emulated.go): everything through programs on
//     PATH, sysctl(8) and `ifconfig -l` included (programs.go), which the
//     tests point at internal/fakebsd.
//   - every other build (system_unsupported.go): every operation refuses with
//     exit 69, before anything runs.
//
// It also parses what ifconfig prints (ifconfig.go). It never decides what
// to change: that is the plan's business. Programs get argv slices, never a
// shell string.
package live

import (
	"context"
	"runtime"
	"strconv"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// Runner runs one program with its arguments and returns what it printed
// on stdout.
type Runner interface {
	Run(ctx context.Context, argv ...string) (stdout []byte, err error)
}

// System is the running system: the programs that change it and the kernel
// state the hn snapshot is read from.
type System interface {
	Runner
	hn.Kernel
}

// New returns the running system as this build reaches it; ctx bounds the
// programs its reads run (the emulated host's sysctl(8)).
func New(ctx context.Context) System { return newSystem(ctx) }

// Snapshot reads the hn state of sys. An error that carries no exit code
// of its own (a sysctl(8) that failed) is the live path failing: exit 1,
// as hvnetconf(8)'s exit-code table says, not a bug in hvnetconf (70).
func Snapshot(sys System) (*hn.Snapshot, error) {
	s, err := hn.Read(sys)
	if err != nil {
		return nil, sysexits.Failed("read the live hn state", err)
	}
	return s, nil
}

// Require refuses, before anything runs or is read, an operation that
// needs the running FreeBSD system (its sysctls, ifconfig, service) in a
// build that has none: every non-FreeBSD build except the tests' emulated
// host.
func Require(what string) error {
	return RequireElse(what, "give --state FILE to render, diff or check files, or apply --files-only")
}

// RequireElse is Require with its own advice on what to do instead
// (snapshot, say, has no --state to offer).
func RequireElse(what, instead string) error {
	if reachable {
		return nil
	}
	return sysexits.Errorf(sysexits.Unavailable,
		"%s needs the running FreeBSD system, and this is a %s build: %s", what, runtime.GOOS, instead)
}

// EnvTimeScale names the environment variable by which the emulated host
// (build tag fakebsd) divides every Sleep, a number > 1: the e2e tests'
// VF delay is then milliseconds instead of FreeBSD's 2 s floor, with the
// events in the same order. Every other build ignores it.
const EnvTimeScale = "FAKEBSD_TIME_SCALE"

// TimeScaled is d divided by scale, EnvTimeScale's value, when that is a
// number above 1, else d: the one rule by which the emulated build's Sleep
// and the emulated host's sleep(1) (internal/fakebsd) shorten waits.
func TimeScaled(d time.Duration, scale string) time.Duration {
	f, err := strconv.ParseFloat(scale, 64)
	if err != nil || !(f > 1) {
		return d
	}
	return time.Duration(float64(d) / f)
}

// Sleep waits d, or until ctx ends (then its cause): the time the running
// system is given to settle, such as hyperv_vf_delay before a new VF is
// brought up. The emulated host may shorten it (system_emulated.go), so
// that tests do not wait out real seconds; no other build can.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(scaled(d))
	defer t.Stop()
	select {
	case <-ctx.Done():
		// SIGTERM or SIGINT (main cancels ctx): nothing was changed yet.
		return sysexits.Errorf(sysexits.TempFail, "interrupted while waiting %v: %v", d, context.Cause(ctx))
	case <-t.C:
		return nil
	}
}
