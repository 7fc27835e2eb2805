// Package updateflag defines the -update test flag once, so that
// `go test ./... -update` is accepted by every test binary (go test passes
// the flag to all of them) while only golden tests act on it. Test files
// import it, blank or by name; production code never does.
package updateflag

import "flag"

// Update asks golden tests to rewrite their expected outputs.
var Update = flag.Bool("update", false, "rewrite golden expectations instead of comparing")
