package packaging

import (
	"strings"
	"testing"
)

// The "FreeBSD CI" section of docs/development.md shows .cirrus.yml whole:
// it must be the file CI runs, not a copy that drifted.
func TestReadmeShowsCirrus(t *testing.T) {
	doc := string(read(t, "../docs/development.md"))
	_, section, ok := strings.Cut(doc, "\n## FreeBSD CI\n")
	_, block, ok2 := strings.Cut(section, "```yaml\n")
	block, _, ok3 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal(`docs/development.md: no yaml block in "## FreeBSD CI"`)
	}
	if want := strings.TrimRight(string(read(t, "../.cirrus.yml")), "\n") + "\n"; block != want {
		t.Errorf("docs/development.md's .cirrus.yml differs from the file:\n%s\nwant:\n%s", block, want)
	}
}
