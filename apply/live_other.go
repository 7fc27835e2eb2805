//go:build !freebsd

package apply

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/host"
)

// SysctlProgram is sysctl(8). Off FreeBSD there is no hn(4) in this
// process's kernel; the live path then asks a FreeBSD-compatible sysctl(8)
// on PATH (the emulated host of the tests is one), the same way it reaches
// ifconfig and service.
var SysctlProgram = "sysctl"

// Sysctls returns the host's sysctls: here, sysctl(8) through r.
func Sysctls(ctx context.Context, r host.Runner) host.Sysctls { return cmdSysctls{ctx: ctx, r: r} }

// Live reads the hn snapshot: sysctls through sysctl(8), the interface
// list through `ifconfig -l`.
func Live(ctx context.Context, r host.Runner) (*hn.Snapshot, error) {
	names, err := host.List(ctx, r)
	if err != nil {
		return nil, failure(liveStep, err)
	}
	s, err := hn.FromSysctls(Sysctls(ctx, r), names)
	return s, failure(liveStep, err)
}

type cmdSysctls struct {
	ctx context.Context
	r   host.Runner
}

// sysctlTimeout bounds one sysctl(8) run.
const sysctlTimeout = 5 * time.Second

// String runs `sysctl -n NAME`; sysctl(8) says "unknown oid 'NAME'" and
// exits 1 for a sysctl the kernel does not have.
func (c cmdSysctls) String(name string) (string, bool, error) {
	ctx, cancel := context.WithTimeout(c.ctx, sysctlTimeout)
	defer cancel()
	out, err := c.r.Run(ctx, SysctlProgram, "-n", name)
	var ce *host.CmdError
	if errors.As(err, &ce) && strings.Contains(ce.Stderr, "unknown oid") {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return strings.TrimSuffix(string(out), "\n"), true, nil
}

func (c cmdSysctls) Int(name string) (int, bool, error) {
	v, ok, err := c.String(name)
	if err != nil || !ok {
		return 0, ok, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, true, errors.New("sysctl " + name + ": not an integer: " + strconv.Quote(v))
	}
	return n, true, nil
}
