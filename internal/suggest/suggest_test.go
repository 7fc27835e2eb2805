package suggest

import "testing"

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"", "abc", 3}, {"render", "rendr", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 2}} {
		if d := EditDistance(tt.a, tt.b); d != tt.d || EditDistance(tt.b, tt.a) != tt.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", tt.a, tt.b, d, tt.d)
		}
	}
}
