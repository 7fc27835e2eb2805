package main

import (
	"runtime"
	"strings"
	"testing"
)

// TestSuggestions: an unknown command or flag names the nearest one.
func TestSuggestions(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"rendr"}, "hvnetconf: unknown command \"rendr\" (did you mean render?)\n"},
		{[]string{"chek"}, "hvnetconf: unknown command \"chek\" (did you mean check?)\n"},
		{[]string{"snapshto"}, "hvnetconf: unknown command \"snapshto\" (did you mean snapshot?)\n"},
		{[]string{"rend"}, "hvnetconf: unknown command \"rend\" (did you mean render?)\n"},
		{[]string{"nosuch"}, "hvnetconf: unknown command \"nosuch\" (see hvnetconf help)\n"},
		{[]string{"render", "--stat", "x"}, "hvnetconf render: unknown flag: --stat (did you mean --state?)\n"},
		{[]string{"render", "-state", "x"}, "hvnetconf render: unknown shorthand flag: 's' in -state (did you mean --state?)\n"},
		{[]string{"apply", "--dryrun"}, "hvnetconf apply: unknown flag: --dryrun (did you mean --dry-run?)\n"},
		{[]string{"check", "--dry-run"}, "hvnetconf check: unknown flag: --dry-run (--dry-run is a flag of apply)\n"},
		{[]string{"diff", "--out", "x"}, "hvnetconf diff: unknown flag: --out (--out is a flag of render)\n"},
		{[]string{"diff", "--jsn"}, "hvnetconf diff: unknown flag: --jsn (did you mean --json?)\n"},
		{[]string{"diff", "--frobnicate"}, "hvnetconf diff: unknown flag: --frobnicate\n"},
		{[]string{"diff", "-x"}, "hvnetconf diff: unknown shorthand flag: 'x' in -x\n"},
	}
	for _, tt := range tests {
		_, stderr, code := hvnetconf(t, tt.args...)
		if code != 64 || stderr != tt.want {
			t.Errorf("%q: exit %d, stderr %q; want 64, %q", tt.args, code, stderr, tt.want)
		}
	}
}

// TestSnapshotOffFreeBSD: snapshot has no --state, so its refusal does not
// offer one.
func TestSnapshotOffFreeBSD(t *testing.T) {
	if runtime.GOOS == "freebsd" {
		t.Skip("live on FreeBSD")
	}
	_, stderr, code := hvnetconf(t, "snapshot")
	if code != 69 || strings.Contains(stderr, "--state") || strings.Count(stderr, "\n") != 1 ||
		!strings.HasPrefix(stderr, "hvnetconf: snapshot needs the running FreeBSD system") {
		t.Errorf("snapshot: exit %d, stderr %q; want 69, one line, no --state", code, stderr)
	}
}
