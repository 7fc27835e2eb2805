// Command fakebsd is the emulated FreeBSD host's programs in one binary:
// installed (symlinked) as ifconfig, service and sysctl, it acts on the
// state file named by FAKEBSD_STATE according to the name it was run as.
// Tests build it through fakebsd.New; it is never part of hvnetconf.
package main

import (
	"os"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

func main() {
	os.Exit(fakebsd.Run(os.Args, os.Stdout, os.Stderr, os.Getenv))
}
