package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestCheckGoldenComparesDiskToo: check --golden compares the files on disk
// with the render as well as the render with the golden tree, and says
// both; a rendered file edited by hand on disk is drift even when the
// golden tree matches.
func TestCheckGoldenComparesDiskToo(t *testing.T) {
	root, golden := exampleRoot(t), t.TempDir()
	for _, args := range [][]string{{"render"}, {"render", "--out", golden}} {
		if _, stderr, code := hvnetconf(t, append(args, "-R", root, "--state", exampleState)...); code != 0 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
	}
	check := []string{"check", "-R", root, "--state", exampleState, "--golden", golden}
	stdout, _, code := hvnetconf(t, check...)
	if want := "ok: the files under " + root + " are as rendered, and the rendered tree matches " + golden + "\n"; code != 0 || stdout != want {
		t.Fatalf("check --golden: exit %d, %q; want 0, %q", code, stdout, want)
	}
	appendRCAt(t, filepath.Join(root, "usr/local/etc/rc.conf.d/network"), "ifconfig_hn1=\"DHCP\"\n")
	stdout, _, code = hvnetconf(t, check...)
	if want := "drift: /usr/local/etc/rc.conf.d/network: on disk differs from rendered (apply would modify it)\n"; code != 1 || stdout != want {
		t.Errorf("check --golden after a hand edit: exit %d, %q; want 1, %q", code, stdout, want)
	}
}

// TestCheckGoldenMissingDir: one line that says how to make the tree.
func TestCheckGoldenMissingDir(t *testing.T) {
	root := exampleRoot(t)
	dir := filepath.Join(t.TempDir(), "golden")
	stdout, stderr, code := hvnetconf(t, "check", "-R", root, "--state", exampleState, "--golden", dir)
	want := "hvnetconf: check: --golden " + dir + ": no such directory; create it with: hvnetconf render -R " + root + " --out " + dir + " (with the same --state and -c), then commit it\n"
	if code != 66 || stdout != "" || stderr != want {
		t.Errorf("exit %d, %q, %q; want 66 and %q", code, stdout, stderr, want)
	}
}

