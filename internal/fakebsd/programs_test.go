package fakebsd

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// sysctl(8) and rc.d/dhclient as the fake binary runs them: what they
// print, how they fail (exit status and first stderr line, as host.CmdError
// reports them), and what they leave in the state.
func TestSysctlAndDhclient(t *testing.T) {
	const dhcp, static = `ifconfig_hn0="SYNCDHCP"` + "\n", `ifconfig_hn0="up"` + "\n"
	start := [][]string{{"service", "dhclient", "start", "hn0"}}
	force := [][]string{{"service", "dhclient", "forcestart", "hn0"}}
	tests := []struct {
		name, rcconf string
		before       [][]string // run first, must succeed
		argv         []string
		out, err     string
		dhclient     bool // dhclient runs on hn0 afterwards
	}{
		{"sysctl -n derived", "", nil, []string{"sysctl", "-n", "hw.hn.vfmap"}, "mce0:hn0\n", "", false},
		{"sysctl -n several", "", nil, []string{"sysctl", "-n", "dev.hn.0.vf", "hw.hn.vf_transparent"}, "mce0\n0\n", "", false},
		{"sysctl with name", "", nil, []string{"sysctl", "dev.hn.0.rxvf"}, "dev.hn.0.rxvf: \n", "", false},
		{"sysctl unknown oid, others printed", "", nil, []string{"sysctl", "-n", "hw.hn.nonesuch", "hw.hn.vflist"}, "mce0\n",
			"sysctl -n hw.hn.nonesuch hw.hn.vflist: exit status 1: sysctl: unknown oid 'hw.hn.nonesuch'", false},
		{"sysctl set is not emulated", "", nil, []string{"sysctl", "hw.hn.vf_transparent=1"}, "",
			"sysctl hw.hn.vf_transparent=1: exit status 1: sysctl: fakebsd: unsupported command: sysctl hw.hn.vf_transparent=1", false},
		{"status, not running", dhcp, nil, []string{"service", "dhclient", "status", "hn0"}, "dhclient is not running.\n",
			"service dhclient status hn0: exit status 1", false},
		{"status, running", dhcp, start, []string{"service", "dhclient", "status", "hn0"}, "dhclient is running as pid 1002.\n", "", true},
		{"status ignores rc.conf", static, force, []string{"service", "dhclient", "status", "hn0"}, "dhclient is running as pid 1002.\n", "", true},
		{"stop, DHCP interface", dhcp, start, []string{"service", "dhclient", "stop", "hn0"}, "", "", false},
		{"stop refuses a non-DHCP interface", static, force, []string{"service", "dhclient", "stop", "hn0"},
			"'hn0' is not a DHCP-enabled interface\n", "service dhclient stop hn0: exit status 1", true},
		{"forcestop, non-DHCP interface", static, force, []string{"service", "dhclient", "forcestop", "hn0"}, "", "", false},
		{"stop, not running", dhcp, nil, []string{"service", "dhclient", "forcestop", "hn0"}, "",
			"service dhclient forcestop hn0: exit status 1: dhclient not running? (check /var/run/dhclient/dhclient.hn0.pid).", false},
		{"start refuses a non-DHCP interface", static, nil, []string{"service", "dhclient", "start", "hn0"},
			"'hn0' is not a DHCP-enabled interface\n", "service dhclient start hn0: exit status 1", false},
		{"forcestart, already running", dhcp, start, []string{"service", "dhclient", "forcestart", "hn0"}, "",
			"service dhclient forcestart hn0: exit status 1: dhclient already running?  (pid=1002).", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := rcHost(t, tt.rcconf)
			r, ctx := h.Runner(), context.Background()
			for _, argv := range tt.before {
				if _, err := r.Run(ctx, argv...); err != nil {
					t.Fatal(err)
				}
			}
			out, err := r.Run(ctx, tt.argv...)
			if string(out) != tt.out || (err == nil) != (tt.err == "") || err != nil && err.Error() != tt.err {
				t.Errorf("got %q, %v\nwant %q, %s", out, err, tt.out, tt.err)
			}
			if got := h.State().Dhclient["hn0"]; got != tt.dhclient {
				t.Errorf("dhclient on hn0: %v, want %v", got, tt.dhclient)
			}
		})
	}
}

// rcHost is hn0 with its VF mce0 and a lease waiting for its MAC, and
// /etc/rc.conf as given.
func rcHost(t *testing.T, rcconf string) *Host {
	t.Helper()
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:04")
	h.AttachVF("hn0", "mce0")
	h.SetDHCP("00:15:5d:00:00:04", "10.0.0.4/24")
	if err := os.MkdirAll(filepath.Join(h.Root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.Root, "etc/rc.conf"), []byte(rcconf), 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}
