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

// TestReadmeIsTheUsersPage: the README stays the user's page (issue 18:
// under 350 lines, internals in docs/), starts with the two commands that
// set up a fresh machine, and every docs/ page it links exists.
func TestReadmeIsTheUsersPage(t *testing.T) {
	readme := string(read(t, "../README.md"))
	if n := strings.Count(readme, "\n"); n >= 350 {
		t.Errorf("README.md has %d lines; the user's page stays under 350 (move internals to docs/)", n)
	}
	_, block, _ := strings.Cut(readme, "```sh\n")
	lines := strings.SplitN(block, "\n", 3)
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "make run") || !strings.HasPrefix(lines[1], "make test") {
		t.Errorf("README.md's first code block must start with make run and make test, got %q", lines)
	}
	for _, part := range strings.Split(readme, "](docs/")[1:] {
		name, _, _ := strings.Cut(part, ")")
		read(t, "../docs/"+name)
	}
}