// TestRenderOutHoldsExactlyTheRender: files an earlier render --out wrote
// and this one does not are removed; a file hvnetconf did not write
// refuses the run in one line and nothing changes.
func TestRenderOutHoldsExactlyTheRender(t *testing.T) {
	root, out := exampleRoot(t), t.TempDir()
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "--out", out); code != 0 {
		t.Fatalf("render --out: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "usr/local/etc/rc.conf.d/routing")); err != nil {
		t.Fatal(err)
	}
	// hn0 gone from the snapshot: its routes (ipv6_defaultrouter %hn0) are
	// no longer rewritten, so no routing file.
	state := filepath.Join(t.TempDir(), "state.toml")
	if err := os.WriteFile(state, []byte("vf_transparent = 0\nvflist = []\n[hn.hn1]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := hvnetconf(t, "render", "-R", root, "--state", state, "--out", out)
	if want := "removed " + out + "/usr/local/etc/rc.conf.d/routing (an earlier render wrote it; no longer rendered)\n"; code != 0 || !strings.Contains(stdout, want) {
		t.Fatalf("second render --out: exit %d, want %q in\n%s%s", code, want, stdout, stderr)
	}
	if stdout, _, code := hvnetconf(t, "check", "-R", root, "--state", state, "--golden", out); code != 1 || strings.Contains(stdout, out) {
		t.Errorf("check --golden after the second render --out: exit %d; want drift of the unrendered root only, none against %s:\n%s", code, out, stdout)
	}
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeState(t, out)
	stdout, stderr, code = hvnetconf(t, "render", "-R", root, "--state", exampleState, "--out", out)
	want := "hvnetconf: render: --out " + out + ": " + out + "/notes.txt was not written by hvnetconf; give an empty or new directory, or one render --out wrote (nothing was written)\n"
	if code != 73 || stdout != "" || stderr != want {
		t.Errorf("render --out into a foreign tree: exit %d, %q, %q; want 73 and %q", code, stdout, stderr, want)
	}
	if after := treeState(t, out); after != before {
		t.Errorf("a refused render --out changed the tree:\n%s\nwas\n%s", after, before)
	}
}

// TestStrictFailsOnWarnings: with --strict, a warning stops every command
// that renders with 65 before anything is written; without it the same
// run succeeds.
func TestStrictFailsOnWarnings(t *testing.T) {
	for _, args := range [][]string{{"render"}, {"diff"}, {"check"}, {"apply", "--files-only"}, {"render", "--out", "OUT"}} {
		root := exampleRoot(t)
		appendRCAt(t, filepath.Join(root, "etc/rc.conf"), "ifconfig_DEFAULT=\"DHCP\"\n")
		out := filepath.Join(t.TempDir(), "out")
		for i, a := range args {
			if a == "OUT" {
				args[i] = out
			}
		}
		full := append(append([]string{}, args...), "-R", root, "--state", exampleState, "--strict")
		before := treeState(t, root)
		stdout, stderr, code := hvnetconf(t, full...)
		tail := "hvnetconf: 1 error or warning finding(s) (--strict) above"
		if args[0] == "render" || args[0] == "apply" {
			tail += " (nothing was written)"
		}
		if code != 65 || stdout != "" || !strings.Contains(stderr, "warning: ifconfig_DEFAULT") || !strings.HasSuffix(stderr, tail+"\n") {
			t.Errorf("%q: exit %d, %q, %q; want 65, the warning, and %q", full, code, stdout, stderr, tail)
		}
		if after := treeState(t, root); after != before {
			t.Errorf("%q: the root changed", full)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%q: --out DIR was created", full)
		}
		if _, _, code := hvnetconf(t, full[:len(full)-1]...); code == 65 {
			t.Errorf("%q without --strict: exit 65", full)
		}
	}
}

// TestForeignFileSaysWhereToMerge: a file hvnetconf did not write at a
// rendered path: render refuses (73, nothing written), diff too without
// claiming to write, check reports drift (1, as its exit table says); all
// say where its settings belong.
func TestForeignFileSaysWhereToMerge(t *testing.T) {
	root := exampleRoot(t)
	if err := os.MkdirAll(filepath.Join(root, "usr/local/etc/rc.conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/local/etc/rc.conf.d/network"), []byte("ifconfig_hn1=\"DHCP\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	what := "/usr/local/etc/rc.conf.d/network: exists and was not written by hvnetconf; merge its settings into /etc/rc.conf.d/network (or /etc/rc.conf), then remove it"
	for cmd, want := range map[string]struct {
		code           int
		stdout, stderr string
	}{
		"render": {73, "", "hvnetconf: " + what + " (nothing was written)\n"},
		"diff":   {73, "", "hvnetconf: " + what + "\n"},
		// and the other rendered files, not there yet
		"check": {1, "drift: " + what + "\ndrift: /usr/local/etc/devd/hvnetconf.conf: missing (apply would create it)\n" +
			"drift: /usr/local/etc/rc.conf.d/routing: missing (apply would create it)\n", ""},
	} {
		stdout, stderr, code := hvnetconf(t, cmd, "-R", root, "--state", exampleState, "-q")
		if code != want.code || stdout != want.stdout || stderr != want.stderr {
			t.Errorf("%s: exit %d, %q, %q; want %d, %q, %q", cmd, code, stdout, stderr, want.code, want.stdout, want.stderr)
		}
	}
	stdout, _, code := hvnetconf(t, "check", "-R", root, "--state", exampleState, "--json")
	var r struct {
		Version string   `json:"version"`
		OK      bool     `json:"ok"`
		Failed  []string `json:"failed"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 1 || r.OK || r.Version == "" || len(r.Failed) != 3 || r.Failed[0] != what {
		t.Errorf("check --json: exit %d, %+v (%v)", code, r, err)
	}
}

// TestStaleRenderIsSaid: after rc.conf changed, every command tells that
// the files of the last render still shadow it, and render says it
// rendered them again.
func TestStaleRenderIsSaid(t *testing.T) {
	root := exampleRoot(t)
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState); code != 0 || strings.Contains(stderr, "note:") {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	_, stderr, _ := hvnetconf(t, "vars", "-R", root, "ifconfig_hn1")
	if want := "hvnetconf: note: /usr/local/etc/rc.conf.d/network was rendered by hvnetconf from rc.conf and shadows it"; !strings.HasPrefix(stderr, want) {
		t.Errorf("vars: stderr %q; want %q", stderr, want)
	}
	upToDate := "hvnetconf: note: /usr/local/etc/rc.conf.d/network was rendered by hvnetconf from rc.conf and shadows it; it is up to date (after changing rc.conf, run hvnetconf apply, or reboot: rc.d/hvnetconf renders again before netif)\n"
	if stdout, stderr, code := hvnetconf(t, "vars", "-R", root, "--state", exampleState, "ifconfig_hn1"); code != 0 || stdout == "" || stderr != upToDate {
		t.Errorf("vars --state after render: exit %d, %q, %q; want 0 and %q", code, stdout, stderr, upToDate)
	}
	appendRCAt(t, filepath.Join(root, "etc/rc.conf"), "ifconfig_hn1_alias1=\"inet 10.0.1.6/32\"\n")
	shadow := "hvnetconf: note: the last render no longer matches rc.conf, hvnetconf.toml and the hn state (one changed, or a rendered file was edited), and its files shadow rc.conf: /usr/local/etc/rc.conf.d/network; run hvnetconf apply, or reboot (rc.d/hvnetconf renders again before netif)\n"
	// vars says it too, given the hn state (an image's is never this
	// host's), whether the value asked for comes from the rendered file or
	// from the rc.conf line the render has not seen.
	for _, name := range []string{"ifconfig_hn1", "ifconfig_hn1_alias1"} {
		stdout, stderr, code := hvnetconf(t, "vars", "-R", root, "--state", exampleState, name)
		if code != 0 || !strings.HasPrefix(stdout, name+": ") || stderr != shadow {
			t.Errorf("vars --state %s: exit %d, %q, %q; want 0 and %q", name, code, stdout, stderr, shadow)
		}
	}
	if _, stderr, _ := hvnetconf(t, "vars", "-R", root, "ifconfig_hn1"); !strings.Contains(stderr, "hvnetconf diff shows whether it is out of date") {
		t.Errorf("vars without the hn state: stderr %q; want the note that diff tells", stderr)
	}
	bad := filepath.Join(t.TempDir(), "state.toml")
	testtool.WriteFile(t, bad, "vflist = 1\n")
	if stdout, stderr, code := hvnetconf(t, "vars", "-R", root, "--state", bad, "ifconfig_hn1"); code != 65 || stdout != "" || !strings.HasPrefix(stderr, "hvnetconf: "+bad+":1") {
		t.Errorf("vars with a bad --state: exit %d, %q, %q; want 65 naming %s:1", code, stdout, stderr, bad)
	}
	for _, cmd := range []string{"diff", "check"} {
		_, stderr, code := hvnetconf(t, cmd, "-R", root, "--state", exampleState, "-q")
		if code != 1 || stderr != shadow {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", cmd, code, stderr, shadow)
		}
	}
	stdout, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "-q")
	if want := "hvnetconf: note: the last render no longer matched rc.conf, hvnetconf.toml and the hn state; rendered again: /usr/local/etc/rc.conf.d/network\n"; code != 0 || stderr != want {
		t.Errorf("render: exit %d, %q, %q; want 0 and %q", code, stdout, stderr, want)
	}
	if _, stderr, code := hvnetconf(t, "vars", "-R", root, "--state", exampleState, "ifconfig_hn1_alias1"); code != 0 || stderr != upToDate {
		t.Errorf("vars after the render again: exit %d, stderr %q; want 0 and %q", code, stderr, upToDate)
	}
	if _, stderr, code := hvnetconf(t, "vars", "-R", root, "--state", exampleState, "hostname"); code != 0 || stderr != "" {
		t.Errorf("vars hostname: exit %d, stderr %q; want 0 and no note (rc.conf's value, the render up to date)", code, stderr)
	}
}

// TestUsageLines: no trailing space, and check's help claims nothing it
// does not do (it removes no file).
func TestUsageLines(t *testing.T) {
	for _, c := range commands() {
		stdout, _, code := hvnetconf(t, c.name, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", c.name, code)
		}
		for _, l := range strings.Split(stdout, "\n") {
			if strings.HasSuffix(l, " ") {
				t.Errorf("%s --help: trailing space in %q", c.name, l)
			}
		}
	}
	stdout, _, _ := hvnetconf(t, "check", "--help")
	if strings.Contains(stdout, "remove") || !strings.Contains(stdout, "--strict") {
		t.Errorf("check --help:\n%s", stdout)
	}
}
