package conformance

import (
	"os"
	"path/filepath"
	"testing"
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
	d, err := loadDevd(root)
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
	}
	for _, c := range cases {
		vars := devdEvent(c.event)
		vars["vm_guest"] = "hv"
		got := ""
		if r := d.Select(vars, c.media); r != nil {
			got = r.Action
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
	if d, err = loadDevd(root); err != nil {
		t.Fatal(err)
	}
	vars := devdEvent("system=HYPERV_NIC_VF subsystem=hn0 type=VF_UP")
	if r := d.Select(vars, ether); r == nil || Expand(r.Action, vars) != "/usr/local/sbin/hvnetconf vf-up -- hn0" {
		t.Errorf("priority 20 does not preempt the base rule: %+v", r)
	}
	if got := Expand("a $$ b $x-y ${z} $1", map[string]string{"x-y": "V"}); got != "a $ b V ${z} $1" {
		t.Errorf("Expand: %q", got)
	}
}

// devd.conf's lexer (token.l): a backslash-newline joins lines and drops
// the indentation after it; other backslashes stay.
func TestDevdStrings(t *testing.T) {
	toks := tokenize("set re \"(ath|\\\n\t\trun)[0-9]+\"; match \"x\" \"a\\.b\";")
	var got []string
	for _, tk := range toks {
		if tk.quoted {
			got = append(got, tk.s)
		}
	}
	if len(got) != 3 || got[0] != "(ath|run)[0-9]+" || got[2] != `a\.b` {
		t.Errorf("strings %q", got)
	}
	m, err := newMatch("subsystem", "!(usbus|wlan)[0-9]+", nil)
	if err != nil || !m.Negate || !m.RE.MatchString("wlan0") || m.RE.MatchString("xwlan0") {
		t.Errorf("negated match: %+v %v", m, err)
	}
}
