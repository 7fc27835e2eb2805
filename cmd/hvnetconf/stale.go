package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hvnetconf/hvnetconf/plan"
)

// printStale tells, after a command rendered, that files an earlier render
// wrote no longer match the inputs: rc.conf (or hvnetconf.toml, the hn
// state) changed since, and until they are rendered again the old files
// shadow what the admin wrote (netif reads /usr/local/etc/rc.conf.d/network
// after rc.conf). wrote says this command has just rendered them again.
func printStale(w io.Writer, res *plan.Result, wrote bool) {
	var paths []string
	for _, c := range res.Changes {
		if c.OldExists {
			paths = append(paths, c.Path)
		}
	}
	if len(paths) == 0 {
		return
	}
	if wrote {
		fmt.Fprintf(w, "hvnetconf: note: the last render no longer matched rc.conf, hvnetconf.toml and the hn state; rendered again: %s\n", strings.Join(paths, ", "))
		return
	}
	fmt.Fprintf(w, "hvnetconf: note: the last render no longer matches rc.conf, hvnetconf.toml and the hn state (one changed, or a rendered file was edited), and its files shadow rc.conf: %s; run hvnetconf apply, or reboot (rc.d/hvnetconf renders again before netif)\n", strings.Join(paths, ", "))
}
