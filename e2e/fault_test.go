package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/conformance"
)

// TestApplyFaultInjection fails the k-th emulated command of an apply on an
// old-style host, for every k a full apply runs: the files must be byte
// identical and the runtime equal to before (but for the devd restart that
// ends an apply, whose failure leaves it applied), the exit status 1 (a failed
// read before any change included), and the message must name the failed
// command. No k is skipped: a failed `service dhclient status IF` is told
// from "not running" by rc.subr's "dhclient is not running." line, so it
// is an error like any other.
func TestApplyFaultInjection(t *testing.T) {
	t.Parallel()
	tree := conformance.Trees(t)[0]
	ref := oldHost(t, tree)
	mark := len(ref.Commands())
	if r := ref.run("apply"); r.code != 0 {
		t.Fatalf("reference apply: exit %d\n%s", r.code, r.stderr)
	}
	applied, appliedFiles := ref.runtime(), ref.files()
	var all []string
	for _, c := range applyOwn(ref.Commands()[mark:]) {
		if c.Caller == "hvnetconf" {
			all = append(all, strings.Join(c.Argv, " "))
		}
	}
	// Each k starts from a host as booted: one of the pool's, which the
	// subtests before it left so (their assertions say it), or one of its
	// own.
	hosts := newHostPool(t, min(parallel(), 2), func(t *testing.T) *host { return oldHost(t, tree) })
	for k := 1; k <= len(all); k++ {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			t.Parallel()
			h := hosts.get(t)
			before, files, mark := h.runtime(), h.files(), len(h.Commands())
			h.FailAt(k)
			r := h.run("apply")
			failed := failedCommand(h, mark)
			if failed == "" {
				t.Fatalf("no command of hvnetconf's failed (%d of it ran, failing the %dth)", len(all), k)
			}
			if failed != all[k-1] {
				t.Errorf("the failed command is %q, want the reference apply's %dth, %q", failed, k, all[k-1])
			}
			if r.code != 1 {
				t.Fatalf("exit %d with %q failed, want 1:\n%s", r.code, failed, r.stderr)
			}
			if !strings.Contains(r.stderr, failed) {
				t.Errorf("message does not name %q:\n%s", failed, r.stderr)
			}
			if failed == "service devd restart" {
				// The restart runs after the change is complete and the
				// lock let go (devd never waits on a handler that waits
				// on it): its failure leaves the change applied and says
				// that devd still runs the old rules.
				before, files = applied, appliedFiles
				if !strings.Contains(r.stderr, "devd still runs the old rules") {
					t.Errorf("message does not say devd kept the old rules:\n%s", r.stderr)
				}
			}
			if !same(files, h.files()) {
				t.Errorf("files changed")
			}
			if got := h.runtime(); got != before {
				t.Errorf("runtime differs after %q failed:\nbefore:\n%s\nafter:\n%s", failed, before, got)
			}
			t.Logf("exit %d: %s", r.code, strings.TrimSpace(r.stderr[strings.LastIndex(r.stderr, "hvnetconf: "):]))
			if failed != "service devd restart" {
				hosts.put(t)
			}
		})
	}
}

// failedCommand is the command since mark that FailAt failed.
func failedCommand(h *host, mark int) string {
	for _, c := range h.Commands()[mark:] {
		if c.Injected {
			return strings.Join(c.Argv, " ")
		}
	}
	return ""
}
