// Package rcconf evaluates FreeBSD's rc.conf layering the way rc.subr's
// load_rc_config does, under a root directory, with real sh semantics from
// mvdan.cc/sh/v3. It never runs external programs: every file (and eval
// text) is checked for command substitution, external commands and writing
// redirections before it is interpreted.
//
// It also provides network.subr's per-interface helpers (get_if_var name
// mangling, the ifconfig_DEFAULT fallback, keyword parsing, aliases) and a
// quoting function whose output /bin/sh reads back byte for byte.
//
// What runs: variable assignments, parameter expansions, if/case/for/while,
// functions, and the builtins : true false test [ echo printf export
// readonly local unset set shift read break continue return . source eval.
// Output goes nowhere; redirections may read files under the root or write
// to /dev/null only. Refused (an error, or a skipped statement and a finding
// with Options.Lenient): command substitution, any other command, pipelines,
// subshells, background jobs, bash-only syntax, return outside a function.
//
// Origins: a plain assignment statement (a=1 b="$c") is the origin of every
// name it assigns. Any other statement (if, a function call, ., eval...)
// is the origin of the variables whose value it changed; a file it sources
// gives its own statements as origins. So a variable set by a function is
// attributed to the statement that called the function.
//
// Limits, each an error naming FILE:LINE: files over 1 MiB, NUL bytes,
// invalid UTF-8, and Options.Timeout; and counters that stop hostile input
// the same way on every run, each error starting "limit:" (limits.go):
// . nested deeper than 16, a million commands, 1000 nested function calls,
// eval nested 64 deep or over 1 MiB of text, values or positional
// parameters over 64 KiB, patterns over 4 KiB of text or with more than two
// expansions, 100000 parameters or words, 4 MiB of words in one command,
// 64 MiB of expansion work (pattern expansions weigh 256 per byte), 20
// million variable checks, and 10000 directory listings for globs.
package rcconf

import (
	"fmt"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
)

// DefaultsRCConf is FreeBSD's rc.conf defaults file, read first.
const DefaultsRCConf = defaultsRCConf

// Origin is where a variable got its final value: the logical path of the
// file (as FreeBSD names it, e.g. /etc/rc.conf, never prefixed by the root)
// and the 1-based line of the assignment.
type Origin struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (o Origin) String() string {
	if o.File == "" {
		return "(unknown)"
	}
	return fmt.Sprintf("%s:%d", termsafe.Path(o.File), o.Line)
}

// Options say what to evaluate.
type Options struct {
	// Files is the confined root to read (package fsys: the one way to a
	// file under -R), opened by the caller.
	Files *fsys.Root
	// Services are the names given to load_rc_config, in order, all in one
	// shell: rc.conf is read once, then rc.conf.d/NAME for each name.
	// rc.d/netif is {"network", "netif"}, rc.d/dhclient is
	// {"dhclient", "network"}, rc.d/routing is {"routing"}. Empty means
	// {"network"}.
	Services []string
	// Lenient skips a refused statement and records a finding instead of
	// failing the whole evaluation.
	Lenient bool
	// Overlay replaces files under the root, keyed by logical absolute path
	// (e.g. "/usr/local/etc/rc.conf.d/network"): the content stands in for
	// the file on disk; a nil value makes the file absent. Used by the
	// render self-check to evaluate a tree that is not written yet.
	Overlay map[string][]byte
	// Timeout bounds the whole evaluation (default 5s).
	Timeout time.Duration
	// Cache, when set, keeps the files parsed and checked for the other
	// Loads that share it (see ParseCache); nil parses for this Load alone.
	Cache *ParseCache
	// Session, when set, shares load_rc_config's common start and path
	// resolution with the other Loads of the run (see Session); nil
	// evaluates everything for this Load alone.
	Session *Session
}

// Var is one variable as the evaluated shell ends up with it.
type Var struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Origin Origin `json:"origin"`
}
