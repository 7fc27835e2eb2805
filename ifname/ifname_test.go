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
