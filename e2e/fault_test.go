package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestApplyFaultInjection fails the k-th emulated command of an apply on an
// old-style host, for every k a full apply runs: the files must be byte
// identical and the runtime equal to before, the exit status 1 (a failed
// read before any change included), and the message must name the failed
// command. No k is skipped: a failed `service dhclient status IF` is told
// from "not running" by rc.subr's "dhclient is not running." line, so it
// is an error like any other.
func TestApplyFaultInjection(t *testing.T) {
	ref := oldHost(t)
	if r := ref.run("apply"); r.code != 0 {
		t.Fatalf("reference apply: exit %d\n%s", r.code, r.stderr)
	}
	cmds := ref.Commands()
	for k := 1; k <= len(cmds); k++ {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			t.Parallel()
			h := oldHost(t)
			before, files := h.runtime(), h.files()
			h.FailAt(k)
			r := h.run("apply")
			failed := commandAt(h, k)
			if failed == "" {
				t.Fatalf("command %d did not fail (ran %d)", k, len(h.Commands()))
			}
			if r.code != 1 {
				t.Fatalf("exit %d with %q failed, want 1:\n%s", r.code, failed, r.stderr)
			}
			if !strings.Contains(r.stderr, failed) {
				t.Errorf("message does not name %q:\n%s", failed, r.stderr)
			}
			if !same(files, h.files()) {
				t.Errorf("files changed")
			}
			if got := h.runtime(); got != before {
				t.Errorf("runtime differs after %q failed:\nbefore:\n%s\nafter:\n%s", failed, before, got)
			}
			t.Logf("exit %d: %s", r.code, strings.TrimSpace(r.stderr[strings.LastIndex(r.stderr, "hvnetconf: "):]))
		})
	}
}

// commandAt is the k-th command run (the logs start empty in oldHost), if
// it failed.
func commandAt(h *host, k int) string {
	cmds := h.Commands()
	if len(cmds) < k || cmds[k-1].Exit == 0 {
		return ""
	}
	return strings.Join(cmds[k-1].Argv, " ")
}
