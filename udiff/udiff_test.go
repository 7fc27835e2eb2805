package udiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestUnifiedHeaders(t *testing.T) {
	const p = "usr/local/etc/rc.conf.d/network"
	tests := []struct {
		name                 string
		old, new             string
		oldExists, newExists bool
		want                 string
	}{
		{"equal", "a\n", "a\n", true, true, ""},
		{"both absent", "", "", false, false, ""},
		{"absent and empty differ", "", "", false, true, "--- /dev/null\n+++ b/" + p + "\n"},
		{"create", "ignored\n", "a\n", false, true, "--- /dev/null\n+++ b/" + p + "\n@@ -0,0 +1 @@\n+a\n"},
		{"delete", "a\nb\n", "ignored\n", true, false, "--- a/" + p + "\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"},
		{"modify", "a\n", "b\n", true, true, "--- a/" + p + "\n+++ b/" + p + "\n@@ -1 +1 @@\n-a\n+b\n"},
		{"missing final newline", "a", "a\n", true, true, "--- a/" + p + "\n+++ b/" + p +
			"\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Unified("a/"+p, "b/"+p, []byte(tt.old), []byte(tt.new), tt.oldExists, tt.newExists)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRangeText(t *testing.T) {
	tests := []struct {
		start, count int
		want         string
	}{
		{0, 0, "0,0"}, {4, 0, "4,0"}, {0, 1, "1"}, {9, 1, "10"}, {0, 2, "1,2"}, {9, 7, "10,7"},
	}
	for _, tt := range tests {
		if got := rangeText(tt.start, tt.count); got != tt.want {
			t.Errorf("rangeText(%d, %d) = %q, want %q", tt.start, tt.count, got, tt.want)
		}
	}
}

// BenchmarkUnified diffs a 200-line rc.conf-like file with three changes.
func BenchmarkUnified(b *testing.B) {
	var old strings.Builder
	for i := range 200 {
		if i%10 == 0 {
			old.WriteString("\n")
		}
		fmt.Fprintf(&old, "ifconfig_hn%d=\"inet 10.0.%d.%d/24\"\n", i, i/10, i)
	}
	o := old.String()
	n := strings.Replace(o, "ifconfig_hn5=", "ifconfig_lagg5=", 1)
	n = strings.Replace(n, "ifconfig_hn100=\"inet 10.0.10.100/24\"\n", "", 1)
	n += "hyperv_vf_delay=\"5\"\n"
	b.ReportAllocs()
	for b.Loop() {
		Unified("a/x", "b/x", []byte(o), []byte(n), true, true)
	}
}
