package live

import (
	"errors"
	"fmt"
	"syscall"
)

// ribTries bounds fetchRIB, as the Go standard library bounds its own read
// of the same table (internal/routebsd fetchRIB, Go 1.26: 3 tries, issue
// 45736).
const ribTries = 3

// fetchRIB runs read, a routing sysctl such as NET_RT_IFLIST, until it
// does not fail with ENOMEM, at most ribTries times. The sysctl is two
// calls, the size and then the table (x/sys/unix SysctlRaw), and FreeBSD
// fails the second with ENOMEM when the table grew between them
// (sysctl(3): ENOMEM, the buffer is now too short): an interface
// attached in that window, which is exactly what a VF hot-plug does while
// the devd handlers read the list. Each try probes the size again.
func fetchRIB(read func() ([]byte, error)) ([]byte, error) {
	var err error
	for range ribTries {
		var b []byte
		if b, err = read(); !errors.Is(err, syscall.ENOMEM) {
			return b, err
		}
	}
	return nil, fmt.Errorf("%w (the table kept growing between the size probe and the read: %d tries)", err, ribTries)
}
