//go:build !freebsd && fakebsd

package host

// live: the tests' emulated host (internal/fakebsd, reached through PATH
// inside its sandbox) stands in for FreeBSD. Only `go build -tags fakebsd`,
// which the conformance and e2e tests use, selects this file.
const live = true
