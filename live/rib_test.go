package live

import (
	"errors"
	"strings"
	"syscall"
	"testing"
)

// An ENOMEM from the routing sysctl (the interface list grew between the
// size probe and the read) is tried again, and a persistent one ends with
// the error after ribTries reads; any other error is not retried.
func TestFetchRIBRetries(t *testing.T) {
	table := []byte("rib")
	cases := []struct {
		name  string
		errs  []error // what each read returns, then success
		reads int
		fail  string
	}{
		{"at once", nil, 1, ""},
		{"enomem then success", []error{syscall.ENOMEM}, 2, ""},
		{"enomem twice then success", []error{syscall.ENOMEM, syscall.ENOMEM}, 3, ""},
		{"persistent enomem", []error{syscall.ENOMEM, syscall.ENOMEM, syscall.ENOMEM, syscall.ENOMEM}, 3, "cannot allocate memory (the table kept growing between the size probe and the read: 3 tries)"},
		{"other error", []error{syscall.EPERM}, 1, "operation not permitted"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reads := 0
			b, err := fetchRIB(func() ([]byte, error) {
				reads++
				if reads <= len(c.errs) {
					return nil, c.errs[reads-1]
				}
				return table, nil
			})
			if reads != c.reads {
				t.Errorf("%d reads, want %d", reads, c.reads)
			}
			switch {
			case c.fail == "" && (err != nil || string(b) != "rib"):
				t.Errorf("got %q, %v; want the table", b, err)
			case c.fail != "" && (err == nil || !strings.Contains(err.Error(), c.fail)):
				t.Errorf("error %v, want %q", err, c.fail)
			case c.fail != "" && !errors.Is(err, c.errs[0]):
				t.Errorf("error %v does not wrap %v", err, c.errs[0])
			}
		})
	}
}
