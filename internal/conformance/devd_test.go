package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
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

// The emulated devd against FreeBSD's rc.d/devd (or the stand-in) and
// rc.subr, as devd.cc behaves: an action runs to its end before the next
// event is read (its log lines never interleave); `service devd stop`
// during an action returns only once the action has ended (SIGTERM only
// sets a flag, wait_for_pids waits); events queued while devd is stopped
// are handled by the next devd before `service devd start` returns.
func TestDevdRunsActionsToTheirEnd(t *testing.T) {
	for _, tree := range Trees(t) {
		t.Run(tree.Name, func(t *testing.T) {
			t.Parallel()
			cfg := configRoot(t, "")
			rule := "notify 100 {\n\tmatch \"system\" \"IFNET\";\n\tmatch \"type\" \"ATTACH\";\n" +
				"\taction \"logger -t t begin $subsystem; sleep 0.3; logger -t t end $subsystem\";\n};\n"
			if err := writeFile(filepath.Join(cfg, "usr/local/etc/devd/t.conf"), rule, 0o644); err != nil {
				t.Fatal(err)
			}
			m := New(t, tree, Options{Config: cfg})
			m.AddHN("hn0", "00:15:5d:00:00:04")
			m.AddHN("hn1", "00:15:5d:00:00:05")
			m.Boot()
			syslog := func() string { b, _ := os.ReadFile(filepath.Join(m.Root, fakebsd.SandboxSyslog)); return string(b) }
			if got, want := syslog(), "t: begin hn0\nt: end hn0\nt: begin hn1\nt: end hn1\n"; got != want {
				t.Errorf("actions interleave or are missing:\n%s\nwant:\n%s", got, want)
			}
			// An event, and a stop while its action runs.
			defer m.OpenDevd()()
			m.AddHN("hn2", "00:15:5d:00:00:06")
			for deadline := time.Now().Add(30 * time.Second); !strings.Contains(syslog(), "begin hn2"); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("devd did not read the event by itself:\n%s", syslog())
				}
			}
			if r := m.Run("service", "devd", "stop"); r.Code != 0 || !strings.Contains(syslog(), "end hn2") {
				t.Errorf("stop returned (exit %d) before the action ended:\n%s", r.Code, syslog())
			}
			// Queued while devd is down, handled before start returns.
			m.AddHN("hn3", "00:15:5d:00:00:07")
			if r := m.Run("service", "devd", "start"); r.Code != 0 || !strings.HasSuffix(syslog(), "begin hn3\nt: end hn3\n") {
				t.Errorf("start returned (exit %d) before the queued event was handled:\n%s", r.Code, syslog())
			}
			m.Settle()
		})
	}
}
