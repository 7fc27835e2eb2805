package packaging

import (
	"strings"
	"testing"
)

// The README's "FreeBSD CI" section shows .cirrus.yml whole: it must be the
// file CI runs, not a copy that drifted.
func TestReadmeShowsCirrus(t *testing.T) {
	readme := string(read(t, "../README.md"))
	_, section, ok := strings.Cut(readme, "\n## FreeBSD CI\n")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal(`README.md: no yaml block in "## FreeBSD CI"`)
	}
	if want := strings.TrimRight(string(read(t, "../.cirrus.yml")), "\n") + "\n"; block != want {
		t.Errorf("README's .cirrus.yml differs from the file:\n%s\nwant:\n%s", block, want)
	}
}
