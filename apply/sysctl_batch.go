//go:build !freebsd

package apply

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/host"
)

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
	out, err := b.r.Run(ctx, append([]string{SysctlProgram}, names...)...)
	absent := map[string]bool{}
	if err != nil {
		var ce *host.CmdError
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
