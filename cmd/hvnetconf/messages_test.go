package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestRenderedMessages: what the rendered files tell the admin: where to
// change hyperv_vf_delay, and the devd attach rule matching every
// Ethernet attach even where the root's base rule matches vm_guest (devd
// sets no such variable on an event: internal/conformance/FIDELITY.md).
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
		"usr/local/etc/devd/hvnetconf.conf": "\tmatch \"type\"\t\t\"IFATTACH\";\n\taction \"/usr/local/sbin/hvnetconf vf-attach -- $subsystem\";\n",
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

// TestQuietRisksAreWarnings: what FreeBSD would silently ignore or do
// differently is a warning -q does not hide, with what was meant.
func TestQuietRisksAreWarnings(t *testing.T) {
	root := exampleRoot(t)
	appendRCAt(t, filepath.Join(root, "etc/rc.conf"), "ifconfg_hn1=\"DHCP\"\nifconfig_hn0_ipv5=\"inet6 accept_rtadv\"\nifconfig_hn7=\"DHCP\"\n")
	if err := os.MkdirAll(filepath.Join(root, "etc/rc.conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/rc.conf.d/netif.conf"), []byte("ifconfig_hn1_alias1=\"inet 10.0.1.9/32\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := hvnetconf(t, "diff", "-R", root, "--state", exampleState, "-q")
	for _, want := range []string{
		"hvnetconf: /etc/rc.conf:12: warning: ifconfg_hn1 is not a variable any rc script reads; did you mean ifconfig_hn1?\n",
		"hvnetconf: /etc/rc.conf:13: warning: ifconfig_hn0_ipv5 is not a variable any rc script reads; did you mean ifconfig_hn0_ipv6?\n",
		"hvnetconf: /etc/rc.conf:14: warning: hn7: no such hn device in " + exampleState + " (a snapshot of another VM size?); nothing is rendered for it\n",
		"hvnetconf: /etc/rc.conf.d/netif.conf:1: warning: ifconfig_hn1_alias1 is set in a file only load_rc_config netif.conf reads, not netif; did you mean /etc/rc.conf.d/network?\n",
	} {
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("diff -q: exit %d, want %q in\n%s", code, want, stderr)
		}
	}
	// Mode auto on a transparent kernel: what it means and how to choose
	// lagg mode; none when the policy chose transparent itself.
	state := filepath.Join(t.TempDir(), "state.toml")
	data, err := os.ReadFile(exampleState)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(state, []byte(strings.Replace(string(data), "vf_transparent = 0", "vf_transparent = 1", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	root = exampleRoot(t)
	_, stderr, _ = hvnetconf(t, "diff", "-R", root, "--state", state, "-q")
	want := "hvnetconf: warning: mode auto follows the kernel (hw.hn.vf_transparent=1: transparent, FreeBSD's default): hn(4) drives each VF itself, so no lagg is rendered and every VF is kept NOAUTO; for failover laggs set mode = \"lagg\" in /usr/local/etc/hvnetconf.toml (renders hw.hn.vf_transparent=0 for the loader; takes effect at the next boot)\n"
	if stderr != want {
		t.Errorf("transparent, auto: stderr %q, want %q", stderr, want)
	}
	if err := os.MkdirAll(filepath.Join(root, "usr/local/etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/local/etc/hvnetconf.toml"), []byte("mode = \"transparent\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, _ = hvnetconf(t, "diff", "-R", root, "--state", state, "-q"); stderr != "" {
		t.Errorf("transparent chosen: stderr %q, want none", stderr)
	}
}

// TestNumberedVlanChildrenAreRead: vlans_hn0="2 3" makes children hn0.2
// and hn0.3 (network.subr childif_create), whose variables are
// ifconfig_hn0_2…: no near-miss warning for them, only for a tag no
// vlans_ lists.
func TestNumberedVlanChildrenAreRead(t *testing.T) {
	root := exampleRoot(t)
	appendRCAt(t, filepath.Join(root, "etc/rc.conf"), "vlans_hn1=\"2 3 guest\"\nifconfig_hn1_2=\"inet 192.168.2.1/24\"\nifconfig_hn1_3_ipv6=\"inet6 2001:db8:3::1/64\"\nifconfig_hn1_4=\"inet 192.168.4.1/24\"\n")
	_, stderr, _ := hvnetconf(t, "diff", "-R", root, "--state", exampleState, "-q")
	var unread []string
	for _, l := range strings.SplitAfter(stderr, "\n") {
		if strings.Contains(l, "is not a variable any rc script reads") {
			unread = append(unread, l)
		}
	}
	want := "hvnetconf: /etc/rc.conf:15: warning: ifconfig_hn1_4 is not a variable any rc script reads; did you mean ifconfig_hn1?\n"
	if len(unread) != 1 || unread[0] != want {
		t.Errorf("diff -q: near misses %q, want only %q", unread, want)
	}
}

// TestMistypedAssignments: sh runs NAME ="v" and NAME= "v" as commands;
// the refusal says what was meant.
func TestMistypedAssignments(t *testing.T) {
	for line, want := range map[string]string{
		`ifconfig_hn0 ="DHCP"`:   `/etc/rc.conf:12:1: command ifconfig_hn0 is not allowed (rcconf runs no programs); did you mean ifconfig_hn0="DHCP"? (sh takes no space around = and no quotes in a name)`,
		`ifconfig_hn0= "DHCP"`:   `/etc/rc.conf:12:1: command "DHCP" is not allowed (rcconf runs no programs); did you mean ifconfig_hn0="DHCP"? (sh takes no space around = and no quotes in a name)`,
		`"ifconfig_hn1 "="DHCP"`: `/etc/rc.conf:12:1: command ifconfig_hn1 =DHCP is not allowed (rcconf runs no programs); did you mean ifconfig_hn1=DHCP? (sh takes no space around = and no quotes in a name)`,
	} {
		root := exampleRoot(t)
		appendRCAt(t, filepath.Join(root, "etc/rc.conf"), line+"\n")
		_, stderr, code := hvnetconf(t, "diff", "-R", root, "--state", exampleState)
		if code != 65 || stderr != "hvnetconf: "+want+"\n" {
			t.Errorf("%s: exit %d, %q; want 65, %q", line, code, stderr, want)
		}
	}
}

// TestCRLF: render refuses a CR LF rc.conf, quoting the line as it is;
// vars shows the values with their CR, as FreeBSD's sh holds them.
func TestCRLF(t *testing.T) {
	root := exampleRoot(t)
	if err := os.WriteFile(filepath.Join(root, "etc/rc.conf"), []byte("hostname=\"vm\"\r\nifconfig_hn0=\"DHCP\"\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeState(t, root)
	_, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "-q")
	want := "hvnetconf: /etc/rc.conf:1: error: CR LF line ends: FreeBSD's sh keeps each CR as part of the line, so values end in a CR (\"DHCP\\r\" is not DHCP); first such line: hostname=\"vm\"\\r; save the file with LF line ends (hvnetconf vars shows the values as sh holds them)\n" +
		"hvnetconf: 1 error finding(s) above (nothing was written)\n"
	if code != 65 || stderr != want {
		t.Errorf("render: exit %d, %q; want 65, %q", code, stderr, want)
	}
	if treeState(t, root) != before {
		t.Error("render wrote")
	}
	for args, want := range map[string]string{"": "ifconfig_hn0: DHCP\\r\n", "-n": "DHCP\r\n", "-e": "ifconfig_hn0=\"DHCP\r\"\n"} {
		a := []string{"vars", "-R", root}
		if args != "" {
			a = append(a, args)
		}
		if stdout, _, code := hvnetconf(t, append(a, "ifconfig_hn0")...); code != 0 || stdout != want {
			t.Errorf("vars %s: exit %d, %q; want %q", args, code, stdout, want)
		}
	}
}

// TestLoaderWithoutConfDirs: a render that needs the loader tunable, into a
// root whose loader defaults have no loader_conf_dirs, warns that the
// tunable file will not be read; a loader that has it gets no warning.
func TestLoaderWithoutConfDirs(t *testing.T) {
	const files = "loader_conf_files=\"/boot/device.hints /boot/loader.conf /boot/loader.conf.local\"\n"
	warning := "hvnetconf: /boot/defaults/loader.conf: warning: this loader has no loader_conf_dirs (older FreeBSD), so it never reads /boot/loader.conf.d/hvnetconf.conf and hw.hn.vf_transparent=0 will not take effect: set it in /boot/loader.conf instead\n"
	for defaults, want := range map[string]bool{files: true, files + "loader_conf_dirs=\"/boot/loader.conf.d\"\n": false} {
		root := testtool.CopyRoot(t, "../../golden/mode-mismatch-reboot/root", "../../golden/_defaults/rc.conf")
		if err := os.MkdirAll(filepath.Join(root, "boot/defaults"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "boot/defaults/loader.conf"), []byte(defaults), 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, code := hvnetconf(t, "render", "-R", root, "--state", "../../golden/mode-mismatch-reboot/state.toml")
		if code != 0 || strings.Contains(stderr, warning) != want {
			t.Errorf("loader_conf_dirs absent=%v: exit %d, stderr:\n%s", want, code, stderr)
		}
	}
}
