package fakebsd

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The fake programs are built once per test binary.
var (
	buildOnce sync.Once
	builtDir  string
	buildErr  error
)

// Programs are the names the multi-call binary is installed under.
var Programs = []string{"ifconfig", "route", "sysctl"}

// Binary is the built multi-call program (static, runs in a chroot).
func Binary(tb testing.TB) string { return filepath.Join(binDir(tb), "fakebsd") }

func binDir(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() { builtDir, buildErr = build() })
	if buildErr != nil {
		tb.Fatalf("fakebsd: %v", buildErr)
	}
	return builtDir
}

func build() (string, error) {
	dir, err := os.MkdirTemp(ScratchBase(), scratchPrefix+"bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "fakebsd")
	// Static (no cgo), so that it runs inside a sandbox's chroot.
	cmd := exec.Command(goTool(), "build", "-o", bin, "github.com/hvnetconf/hvnetconf/internal/fakebsd/cmd/fakebsd")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build cmd/fakebsd: %v\n%s", err, out)
	}
	for _, p := range Programs {
		if err := os.Symlink("fakebsd", filepath.Join(dir, p)); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// goTool finds the go command: `go test` puts its GOROOT in the
// environment, but PATH need not contain it.
func goTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		return filepath.Join(root, "bin", "go")
	}
	return "go"
}

// RunTests runs the tests and removes the built programs afterwards; use
// it as `func TestMain(m *testing.M) { os.Exit(fakebsd.RunTests(m)) }`.
func RunTests(m *testing.M) int {
	code := m.Run()
	if builtDir != "" {
		os.RemoveAll(builtDir)
	}
	return code
}
