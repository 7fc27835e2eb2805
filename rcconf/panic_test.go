package rcconf

import (
	"context"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestNoPanic: constructs that once panicked inside the interpreter now
// evaluate like FreeBSD's sh run as root: -O and -G are true for any file
// that exists (on disk or in the overlay), and read drops NUL bytes.
func TestNoPanic(t *testing.T) {
	overlay := map[string][]byte{
		"/usr/local/etc/rc.conf.d/network": []byte("b=1\n"),
		"/etc/blob":                        []byte("ab\x00cd\x00\n"),
	}
	tests := []struct {
		src, name, want string
	}{
		{"[ -O /usr/local/etc/rc.conf.d/network ] && v=yes", "v", "yes"},
		{"[ -G /usr/local/etc/rc.conf.d/network ] && v=yes", "v", "yes"},
		{"test -O /etc/ondisk -a -G /etc/ondisk && v=yes", "v", "yes"},
		{"[ -O /etc/missing ] || v=no", "v", "no"},
		{"read x < /etc/blob; set -x; v=$x", "v", "abcd"},
		{"read x < /etc/blob; eval \"v=$x\"", "v", "abcd"},
	}
	root := writeRoot(t, map[string]string{"/etc/ondisk": "x"})
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			files := map[string][]byte{"/etc/rc.conf": []byte(tt.src)}
			for p, d := range overlay {
				files[p] = d
			}
			e, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Overlay: files})
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := e.Get(tt.name); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}
