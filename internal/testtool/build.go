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
	cmd := exec.Command(goTool(), append(args, pkg)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %q: %v\n%s", args, err, out)
	}
	return bin, nil
}

func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go" // go test puts its own go first on PATH
}

// Self is the running test binary, or, when it was built with the race
// detector, the tests of the package in the working directory (go test
// runs them there) built without it and without build tags into dir, for a
// test that runs itself as a child only to measure what a child costs
// (peak memory, limits hit): the detector's shadow memory and 2-20x CPU
// would be measured instead of the code's, and it finds nothing there
// that the parent's own in-process tests of the same code do not.
func Self(dir string) (string, error) {
	if !race {
		return os.Args[0], nil
	}
	bin := filepath.Join(dir, filepath.Base(os.Args[0]))
	if out, err := exec.Command(goTool(), "test", "-c", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go test -c: %v\n%s", err, out)
	}
	return bin, nil
}
