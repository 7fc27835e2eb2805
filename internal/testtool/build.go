package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Build compiles the hvnetconf command (pkg, a package path or directory
// relative to the test's package) into dir/hvnetconf with the given build
// tags, static (CGO_ENABLED=0) so that it runs inside the conformance
// sandbox too, and returns its path. It takes no testing.TB so that a
// TestMain can build once for every test of its package. Tests that must
// see the live seam emulated build with "fakebsd"; none for a release
// build, which has no live access off FreeBSD.
func Build(dir, pkg string, tags ...string) (string, error) {
	bin := filepath.Join(dir, "hvnetconf")
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	gotool := "go" // go test puts its own go first on PATH
	if root := os.Getenv("GOROOT"); root != "" {
		gotool = filepath.Join(root, "bin", "go")
	}
	cmd := exec.Command(gotool, append(args, pkg)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %q: %v\n%s", args, err, out)
	}
	return bin, nil
}
