package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckFilesSaysWhatIsOnDisk: a rendered file that is not on disk reads
// "missing", not "differs".
func TestCheckFilesSaysWhatIsOnDisk(t *testing.T) {
	root := exampleRoot(t)
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	if stdout, _, code := hvnetconf(t, "check", "-R", root, "--state", exampleState); code != 0 || stdout != "ok: the files under "+root+" are as rendered\n" {
		t.Fatalf("check after render: exit %d\n%s", code, stdout)
	}
	if err := os.Remove(filepath.Join(root, "usr/local/etc/rc.conf.d/routing")); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := hvnetconf(t, "check", "-R", root, "--state", exampleState)
	want := "drift: /usr/local/etc/rc.conf.d/routing: missing (apply would create it)\n"
	if code != 1 || stdout != want {
		t.Errorf("check: exit %d\n%s\nwant exit 1\n%s", code, stdout, want)
	}
}

// TestCheckGoldenShowsDiffs: each file that differs from the golden tree is
// named and followed by its unified diff (golden a/, rendered b/).
func TestCheckGoldenShowsDiffs(t *testing.T) {
	root, golden := exampleRoot(t), t.TempDir()
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "--out", golden); code != 0 {
		t.Fatalf("render --out: exit %d: %s", code, stderr)
	}
	network := filepath.Join(golden, "usr/local/etc/rc.conf.d/network")
	data, err := os.ReadFile(network)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `hyperv_vf_delay="`, `hyperv_vf_delay="9`, 1)
	if edited == string(data) {
		t.Fatalf("no hyperv_vf_delay in\n%s", data)
	}
	for _, err := range []error{
		os.WriteFile(network, []byte(edited), 0o644),
		os.Remove(filepath.Join(golden, "usr/local/etc/rc.conf.d/routing")),
		os.WriteFile(filepath.Join(golden, "stray"), []byte("old\n"), 0o644),
		os.WriteFile(filepath.Join(golden, "esc\x1b[2J"), []byte("old\n"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}

	stdout, _, code := hvnetconf(t, "check", "-R", root, "--state", exampleState, "--golden", golden)
	for _, want := range []string{
		"drift: /usr/local/etc/rc.conf.d/network: differs from " + golden + "/usr/local/etc/rc.conf.d/network\n" +
			"--- a/usr/local/etc/rc.conf.d/network\n+++ b/usr/local/etc/rc.conf.d/network\n@@ ",
		"\n-hyperv_vf_delay=\"9",
		"drift: /usr/local/etc/rc.conf.d/routing: missing from " + golden + "\n--- /dev/null\n+++ b/usr/local/etc/rc.conf.d/routing\n@@ -0,0 +1,",
		"drift: /stray: in " + golden + " but no longer rendered\n--- a/stray\n+++ /dev/null\n@@ -1 +0,0 @@\n-old\n",
	} {
		if code != 1 || !strings.Contains(stdout, want) {
			t.Errorf("check --golden: exit %d, want %q in\n%s", code, want, stdout)
		}
	}
	// A name from the golden tree reaches the terminal escaped, in the
	// drift line and in the diff's headers alike.
	if strings.Contains(stdout, "\x1b") || !strings.Contains(stdout, "--- a/esc\\x1b[2J\n") {
		t.Errorf("check --golden printed a raw or unescaped ESC:\n%q", stdout)
	}
}

// TestRootWithoutDefaults: a root without /etc/defaults/rc.conf is named
// in one line (exit 66), for every command that renders, not reported as a
// self-check failure about local_startup.
func TestRootWithoutDefaults(t *testing.T) {
	root := exampleRoot(t)
	if err := os.Remove(filepath.Join(root, "etc/defaults/rc.conf")); err != nil {
		t.Fatal(err)
	}
	want := "hvnetconf: " + filepath.Join(root, "etc/defaults/rc.conf") + ": no such file (is " + root + " a FreeBSD root?"
	for _, args := range [][]string{{"diff", "--state", exampleState}, {"render", "--state", exampleState},
		{"check", "--state", exampleState}, {"vars", "ifconfig_hn0"}} {
		cmd := args[0]
		_, stderr, code := hvnetconf(t, append([]string{cmd, "-R", root}, args[1:]...)...)
		if code != 66 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 66 and one line starting %q", cmd, code, stderr, want)
		}
	}
}
