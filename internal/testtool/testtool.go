// Package testtool finds the external programs tests compare against (dash,
// GNU diff and patch, shellcheck, mandoc, bash, zsh, ansible-playbook).
// Outside CI a missing one skips the test; with CI set it fails it, so that
// a CI machine missing a package cannot pass by skipping. It also copies
// the bundled roots for tests that change them. Test code only.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Need returns the path of program, or ends the test as described above.
func Need(t testing.TB, program string) string {
	t.Helper()
	path, err := exec.LookPath(program)
	switch {
	case err == nil:
		return path
	case os.Getenv("CI") != "":
		t.Fatalf("%s is required in CI (.ci/run installs it): %v", program, err)
	default:
		t.Skipf("%s not installed", program)
	}
	return ""
}
