// Command shim stands in for the two things the live path needs that the
// emulated host (internal/fakebsd) does not offer yet: sysctl(8) (`sysctl
// -n NAME`, answered from the emulation's derived sysctls) and rc.d's
// `service dhclient status|forcestop|forcestart IF` (status answered from
// the emulation's dhclient table; forcestop/forcestart passed on as
// stop/start, which the emulation does not pre-check anyway). Every other
// service command is passed on unchanged to the fake service, so command
// logs and injected failures stay the emulation's. Test-only: remove once
// fakebsd provides these.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

// quietTB lets fakebsd.Load be used outside a test; a failure panics.
type quietTB struct{ testing.TB }

func (quietTB) Helper()                   {}
func (quietTB) Fatal(args ...any)         { panic(fmt.Sprint(args...)) }
func (quietTB) Fatalf(f string, a ...any) { panic(fmt.Sprintf(f, a...)) }

func main() {
	h := fakebsd.Load(quietTB{}, os.Getenv(fakebsd.EnvState), os.Getenv(fakebsd.EnvRoot))
	args := os.Args[1:]
	switch filepath.Base(os.Args[0]) {
	case "sysctl":
		os.Exit(sysctl(h, args))
	case "service":
		if len(args) == 3 && args[0] == "dhclient" {
			switch args[1] {
			case "status":
				if h.State().Dhclient[args[2]] {
					fmt.Printf("dhclient is running as pid %d.\n", 1000)
					os.Exit(0)
				}
				fmt.Println("dhclient is not running.")
				os.Exit(1)
			case "forcestop":
				args[1] = "stop"
			case "forcestart":
				args[1] = "start"
			}
		}
		fake := filepath.Join(os.Getenv("E2E_FAKEBSD_DIR"), "service")
		err := syscall.Exec(fake, append([]string{"service"}, args...), os.Environ())
		fmt.Fprintf(os.Stderr, "shim: exec %s: %v\n", fake, err)
		os.Exit(70)
	}
	os.Exit(70)
}

func sysctl(h *fakebsd.Host, args []string) int {
	if len(args) < 2 || args[0] != "-n" {
		fmt.Fprintln(os.Stderr, "usage: sysctl -n name ...")
		return 64
	}
	code := 0
	for _, name := range args[1:] {
		v, ok, err := h.Sysctls().String(name)
		switch {
		case err != nil:
			fmt.Fprintf(os.Stderr, "sysctl: %v\n", err)
			return 70
		case !ok:
			fmt.Fprintf(os.Stderr, "sysctl: unknown oid '%s'\n", name)
			code = 1
		default:
			fmt.Println(v)
		}
	}
	return code
}
