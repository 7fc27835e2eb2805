package render

import (
	"slices"
	"testing"
)

func TestRescope(t *testing.T) {
	tests := []struct {
		value, want string
		changed     bool
	}{
		{"fe80::1%hn0", "fe80::1%lagg0", true},
		{"fe80::1%hn10", "fe80::1%hn10", false}, // hn10 is not hn0
		{"-net 10.9.0.0/16 -interface hn0", "-net 10.9.0.0/16 -interface lagg0", true},
		{"-net 10.9.0.0/16 -iface hn0", "-net 10.9.0.0/16 -iface lagg0", true},
		{"-net 10.9.0.0/16 -interface hn01", "-net 10.9.0.0/16 -interface hn01", false},
		{"-net 10.9.0.0/16 10.0.0.1", "-net 10.9.0.0/16 10.0.0.1", false},
		{"hn0", "lagg0", true}, // ipv6_default_interface
		{"10.0.0.1", "10.0.0.1", false},
		{"-net 10.9.0.0/16 -interface hn0.100", "-net 10.9.0.0/16 -interface lagg0.100", true}, // vlan child
		{"fe80::1%hn0.100", "fe80::1%lagg0.100", true},
		{"fe80::1%hn01", "fe80::1%hn01", false},
	}
	for _, tt := range tests {
		got, changed := rescope(tt.value, "hn0", "lagg0")
		if got != tt.want || changed != tt.changed {
			t.Errorf("rescope(%q) = %q, %v; want %q, %v", tt.value, got, changed, tt.want, tt.changed)
		}
	}
}

func TestSplitWords(t *testing.T) {
	tests := []struct {
		value    string
		port, l3 []string
		mtu      int
	}{
		{"DHCP", nil, []string{"DHCP"}, 0},
		{"up SYNCDHCP", nil, []string{"SYNCDHCP"}, 0},
		{"inet 10.0.0.4/24 mtu 9000", []string{"mtu", "9000"}, []string{"inet", "10.0.0.4/24"}, 9000},
		{"inet 10.0.0.4 netmask 255.255.255.0 -tso -lro", []string{"-tso", "-lro"}, []string{"inet", "10.0.0.4", "netmask", "255.255.255.0"}, 0},
		{"\tDHCP\n  mtu 4000", []string{"mtu", "4000"}, []string{"DHCP"}, 4000},
	}
	for _, tt := range tests {
		port, l3, mtu := splitWords(tt.value)
		if !slices.Equal(port, tt.port) || !slices.Equal(l3, tt.l3) || mtu != tt.mtu {
			t.Errorf("splitWords(%q) = %q %q %d; want %q %q %d", tt.value, port, l3, mtu, tt.port, tt.l3, tt.mtu)
		}
	}
}

func TestAfterLaggport(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"inet", "10.0.0.4/24"}, []string{"10.0.0.4/24"}},
		{[]string{"DHCP"}, []string{"DHCP"}},
		{[]string{"10.0.0.4/24"}, []string{"10.0.0.4/24"}},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := afterLaggport(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("afterLaggport(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
