//go:build freebsd

package live

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"golang.org/x/sys/unix"
)

// reachable: FreeBSD's own sysctls and programs are there.
const reachable = true

// The routing-message layout linkstate.go decodes must be FreeBSD's: these
// fail to compile if a constant drifts from x/sys/unix.
var (
	_ = [1]int{}[rtmIfinfo-unix.RTM_IFINFO]
	_ = [1]int{}[rtmVersion-unix.RTM_VERSION]
)

func newSystem(context.Context) System { return kernel{} }

func scaled(d time.Duration) time.Duration { return d }

// LogFile: on FreeBSD, syslog(3) is the log; there is no other.
func LogFile() io.Writer { return nil }

// DetachedStderr: a detached handler's stderr stays on /dev/null.
func DetachedStderr() *os.File { return nil }

// kernel is the running FreeBSD system: sysctls through sysctl(3) (no
// sysctl process), the interface list through the routing sysctl, as
// FreeBSD's hyperv scripts read them; programs from PATH.
type kernel struct{ ExecRunner }

// absent maps "no such sysctl" to ok=false: hyperv_vfattach treats a
// failing `sysctl -n hw.hn.vf_transparent` as an old kernel, and an hn
// unit that does not exist has no dev.hn.N: neither is an error.
func absent(name string, err error) (ok bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.ENOENT):
		return false, nil
	}
	return false, sysexits.Errorf(sysexits.Unavailable, "sysctl %s: %v", name, err)
}

func (kernel) Sysctl(name string) (string, bool, error) {
	v, err := unix.Sysctl(name)
	ok, err := absent(name, err)
	return v, ok, err
}

func (kernel) SysctlInt(name string) (int, bool, error) {
	v, err := unix.SysctlUint32(name)
	ok, err := absent(name, err)
	return int(int32(v)), ok, err
}

func (kernel) Interfaces() ([]hn.NetIf, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "interface list: %v", err)
	}
	rib, err := fetchRIB(ifList)
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "sysctl net.routetable (NET_RT_IFLIST): %v", err)
	}
	links, err := parseLinkStates(rib)
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "sysctl net.routetable (NET_RT_IFLIST): %v", err)
	}
	out := make([]hn.NetIf, 0, len(ifs))
	for _, i := range ifs {
		out = append(out, hn.NetIf{Name: i.Name, MAC: i.HardwareAddr.String(), MTU: i.MTU, Link: links[i.Index]})
	}
	return out, nil
}

// ifList is the NET_RT_IFLIST routing sysctl, one size probe and one read
// (fetchRIB tries it again when the list grew in between).
var ifList = func() ([]byte, error) { return unix.SysctlRaw("net.routetable", 0, 0, unix.NET_RT_IFLIST, 0) }

// bootTime reads kern.boottime through sysctl(3): a struct timeval.
func bootTime(System) (time.Time, error) {
	tv, err := unix.SysctlTimeval("kern.boottime")
	if err != nil {
		return time.Time{}, sysexits.Errorf(sysexits.Unavailable, "sysctl kern.boottime: %v", err)
	}
	return time.Unix(tv.Unix()), nil
}
