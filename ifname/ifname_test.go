package ifname

import (
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		want string // substring of the error; "" = valid
	}{
		{"hn0", ""},
		{"mce10", ""},
		{"mlxen3", ""},
		{"lagg15", ""},
		{"abcdefghijklm99", ""}, // exactly 15 bytes
		{"abcdefghijklmn99", "16 bytes, more than 15"},
		{"hn0;reboot", "';' is not allowed"},
		{"../x", "want a letter first, got '.'"},
		{strings.Repeat("a", 39) + "0", "40 bytes"},
		{"", "empty interface name"},
		{"0hn", "want a letter first, got '0'"},
		{"hn", "no unit number"},
		{"hn-1", "'-' is not allowed"},
		{"hn0 ", "' ' is not allowed"},
		{"hné0", "U+00E9 is not allowed"},
		{"hn01", "leading zero"},
		{"vlan0.100", "'.' is not allowed"},
	}
	for _, tt := range tests {
		err := Valid(tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Valid(%q) = %v, want ok", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Valid(%q) = %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}

func TestValidAttach(t *testing.T) {
	for name, ok := range map[string]bool{
		"mce0": true, "epair0a": true, "vlan0.100": true, "wan_1": true,
		"": false, "-x": false, "hn0;reboot": false, "a b": false, "../x": false, "0hn": false,
		"abcdefghijklmnop": false, // 16 bytes: over IFNAMSIZ
	} {
		if err := ValidAttach(name); (err == nil) != ok {
			t.Errorf("ValidAttach(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}
