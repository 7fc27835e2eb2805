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

// Sysctls returns the host's sysctls: here, sysctl(8) through r, every
// name the live path may read asked in one run (see sysctlBatch).
func Sysctls(ctx context.Context, r host.Runner) host.Sysctls {
	return newSysctlBatch(ctx, r, nil)
}

// Live reads the hn snapshot: sysctls through sysctl(8), the interface
// list through `ifconfig -l`.
func Live(ctx context.Context, r host.Runner) (*hn.Snapshot, error) {
	names, err := host.List(ctx, r)
	if err != nil {
		return nil, failure(liveStep, err)
	}
	s, err := hn.FromSysctls(newSysctlBatch(ctx, r, names), names)
	return s, failure(liveStep, err)
}

// sysctlTimeout bounds one sysctl(8) run.
const sysctlTimeout = 5 * time.Second

// sysctlBatch reads through sysctl(8) with one process for all the names
// the hn snapshot reads, instead of one per name (about 20). sysctl(8)
// prints "NAME: value" for each name it knows and, for each it does not,
// "sysctl: unknown oid 'NAME'" on stderr, going on with the next name and
// exiting with the count of those (sbin/sysctl/sysctl.c, main and parse).
// Each answer is handed out once: reading a name again (hn's consistency
// re-read) runs sysctl again, so a re-read sees the kernel as it is now.
type sysctlBatch struct {
	ctx    context.Context
	r      host.Runner
	names  []string          // what one run asks for
	values map[string]string // the last run's answers
	absent map[string]bool   // the last run's unknown oids
	served map[string]bool   // answers already handed out
}

// Probing dev.hn.N.vf stops 16 units after the last hn (hn.unitGap), so
// the batch covers up to the highest hn unit of the interface list + 16.
const hnUnitGap = 16

func newSysctlBatch(ctx context.Context, r host.Runner, ifnames []string) *sysctlBatch {
	top := -1
	for _, n := range ifnames {
		if u, err := hn.HNUnit(n); err == nil && u > top {
			top = u
		}
	}
	names := []string{"hw.hn.vf_transparent", "hw.hn.vflist", "hw.hn.vfmap"}
	for u := 0; u <= top+hnUnitGap; u++ {
		names = append(names, "dev.hn."+strconv.Itoa(u)+".vf")
	}
	return &sysctlBatch{ctx: ctx, r: r, names: names}
}

// String reads one name: from the last run if that answer is unused, else
// from a new run (of the batch, plus name if the batch lacks it).
func (b *sysctlBatch) String(name string) (string, bool, error) {
	if !b.fresh(name) {
		if err := b.fetch(name); err != nil {
			return "", false, err
		}
		if !b.fresh(name) {
			return "", false, errors.New(SysctlProgram + " " + name + ": no answer for it")
		}
	}
	b.served[name] = true
	v, ok := b.values[name]
	return v, ok, nil
}

func (b *sysctlBatch) fresh(name string) bool {
	_, known := b.values[name]
	return (known || b.absent[name]) && !b.served[name]
}

func (b *sysctlBatch) Int(name string) (int, bool, error) {
	v, ok, err := b.String(name)
	if err != nil || !ok {
		return 0, ok, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, true, errors.New("sysctl " + name + ": not an integer: " + strconv.Quote(v))
	}
	return n, true, nil
}
