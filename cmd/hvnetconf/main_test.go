package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	_ "github.com/hvnetconf/hvnetconf/internal/updateflag"
)

// hvnetconf runs the CLI in-process and returns stdout, stderr and the code.
func hvnetconf(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// exampleRoot copies examples/azure to a temporary directory.
func exampleRoot(t *testing.T) string {
	t.Helper()
	return testtool.CopyRoot(t, "../../examples/azure", "") // it has its own defaults
}

const exampleState = "../../examples/azure-state.toml"

func TestVarsOutputForms(t *testing.T) {
	root := "../../examples/handbook"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"cloned_interfaces"}, "cloned_interfaces: lagg0 vlan100\n"},
		{[]string{"-n", "cloned_interfaces", "hostname"}, "lagg0 vlan100\nhandbook\n"},
		{[]string{"-e", "ifconfig_hn0"}, "ifconfig_hn0=\"up\"\n"},
		{[]string{"-v", "hostname"}, "/etc/rc.conf:3: hostname: handbook\n"},
		{[]string{"-v", "-n", "cloned_interfaces"}, "/usr/local/etc/rc.conf.d/network:2: lagg0 vlan100\n"},
		// rc.d/routing does not read rc.conf.d/network.
		{[]string{"-s", "routing", "cloned_interfaces"}, "cloned_interfaces: lagg0\n"},
	}
	for _, tt := range tests {
		stdout, stderr, code := hvnetconf(t, append([]string{"vars", "-R", root}, tt.args...)...)
		if stdout != tt.want || stderr != "" || code != 0 {
			t.Errorf("vars %q = %q, %q, %d; want %q", tt.args, stdout, stderr, code, tt.want)
		}
	}
}

func TestVarsAllIsSorted(t *testing.T) {
	stdout, _, code := hvnetconf(t, "vars", "-R", "../../examples/handbook", "-a", "-n")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) < 5 {
		t.Fatalf("vars -a: exit %d, %d lines", code, len(lines))
	}
	stdout, _, _ = hvnetconf(t, "vars", "-R", "../../examples/handbook", "-a")
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		names = append(names, strings.SplitN(l, ":", 2)[0])
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] >= names[i] {
			t.Fatalf("vars -a not sorted: %q before %q", names[i-1], names[i])
		}
	}
}

func TestVarsUnknownNameLikeSysrc(t *testing.T) {
	stdout, stderr, code := hvnetconf(t, "vars", "-R", "../../examples/handbook", "-n", "nosuch", "hostname")
	if code != 1 || stdout != "handbook\n" || stderr != "hvnetconf: unknown variable 'nosuch'\n" {
		t.Errorf("got %q, %q, %d", stdout, stderr, code)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := [][]string{
		{},
		{"nosuch"},
		{"vars", "--nosuch"},
		{"vars"},                        // neither NAME nor -a
		{"vars", "-n", "-e", "x"},       // exclusive
		{"vars", "-s", "../netif", "x"}, // not a service name
		{"diff", "extra"},
		{"render", "--out"},
	}
	for _, args := range tests {
		_, stderr, code := hvnetconf(t, args...)
		if code != 64 || strings.Count(stderr, "\n") > 1 && len(args) > 0 {
			t.Errorf("%q: exit %d, stderr %q; want 64 and one line", args, code, stderr)
		}
	}
}

func TestDiffRenderDiff(t *testing.T) {
	root := exampleRoot(t)
	stdout, _, code := hvnetconf(t, "diff", "-R", root, "--state", exampleState)
	if code != 1 || !strings.Contains(stdout, "+++ b/usr/local/etc/rc.conf.d/network") {
		t.Fatalf("first diff: exit %d\n%s", code, stdout)
	}
	if _, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState); code != 0 {
		t.Fatalf("render: exit %d: %s", code, stderr)
	}
	if stdout, _, code := hvnetconf(t, "diff", "-R", root, "--state", exampleState); code != 0 || stdout != "" {
		t.Fatalf("second diff: exit %d\n%s", code, stdout)
	}
}

func TestDiffJSON(t *testing.T) {
	root := exampleRoot(t)
	stdout, _, code := hvnetconf(t, "diff", "--json", "-R", root, "--state", exampleState)
	var r report
	if err := json.Unmarshal([]byte(stdout), &r); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, stdout)
	}
	if !r.Changed || r.Mode.Mode != "lagg" || !strings.Contains(r.Mode.Reason, "hw.hn.vf_transparent=0") {
		t.Errorf("changed=%v mode=%+v", r.Changed, r.Mode)
	}
	byPath := map[string]fileReport{}
	for _, f := range r.Files {
		byPath[f.Path] = f
	}
	net := byPath["/usr/local/etc/rc.conf.d/network"]
	if net.Action != "create" || net.OldSHA != "" || len(net.NewSHA) != 64 || !strings.HasPrefix(net.Diff, "--- /dev/null\n") {
		t.Errorf("network file entry: %+v", net)
	}
	if len(r.Laggs) != 2 || r.Laggs[0].Name != "lagg0" || r.Laggs[0].VF != "mce0" || !r.Laggs[0].DHCP {
		t.Errorf("laggs: %+v", r.Laggs)
	}
}

func TestRenderOut(t *testing.T) {
	root := exampleRoot(t)
	out := t.TempDir()
	stdout, stderr, code := hvnetconf(t, "render", "-R", root, "--state", exampleState, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "wrote "+out+"/usr/local/etc/rc.conf.d/network") {
		t.Errorf("stdout: %s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "usr/local/etc/devd/hvnetconf.conf")); err != nil {
		t.Error(err)
	}
	// The root itself is untouched.
	if _, err := os.Stat(filepath.Join(root, "usr/local/etc/rc.conf.d/network")); !os.IsNotExist(err) {
		t.Errorf("render --out wrote into the root: %v", err)
	}
}
