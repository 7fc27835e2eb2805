package conformance

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd/devdconf"
)

// devd's rule selection over a tree's own devd.conf and hyperv.conf, and
// a rendered file of higher priority preempting the base rules.
func TestDevdSelection(t *testing.T) {
	tree := Trees(t)[0]
	root := t.TempDir()
	for _, f := range []string{"etc/devd.conf", "etc/devd/hyperv.conf"} {
		if err := copyFile(filepath.Join(tree.Dir, f), filepath.Join(root, f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ether := func(string) string { return "ethernet" }
	none := func(string) string { return "" }
	d, err := devdconf.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		event string
		media func(string) string
		want  string // the rule's action, "" for none
	}{
		{"system=HYPERV_NIC_VF subsystem=hn0 type=VF_UP", ether, "/usr/libexec/hyperv/hyperv_vfup $subsystem"},
		{"system=IFNET subsystem=hn0 type=LINK_UP", ether, "service dhclient quietstart $subsystem"},
		{"system=IFNET subsystem=hn0 type=LINK_UP", none, ""},
		{"system=IFNET subsystem=usbus0 type=ATTACH", ether, ""}, // negated match
		{"system=IFNET subsystem=hn0 type=ATTACH", ether, "/etc/pccard_ether $subsystem start"},
		{"system=ifnet subsystem=hn0 type=link_up", ether, "service dhclient quietstart $subsystem"}, // REG_ICASE
	}
	for _, c := range cases {
		vars := devdconf.Event(c.event)
		got := ""
		if r := d.Select(vars, c.media); r != nil {
			got = r.Actions[0]
		}
		if got != c.want {
			t.Errorf("%s: rule %q, want %q", c.event, got, c.want)
		}
	}
	rendered := `# comment
notify 20 {
	match "system"		"HYPERV_NIC_VF";
	match "type"		"VF_UP";
	action "/usr/local/sbin/hvnetconf vf-up -- $subsystem";
};
`
	if err := os.MkdirAll(filepath.Join(root, "usr/local/etc/devd"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/local/etc/devd/x.conf"), []byte(rendered), 0o644); err != nil {
		t.Fatal(err)
	}
	if d, err = devdconf.Load(root); err != nil {
		t.Fatal(err)
	}
	vars := devdconf.Event("system=HYPERV_NIC_VF subsystem=hn0 type=VF_UP")
	if r := d.Select(vars, ether); r == nil || devdconf.Expand(r.Actions[0], vars) != "/usr/local/sbin/hvnetconf vf-up -- $'hn0'" {
		t.Errorf("priority 20 does not preempt the base rule: %+v", r)
	}
}

// The base hyperv.conf of main matches "vm_guest", a variable devd.cc
// never sets (process_event sets the event's pairs, *, _ and timestamp):
// its vf-attach rule matches no event there, so on main no base rule
// brings a VF up. 12.1's has no such match.
func TestDevdNoVMGuest(t *testing.T) {
	for _, tree := range Trees(t) {
		d, err := devdconf.Load(tree.Dir)
		if err != nil {
			t.Fatal(err)
		}
		r := d.Select(devdconf.Event("system=ETHERNET subsystem=mce0 type=IFATTACH"), func(string) string { return "ethernet" })
		got := r != nil && len(r.Actions) > 0 && r.Actions[0] == "/usr/libexec/hyperv/hyperv_vfattach $subsystem 0"
		if want := tree.Name != "main"; got != want {
			t.Errorf("tree %s: base vfattach rule runs on IFATTACH: %v, want %v (rule %+v)", tree.Name, got, want, r)
		}
	}
}
