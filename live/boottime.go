package live

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// BootTime is when the running system booted (kern.boottime): the start
// of the time status counts without a VF.
func BootTime(sys System) (time.Time, error) { return bootTime(sys) }

// parseBootTime reads kern.boottime as sysctl(8) prints a struct timeval
// (sbin/sysctl/sysctl.c S_timeval): "{ sec = 1765065600, usec = 12 } Mon
// Dec  7 ...".
func parseBootTime(v string) (time.Time, error) {
	f := strings.Fields(strings.NewReplacer("{", " ", "}", " ", ",", " ", "=", " ").Replace(v))
	if len(f) < 4 || f[0] != "sec" || f[2] != "usec" {
		return time.Time{}, fmt.Errorf("kern.boottime: %q is not a timeval", v)
	}
	sec, err := strconv.ParseInt(f[1], 10, 64)
	usec, err2 := strconv.ParseInt(f[3], 10, 64)
	if err != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("kern.boottime: %q is not a timeval", v)
	}
	return time.Unix(sec, usec*1000), nil
}
