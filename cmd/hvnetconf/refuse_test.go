package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// clashRoot is golden/lagg-name-clash's input: hvnetconf.toml sends hn0
// onto lagg1, which hn1 gets by default (an error finding), and a
// hand-made lagg2 keeps hn2 out (a warning).
func clashRoot(t *testing.T) (root, state string) {
	t.Helper()
	return testtool.CopyRoot(t, "../../golden/lagg-name-clash/root", "../../golden/_defaults/rc.conf"),
		"../../golden/lagg-name-clash/state.toml"
}

// An error finding fails every rendering command with 65, writes nothing,
// and -q hides only informational findings.
func TestErrorFindingFailsTheRun(t *testing.T) {
	for _, cmd := range []string{"render", "diff", "check"} {
		for _, quiet := range []bool{false, true} {
			root, state := clashRoot(t)
			args := []string{cmd, "-R", root, "--state", state}
			if quiet {
				args = append(args, "-q")
			}
			stdout, stderr, code := hvnetconf(t, args...)
			if code != 65 || stdout != "" {
				t.Errorf("%q: exit %d, stdout %q; want 65 and nothing", args, code, stdout)
			}
			// Only a command that writes says that it wrote nothing.
			last := map[bool]string{true: "hvnetconf: 1 error finding(s) above (nothing was written)\n",
				false: "hvnetconf: 1 error finding(s) above\n"}[cmd == "render"]
			for _, want := range []string{
				"hvnetconf: /usr/local/etc/hvnetconf.toml:2: error: hn0 and hn1 would both become lagg1",
				"hvnetconf: /etc/rc.conf:5: warning: lagg2 is already configured by hand",
				last,
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("%q: stderr lacks %q:\n%s", args, want, stderr)
				}
			}
			if _, err := os.Stat(filepath.Join(root, "usr/local/etc/rc.conf.d")); !os.IsNotExist(err) {
				t.Errorf("%q: wrote into the root: %v", args, err)
			}
		}
	}
}

// A snapshot without hn (what a failed `hvnetconf snapshot > FILE` leaves)
// is refused in one line unless --allow-empty says it is meant; then
// every rendered file goes.
func TestEmptySnapshotNeedsAllowEmpty(t *testing.T) {
	for name, body := range map[string]string{"zero-bytes": "", "no-hn": "vf_transparent = 0\nvflist = []\n"} {
		root := exampleRoot(t)
		if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState); code != 0 {
			t.Fatalf("render: exit %d: %s", code, stderr)
		}
		state := filepath.Join(t.TempDir(), "state.toml")
		if err := os.WriteFile(state, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		network := filepath.Join(root, "usr/local/etc/rc.conf.d/network")
		for _, cmd := range []string{"render", "diff"} {
			_, stderr, code := hvnetconf(t, cmd, "-R", root, "--state", state)
			if code != 65 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--allow-empty") {
				t.Errorf("%s: %s: exit %d, stderr %q; want 65 and one line naming --allow-empty", name, cmd, code, stderr)
			}
		}
		if _, err := os.Stat(network); err != nil {
			t.Errorf("%s: refused render removed a file: %v", name, err)
		}
		stdout, stderr, code := hvnetconf(t, "render", "-R", root, "--state", state, "--allow-empty")
		if code != 0 || !strings.Contains(stdout, "removed /usr/local/etc/rc.conf.d/network") {
			t.Errorf("%s: --allow-empty: exit %d\n%s%s", name, code, stdout, stderr)
		}
	}
}

// The rendered devd actions pass the interface name after "--": a name
// that starts with "-" must reach handlerArg as data (and be refused as a
// name, exit 65), never be parsed as one of the handler's flags.
func TestHandlersTakeTheNameAfterDashDash(t *testing.T) {
	for _, cmd := range []string{"vf-attach", "vf-up"} {
		for _, name := range []string{"-R", "--lock-wait=0", "-v"} {
			_, stderr, code := hvnetconf(t, cmd, "--", name)
			if code != 65 || !strings.Contains(stderr, "devd:") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("%s -- %s: exit %d, stderr %q; want 65 and one line refusing the name", cmd, name, code, stderr)
			}
		}
		if _, stderr, code := hvnetconf(t, cmd, "-R"); code != 64 {
			t.Errorf("%s -R (no --): exit %d, stderr %q; want 64 (a flag without its value)", cmd, code, stderr)
		}
	}
}

// One rule for two hn on one lagg, in render (which alone knows which hn
// are managed): a skipped hn frees its lagg's name, and the same clash
// fails the same way, naming the policy's lagg line, whichever
// [interface] tables exist.
func TestOneLaggClashRule(t *testing.T) {
	const clash = "hvnetconf: /usr/local/etc/hvnetconf.toml:2: error: hn0 and hn1 would both become lagg1; hn1 is left alone\n"
	for _, c := range []struct {
		name, policy, stderr string
		code                 int
	}{
		{"skipped hn frees its lagg", "[interface.hn0]\nskip = true\n[interface.hn1]\nlagg = \"lagg0\"\n", "", 1},
		{"clash, one table", "[interface.hn0]\nlagg = \"lagg1\"\n", clash, 65},
		{"clash, both tables", "[interface.hn0]\nlagg = \"lagg1\"\n[interface.hn1]\n", clash, 65},
		{"clash, the default's table first", "[interface.hn1]\n\n[interface.hn0]\nlagg = \"lagg1\"\n",
			strings.Replace(clash, ":2:", ":4:", 1), 65},
	} {
		t.Run(c.name, func(t *testing.T) {
			root, state := clashRoot(t)
			if err := os.WriteFile(filepath.Join(root, "usr/local/etc/hvnetconf.toml"), []byte(c.policy), 0o644); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := hvnetconf(t, "diff", "-R", root, "--state", state)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s", code, c.code, stderr)
			}
			if c.stderr != "" && !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr lacks %q:\n%s", c.stderr, stderr)
			}
			if c.code == 1 && (strings.Contains(stderr, "error") || !strings.Contains(stdout, `+ifconfig_lagg0="laggproto failover laggport hn1 DHCP"`)) {
				t.Errorf("hn1 should move to lagg0:\n%s%s", stdout, stderr)
			}
		})
	}
}
