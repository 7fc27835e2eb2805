//go:build freebsd

package hn

import (
	"errors"
	"net"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"golang.org/x/sys/unix"
)

// The routing-message layout kernel.go decodes must be FreeBSD's: these
// fail to compile if a constant drifts from x/sys/unix.
var (
	_ = [1]int{}[rtmIfinfo-unix.RTM_IFINFO]
	_ = [1]int{}[rtmVersion-unix.RTM_VERSION]
)

// Live reads the hn/VF state from the running kernel: sysctls through
// sysctl(3) (no sysctl process), the interface list through the routing
// sysctl, as FreeBSD's hyperv scripts read them.
func Live() (*Snapshot, error) {
	return readKernel(liveKernel{}, time.Sleep)
}

type liveKernel struct{}

// absent maps "no such sysctl" to ok=false: hyperv_vfattach treats a
// failing `sysctl -n hw.hn.vf_transparent` as an old kernel, not an error.
func absent(err error) (ok bool, _ error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, unix.ENOENT):
		return false, nil
	}
	return false, err
}

func (liveKernel) sysctlString(name string) (string, bool, error) {
	v, err := unix.Sysctl(name)
	ok, err := absent(err)
	if err != nil {
		return "", false, sysexits.Errorf(sysexits.Unavailable, "sysctl %s: %v", name, err)
	}
	return v, ok, nil
}

func (liveKernel) sysctlInt(name string) (uint32, bool, error) {
	v, err := unix.SysctlUint32(name)
	ok, err := absent(err)
	if err != nil {
		return 0, false, sysexits.Errorf(sysexits.Unavailable, "sysctl %s: %v", name, err)
	}
	return v, ok, nil
}

func (liveKernel) interfaces() ([]netIf, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "interface list: %v", err)
	}
	rib, err := unix.SysctlRaw("net.routetable", 0, 0, unix.NET_RT_IFLIST, 0)
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "sysctl net.routetable (NET_RT_IFLIST): %v", err)
	}
	links, err := parseLinkStates(rib)
	if err != nil {
		return nil, sysexits.Errorf(sysexits.Unavailable, "sysctl net.routetable (NET_RT_IFLIST): %v", err)
	}
	out := make([]netIf, 0, len(ifs))
	for _, i := range ifs {
		out = append(out, netIf{Name: i.Name, MAC: i.HardwareAddr.String(), MTU: i.MTU, Link: links[i.Index]})
	}
	return out, nil
}
