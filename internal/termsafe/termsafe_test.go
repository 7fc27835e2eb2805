package termsafe

import "testing"

func TestPathAndLine(t *testing.T) {
	tests := []struct{ in, path, line string }{
		{"/etc/rc.conf", "/etc/rc.conf", "/etc/rc.conf"},
		{"/etc/rc.conf.d/a b", "/etc/rc.conf.d/a b", "/etc/rc.conf.d/a b"},
		{"/etc/rc.conf.d/é", "/etc/rc.conf.d/é", "/etc/rc.conf.d/é"},
		{"/etc/\x1b[31mred", `"/etc/\x1b[31mred"`, `/etc/\x1b[31mred`},
		{"/etc/a\nb", `"/etc/a\nb"`, `/etc/a\nb`},
		{"/etc/a\rb\x7f", `"/etc/a\rb\x7f"`, `/etc/a\rb\x7f`},
		{"/etc/\xffbad", `"/etc/\xffbad"`, `/etc/\xffbad`},
		{"tab\there", `"tab\there"`, "tab\there"},
	}
	for _, tt := range tests {
		if got := Path(tt.in); got != tt.path {
			t.Errorf("Path(%q) = %s, want %s", tt.in, got, tt.path)
		}
		if got := Line(tt.in); got != tt.line {
			t.Errorf("Line(%q) = %s, want %s", tt.in, got, tt.line)
		}
	}
}
