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

// JSON is the revision of the --json output contract
// (docs/hvnetconf.schema.json, whose $id ends in it). Fields are only ever
// added; JSON grows by one with each addition, so that a client (the
// Ansible module) can tell whether this build prints what it reads.
// Version strings cannot say that: "dev" and git describe output do not
// order.
const JSON = 4

// String is the one-line identity printed by `hvnetconf version`.
func String() string {
	return fmt.Sprintf("hvnetconf %s (commit %s, %s, %s/%s)",
		Version, Commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// Info is the identity printed by `hvnetconf version --json`.
type Info struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Go      string `json:"go"`
	OS      string `json:"os"`
	Arch    string `json:"arch"`
	JSON    int    `json:"json_version"`
}

// Current is this build's Info.
func Current() Info {
	return Info{Version: Version, Commit: Commit, Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, JSON: JSON}
}
