package render

import (
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/rcconf"
)

func TestIfWord(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"hn0", true},
		{"addm hn0 up", true},
		{"fe80::1%hn0", true},
		{"hn0.100", true}, // a vlan child moves with its parent
		{"hn01", false},
		{"hn00", false},
		{"xhn0", false},
		{"vlan0hn0", false},
		{"-ifp hn0", true},
	}
	for _, tt := range tests {
		if got := ifWord("hn0").MatchString(tt.value); got != tt.want {
			t.Errorf("ifWord(hn0).MatchString(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestRenameRules(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"ifconfig_bridge0", "addm hn0 stp hn0 addm hn01 up", "addm lagg0 stp lagg0 addm hn01 up"},
		{"create_args_vlan0", "vlan 10 vlandev hn0", "vlan 10 vlandev lagg0"},
		{"ifconfig_vlan1", "vlan 20 vlandev hn0.5 descr hn0", "vlan 20 vlandev lagg0.5 descr hn0"},
		{"natd_interface", "hn0", "lagg0"},
		{"dhcpd_ifaces", "hn1 hn0", "hn1 lagg0"},
		{"route_x", "-net 10.8.0.0/16 10.0.0.1 -ifp hn0", "-net 10.8.0.0/16 10.0.0.1 -ifp hn0"},
		{"ipv6_default_interface", "hn0", "lagg0"},
	}
	for _, tt := range tests {
		r, ok := refRuleFor(tt.name)
		if !ok || r.rewrite == nil {
			t.Fatalf("%s: no rewriting rule", tt.name)
		}
		if got, _ := r.rewrite(tt.value, "hn0", "lagg0"); got != tt.want {
			t.Errorf("%s=%q: got %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
	for _, name := range []string{"jail_www_vnet_interface", "network_interfaces", "snort_interface"} {
		if r, ok := refRuleFor(name); ok && r.rewrite != nil {
			t.Errorf("%s: rewritten, want reported or kept", name)
		}
	}
}

// TestHnInName: the name index answers what testing the name against
// every lagg in order answers (the first lagg whose mangled hn is a whole
// "_" component of the name), for hn names that mangle, repeat, and are
// prefixes of one another.
func TestHnInName(t *testing.T) {
	byEveryLagg := func(laggs []Lagg, name string) string {
		parts := strings.Split(name, "_")
		for _, l := range laggs {
			if slices.Contains(parts, rcconf.MangleIfName(l.HN)) {
				return l.HN
			}
		}
		return ""
	}
	laggs := []Lagg{{HN: "hn10"}, {HN: "hn1"}, {HN: "hn0.100"}, {HN: "hn-2"}, {HN: "hn1"}, {HN: "hn0"}, {HN: "a+b"}}
	names := []string{
		"ifconfig_hn0", "ifconfig_hn1_ipv6", "ifconfig_hn10_alias0", "ifconfig_hn0_100", "ifconfig_hn_2",
		"hn0_hn1", "hn1_hn10", "ifconfig_hn01", "ifconfig_hn", "_hn0_", "hn0", "", "_", "a_b", "ifconfig_a_b_x",
		"ipv6_ifconfig_hn0_alias1", "hn10hn1", "ifconfig_HN0",
	}
	for n := 0; n <= len(laggs); n++ {
		b := &builder{p: &Plan{Laggs: laggs[:n]}}
		components := b.hnComponents()
		for _, name := range names {
			if got, want := b.hnInName(name, components), byEveryLagg(laggs[:n], name); got != want {
				t.Errorf("%d laggs, %q: hnInName = %q, by every lagg %q", n, name, got, want)
			}
		}
	}
}
