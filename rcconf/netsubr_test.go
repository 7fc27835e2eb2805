package rcconf

import (
	"reflect"
	"testing"
)

func TestMangleIfName(t *testing.T) {
	for in, want := range map[string]string{
		"hn0": "hn0", "vlan0.100": "vlan0_100", "em0-a/b+c": "em0_a_b_c", "lagg0": "lagg0",
	} {
		if got := MangleIfName(in); got != want {
			t.Errorf("MangleIfName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIfVars: get_if_var names, the ifconfig_DEFAULT fallback (unset falls
// back, empty does not), for IPv4 and IPv6 alike.
func TestIfVars(t *testing.T) {
	e, err := load(t, rcOnly(`ifconfig_DEFAULT="SYNCDHCP"
ifconfig_vlan0_100="inet 10.0.0.4/24"
ifconfig_vlan0_100_ipv6="inet6 accept_rtadv"
ifconfig_hn1=""
ifconfig_hn1_ipv6=""
create_args_vlan0_100="vlan 100"`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ifname, gotName, gotValue string
		ok                              bool
		get                             func(string) (Var, bool)
	}{
		{"ifconfig mangled", "vlan0.100", "ifconfig_vlan0_100", "inet 10.0.0.4/24", true, e.IfConfig},
		{"ifconfig unset falls back", "hn0", "ifconfig_DEFAULT", "SYNCDHCP", true, e.IfConfig},
		{"ifconfig empty stays", "hn1", "ifconfig_hn1", "", true, e.IfConfig},
		{"ipv6 mangled", "vlan0.100", "ifconfig_vlan0_100_ipv6", "inet6 accept_rtadv", true, e.IfConfigIPv6},
		{"ipv6 unset falls back", "hn0", "ifconfig_DEFAULT", "SYNCDHCP", true, e.IfConfigIPv6},
		{"ipv6 empty stays", "hn1", "ifconfig_hn1_ipv6", "", true, e.IfConfigIPv6},
		{"IfVar", "vlan0.100", "create_args_vlan0_100", "vlan 100", true,
			func(i string) (Var, bool) { return e.IfVar(i, "create_args_IF") }},
		{"IfVar unset", "hn0", "", "", false, func(i string) (Var, bool) { return e.IfVar(i, "create_args_IF") }},
	}
	for _, tt := range tests {
		v, ok := tt.get(tt.ifname)
		if ok != tt.ok || v.Name != tt.gotName || v.Value != tt.gotValue {
			t.Errorf("%s: got %+v %v, want %s=%q %v", tt.name, v, ok, tt.gotName, tt.gotValue, tt.ok)
		}
	}
	noDefault, err := load(t, rcOnly(`ifconfig_hn1="up"`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := noDefault.IfConfig("hn0"); ok {
		t.Errorf("IfConfig(hn0) without DEFAULT = %+v", v)
	}
}

func TestParseKeywords(t *testing.T) {
	tests := []struct {
		in   string
		want Keywords
	}{
		{"SYNCDHCP", Keywords{DHCP: true, Sync: SyncOn}},
		{"syncdhcp", Keywords{DHCP: true, Sync: SyncOn}},
		{"dhcp mtu 9000", Keywords{DHCP: true, Args: []string{"mtu", "9000"}}},
		{"NoSyncDhcp", Keywords{DHCP: true, Sync: SyncOff}},
		{"SYNCDHCP NOSYNCDHCP", Keywords{DHCP: true, Sync: SyncOn}},
		{"inet 10.0.0.4/24  netmask\t255.255.255.0\nup", Keywords{Args: []string{"inet", "10.0.0.4/24", "netmask", "255.255.255.0", "up"}}},
		{"noauto WPA hostap DHCP", Keywords{DHCP: true, NoAuto: true, WPA: true, HostAP: true}},
		{"vnet jail1 inet 10.0.0.4/24", Keywords{Vnet: "jail1", Args: []string{"inet", "10.0.0.4/24"}}},
		{"VNET jail1", Keywords{Args: []string{"VNET", "jail1"}}},
		{"laggproto failover laggport hn0 laggport mce0 DHCP",
			Keywords{DHCP: true, Args: []string{"laggproto", "failover", "laggport", "hn0", "laggport", "mce0"}}},
		{"", Keywords{}},
	}
	for _, tt := range tests {
		if got := ParseKeywords(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseKeywords(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestAliases: network.subr order (aliases, aliasN by number up to the
// first empty one, ipv4_addrs), only set variables.
func TestAliases(t *testing.T) {
	e, err := load(t, rcOnly(`ifconfig_vlan0_100_alias10="inet 10.0.0.10/32"
ifconfig_vlan0_100_alias0="inet 10.0.0.1/32"
ifconfig_vlan0_100_alias2="inet 10.0.0.2/32"
ifconfig_vlan0_100_alias11=""
ifconfig_vlan0_100_alias12="inet 10.0.0.12/32"
ifconfig_vlan0_100_aliases="inet 10.0.1.1/32 inet 10.0.1.2/32"
ipv4_addrs_vlan0_100="10.0.2.1/24"
ifconfig_hn0_alias0="inet 192.168.0.1/32"`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range e.Aliases("vlan0.100") {
		got = append(got, v.Name)
	}
	want := []string{"ifconfig_vlan0_100_aliases", "ifconfig_vlan0_100_alias0", "ifconfig_vlan0_100_alias2",
		"ifconfig_vlan0_100_alias10", "ipv4_addrs_vlan0_100"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Aliases = %q, want %q", got, want)
	}
	if got := e.Aliases("hn1"); len(got) != 0 {
		t.Errorf("Aliases(hn1) = %v", got)
	}
}
