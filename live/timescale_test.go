package live

import (
	"testing"
	"time"
)

// Only a number above 1 shortens a wait; anything else leaves it whole.
func TestTimeScaled(t *testing.T) {
	for _, tc := range []struct {
		scale string
		want  time.Duration
	}{
		{"40", 50 * time.Millisecond},
		{"2.5", 800 * time.Millisecond},
		{"", 2 * time.Second},
		{"1", 2 * time.Second},
		{"0.5", 2 * time.Second},
		{"-40", 2 * time.Second},
		{"fast", 2 * time.Second},
		{"NaN", 2 * time.Second},
	} {
		if got := TimeScaled(2*time.Second, tc.scale); got != tc.want {
			t.Errorf("TimeScaled(2s, %q) = %v, want %v", tc.scale, got, tc.want)
		}
	}
}
