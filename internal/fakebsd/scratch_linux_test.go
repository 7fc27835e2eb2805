//go:build linux

package fakebsd

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSweepStale: only scratch directories older than a day go; a fresh
// one (a running test's) and anything not named as ours stay.
func TestSweepStale(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-staleAfter - time.Hour)
	for _, n := range []string{"fakebsd-old", "fakebsd-bin-old", "fakebsd-golden-old", "fakebsd-new", "other-old"} {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Join(p, "etc"), 0o755); err != nil {
			t.Fatal(err)
		}
		if n != "fakebsd-new" {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	sweepStale(dir)
	for n, want := range map[string]bool{"fakebsd-old": false, "fakebsd-bin-old": false, "fakebsd-golden-old": false, "fakebsd-new": true, "other-old": true} {
		_, err := os.Stat(filepath.Join(dir, n))
		if got := err == nil; got != want {
			t.Errorf("%s present %v, want %v", n, got, want)
		}
	}
}
