//go:build fakebsd

package live

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/hn"
)

// Programs is the running system reached through programs only: r runs
// ifconfig and service, sysctl(8) answers the sysctls and `ifconfig -l`
// lists the interfaces. It is the emulated host's System (the tests point
// PATH, or r, at internal/fakebsd); FreeBSD itself is read through
// sysctl(3) instead. Interfaces lists names only: MAC, MTU and link state
// are left unknown, as nothing on the live path needs them.
func Programs(ctx context.Context, r Runner) System {
	return &programs{Runner: r, ctx: ctx}
}

// Sysctl reads sysctls for the emulated host: sysctl(8). FreeBSD is read
// through sysctl(3) (system_freebsd.go), so a release build has neither
// this nor the batching below: build tag fakebsd only.
var Sysctl = "sysctl"

// List returns the names of all interfaces (`ifconfig -l`).
func List(ctx context.Context, r Runner) ([]string, error) {
	out, err := r.Run(ctx, Ifconfig, "-l")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

type programs struct {
	Runner
	ctx   context.Context
	batch *sysctlBatch
}

// Interfaces lists the interface names (`ifconfig -l`), each time it is
// asked, so that hn's consistency re-read sees the host as it is.
func (p *programs) Interfaces() ([]hn.NetIf, error) {
	names, err := List(p.ctx, p.Runner)
	if err != nil {
		return nil, err
	}
	out := make([]hn.NetIf, 0, len(names))
	for _, n := range names {
		out = append(out, hn.NetIf{Name: n})
		if u, err := hn.HNUnit(n); err == nil {
			p.sysctls().cover(u) // hn probes up to its highest unit + UnitGap
		}
	}
	return out, nil
}

func (p *programs) sysctls() *sysctlBatch {
	if p.batch == nil {
		p.batch = newSysctlBatch(p.ctx, p.Runner)
	}
	return p.batch
}

// Sysctl reads through the batch: one sysctl(8) run answers every name a
// snapshot reads (see cover).
func (p *programs) Sysctl(name string) (string, bool, error) { return p.sysctls().String(name) }

func (p *programs) SysctlInt(name string) (int, bool, error) { return p.sysctls().Int(name) }

// sysctlTimeout bounds one sysctl(8) run. Only the emulated host reads
// sysctls this way; a loaded test machine can keep its sysctl(8) (a
// process that takes the state file's lock) waiting several seconds, and a
// read that gives up then makes a devd handler in the background give up
// without a trace.
const sysctlTimeout = 30 * time.Second

// sysctlBatch reads through sysctl(8) with one process for all the names
// the hn snapshot reads, instead of one per name (about 20). sysctl(8)
// prints "NAME: value" for each name it knows and, for each it does not,
// "sysctl: unknown oid 'NAME'" on stderr, going on with the next name and
// exiting with the count of those (sbin/sysctl/sysctl.c, main and parse).
// Each answer is handed out once: reading a name again (hn's consistency
// re-read) runs sysctl again, so a re-read sees the kernel as it is now.
type sysctlBatch struct {
	ctx    context.Context
	r      Runner
	names  []string          // what one run asks for
	units  int               // dev.hn.N.vf asked for N below this
	values map[string]string // the last run's answers
	absent map[string]bool   // the last run's unknown oids
	served map[string]bool   // answers already handed out
}

func newSysctlBatch(ctx context.Context, r Runner) *sysctlBatch {
	b := &sysctlBatch{ctx: ctx, r: r, names: []string{"hw.hn.vf_transparent", "hw.hn.vflist", "hw.hn.vfmap"}}
	b.cover(0)
	return b
}

// cover makes the batch ask for dev.hn.N.vf up to hn unit top + UnitGap,
// where hn's probe stops past hnTOP: hn0 is assumed until the interface
// list names a higher unit.
func (b *sysctlBatch) cover(top int) {
	for u := b.units; u <= top+hn.UnitGap; u++ {
		b.names = append(b.names, "dev.hn."+strconv.Itoa(u)+".vf")
		b.units = u + 1
	}
}

// String reads one name: from the last run if that answer is unused, else
// from a new run (of the batch, plus name if the batch lacks it).
func (b *sysctlBatch) String(name string) (string, bool, error) {
	if !b.fresh(name) {
		if err := b.fetch(name); err != nil {
			return "", false, err
		}
		if !b.fresh(name) {
			return "", false, errors.New(Sysctl + " " + name + ": no answer for it")
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

// fetch runs `sysctl NAME…` for the batch (and name) and keeps the answers.
// Unknown oids are answers ("absent"); anything else on stderr, or a run
// that did not exit normally, is an error.
func (b *sysctlBatch) fetch(name string) error {
	names := b.names
	if !slices.Contains(names, name) {
		names = append(slices.Clip(names), name)
	}
	ctx, cancel := context.WithTimeout(b.ctx, sysctlTimeout)
	defer cancel()
	out, err := b.r.Run(ctx, append([]string{Sysctl}, names...)...)
	absent := map[string]bool{}
	if err != nil {
		var ce *CmdError
		if !errors.As(err, &ce) || ce.ExitCode < 1 || !unknownOIDs(ce.Stderr, absent) {
			return err
		}
	}
	b.values, b.absent, b.served = parseSysctls(string(out), names), absent, map[string]bool{}
	return nil
}

// unknownOIDs records the names of stderr's "sysctl: unknown oid 'NAME'"
// lines and says whether every line was one.
func unknownOIDs(stderr string, into map[string]bool) bool {
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		rest, ok := strings.CutPrefix(l, "sysctl: unknown oid '")
		name, ok2 := strings.CutSuffix(rest, "'")
		if !ok || !ok2 {
			return false
		}
		into[name] = true
	}
	return true
}

// parseSysctls reads "NAME: value" lines for the names asked; a line that
// starts with no such name continues the previous value (a string sysctl
// may hold a newline).
func parseSysctls(out string, names []string) map[string]string {
	m := map[string]string{}
	last := ""
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		name, v, ok := strings.Cut(l, ":")
		if ok && slices.Contains(names, name) {
			m[name], last = strings.TrimPrefix(v, " "), name
			continue
		}
		if last != "" {
			m[last] += "\n" + l
		}
	}
	return m
}
