package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderedMessages: what the rendered files tell the admin: where to
// change hyperv_vf_delay, and the devd attach rule carrying the base
// rule's own guard when the root has one.
func TestRenderedMessages(t *testing.T) {
	root := exampleRoot(t)
	base, err := os.ReadFile("../../../shared/freebsd-rc/main/etc/devd/hyperv.conf")
	if err != nil && os.Getenv("CI") == "" {
		t.Skipf("no FreeBSD tree: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "etc/devd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/devd/hyperv.conf"), base, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	for file, want := range map[string]string{
		"usr/local/etc/rc.conf.d/network":   "# from /etc/rc.conf:11 hyperv_vf_delay\n# to change it: sysrc hyperv_vf_delay=N (rc.conf), then hvnetconf apply\nhyperv_vf_delay=\"120\"\n",
		"usr/local/etc/devd/hvnetconf.conf": "\tmatch \"type\"\t\t\"IFATTACH\";\n\tmatch \"vm_guest\"\t\"hv\";\n\taction \"/usr/local/sbin/hvnetconf vf-attach -- $subsystem\";\n",
	} {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil || !strings.Contains(string(data), want) {
			t.Errorf("%s lacks %q:\n%s", file, want, data)
		}
	}
}

// TestSnapshotInterfacesWithoutTables: interfaces = ["hn0"] alone says
// that hn devices are the [hn.hnN] tables.
func TestSnapshotInterfacesWithoutTables(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.toml")
	if err := os.WriteFile(state, []byte("vf_transparent = 0\ninterfaces = [\"hn0\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := hvnetconf(t, "diff", "-R", exampleRoot(t), "--state", state)
	want := "hvnetconf: " + state + ": interfaces lists hn0 but there is no [hn.hn0] table: hn devices are the [hn.hnN] tables (interfaces lists every interface on the host); add [hn.hn0] (hvnetconf snapshot writes one per hn), see hvnetconf-state(5)\n"
	if code != 65 || stderr != want {
		t.Errorf("exit %d, %q; want 65, %q", code, stderr, want)
	}
}

// TestUnclosedQuoteNamesTheOpeningLine: a string opened lines before runs
// into a later line whose own quote is left open at EOF.
func TestUnclosedQuoteNamesTheOpeningLine(t *testing.T) {
	root := exampleRoot(t)
	if err := os.WriteFile(filepath.Join(root, "etc/rc.conf"), []byte("hostname=\"x\"\nifconfig_hn0=\"DHCP\nsshd_enable=\"YES\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := hvnetconf(t, "vars", "-R", root, "hostname")
	want := "hvnetconf: /etc/rc.conf:3:17: reached EOF without closing quote `\"`; the quoted string opened on line 2 runs on to this line: is its closing quote missing on line 2?\n"
	if code != 65 || stderr != want {
		t.Errorf("exit %d, %q; want 65, %q", code, stderr, want)
	}
}
