//go:build fakebsd

package fakebsd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/live"
)

// sleep(1) as FreeBSD's 12.x reads its operand: one decimal number of
// seconds, nothing to wait for zero or less, a usage error otherwise.
func TestSleepProgram(t *testing.T) {
	env := map[string]string{live.EnvTimeScale: "1e9"} // 2 s → 2 ns
	for _, tc := range []struct {
		argv   []string
		code   int
		stderr string
	}{
		{[]string{"sleep", "2"}, 0, ""},
		{[]string{"sleep", "0.5"}, 0, ""},
		{[]string{"sleep", "0"}, 0, ""},
		{[]string{"sleep", "-1"}, 0, ""},
		{[]string{"sleep"}, 1, "usage: sleep seconds\n"},
		{[]string{"sleep", "1", "2"}, 1, "usage: sleep seconds\n"},
		{[]string{"sleep", "1s"}, 1, "usage: sleep seconds\n"},
		{[]string{"sleep", "nan"}, 1, "usage: sleep seconds\n"},
	} {
		var stderr bytes.Buffer
		if code := sleep(tc.argv, nil, &stderr, func(k string) string { return env[k] }); code != tc.code || stderr.String() != tc.stderr {
			t.Errorf("%q: exit %d %q, want %d %q", tc.argv, code, stderr.String(), tc.code, tc.stderr)
		}
	}
}

// A daemon waiting on the state (dhclient's) is told of an update made by
// another process, and of the file's removal, instead of polling it.
func TestWaitTermSeesStateChanges(t *testing.T) {
	h := New(t)
	h.AddHN("hn0", "00:15:5d:00:00:04")
	h.Update(func(s *State) { s.Dhclient = map[string]bool{"hn0": true} })
	ended := make(chan struct{})
	go func() {
		waitTerm(h.StatePath, func() bool {
			s, err := read(h.StatePath)
			return err != nil || !s.Dhclient["hn0"]
		})
		close(ended)
	}()
	h.Update(func(s *State) { delete(s.Dhclient, "hn0") })
	<-ended

	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gone := make(chan struct{})
	go func() {
		waitTerm(path, func() bool { _, err := read(path); return err != nil })
		close(gone)
	}()
	os.Remove(path)
	<-gone
}
