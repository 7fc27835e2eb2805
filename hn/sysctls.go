package hn

import (
	"time"

	"github.com/hvnetconf/hvnetconf/host"
)

// FromSysctls reads a Snapshot through host.Sysctls instead of sysctl(3):
// the live path uses it where the sysctls come from somewhere else than
// this process's kernel (sysctl(8) on PATH, the test emulation). interfaces
// is the host's interface list (`ifconfig -l`); MAC, MTU and link state are
// left unknown, as nothing on the live path needs them. The same
// consistency re-reads as Live apply.
func FromSysctls(s host.Sysctls, interfaces []string) (*Snapshot, error) {
	return readKernel(sysctlKernel{s: s, names: interfaces}, time.Sleep)
}

type sysctlKernel struct {
	s     host.Sysctls
	names []string
}

func (k sysctlKernel) sysctlString(name string) (string, bool, error) {
	return k.s.String(name)
}

func (k sysctlKernel) sysctlInt(name string) (uint32, bool, error) {
	v, ok, err := k.s.Int(name)
	return uint32(v), ok, err
}

func (k sysctlKernel) interfaces() ([]netIf, error) {
	out := make([]netIf, 0, len(k.names))
	for _, n := range k.names {
		out = append(out, netIf{Name: n})
	}
	return out, nil
}
