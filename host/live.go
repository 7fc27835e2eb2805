package host

import (
	"runtime"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// RequireLive refuses, before anything runs or is read, an operation that
// needs the running FreeBSD system (its sysctls, ifconfig, service) in a
// build that has none: every non-FreeBSD build except the tests' emulated
// host (build tag fakebsd, which a release build never sets).
func RequireLive(what string) error {
	return RequireLiveElse(what, "give --state FILE to render, diff or check files, or apply --files-only")
}

// RequireLiveElse is RequireLive with its own advice on what to do instead
// (snapshot, say, has no --state to offer).
func RequireLiveElse(what, instead string) error {
	if live {
		return nil
	}
	return sysexits.Errorf(sysexits.Unavailable,
		"%s needs the running FreeBSD system, and this is a %s build: %s", what, runtime.GOOS, instead)
}
