package host

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// KernelSysctls returns the running kernel's sysctls.
func KernelSysctls() Sysctls { return kernelSysctls{} }

type kernelSysctls struct{}

func (kernelSysctls) String(name string) (string, bool, error) {
	v, err := unix.Sysctl(name)
	return v, found(err), sysctlErr(name, err)
}

func (kernelSysctls) Int(name string) (int, bool, error) {
	v, err := unix.SysctlUint32(name)
	return int(int32(v)), found(err), sysctlErr(name, err)
}

// ENOENT is how the kernel says the sysctl is not there (an old kernel
// without hw.hn.vflist, or an hn unit that does not exist): not an error.
func found(err error) bool { return err == nil }

func sysctlErr(name string, err error) error {
	if err == nil || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return fmt.Errorf("sysctl %s: %w", name, err)
}
