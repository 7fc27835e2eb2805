// Package version holds the build's identity, stamped by the Makefile with
// -ldflags "-X …"; unstamped builds (go run, go test) say "dev".
package version

import (
	"fmt"
	"runtime"
)

// Set at link time by the Makefile.
var (
	Version = "dev"
	Commit  = "unknown"
)

// String is the one-line identity printed by `hvnetconf version`.
func String() string {
	return fmt.Sprintf("hvnetconf %s (commit %s, %s, %s/%s)",
		Version, Commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
