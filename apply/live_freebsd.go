package apply

import (
	"context"

	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/host"
)

// Sysctls returns the running kernel's sysctls (sysctl(3), no process).
func Sysctls(context.Context, host.Runner) host.Sysctls { return host.KernelSysctls() }

// Live reads the hn snapshot from the running kernel.
func Live(context.Context, host.Runner) (*hn.Snapshot, error) {
	s, err := hn.Live()
	return s, failure(liveStep, err)
}
