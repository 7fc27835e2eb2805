//go:build !freebsd

package host

import "github.com/hvnetconf/hvnetconf/internal/sysexits"

// KernelSysctls returns sysctls that fail: live discovery needs FreeBSD
// (use a --state snapshot elsewhere).
func KernelSysctls() Sysctls { return noSysctls{} }

type noSysctls struct{}

func (noSysctls) String(name string) (string, bool, error) {
	return "", false, sysexits.Errorf(sysexits.Unavailable, "sysctl %s: sysctl needs FreeBSD", name)
}

func (noSysctls) Int(name string) (int, bool, error) {
	return 0, false, sysexits.Errorf(sysexits.Unavailable, "sysctl %s: sysctl needs FreeBSD", name)
}
