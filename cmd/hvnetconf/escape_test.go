package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestVarsEscapesFileNames: vars -v and errors print a file named with ESC
// or a newline escaped, never the raw control characters.
func TestVarsEscapesFileNames(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "etc/rc.conf.d/network")
	defaults, err := os.ReadFile("../../golden/_defaults/rc.conf")
	for _, err := range []error{
		err,
		os.MkdirAll(filepath.Join(root, "etc/defaults"), 0o755),
		os.WriteFile(filepath.Join(root, "etc/defaults/rc.conf"), defaults, 0o644),
		os.MkdirAll(dir, 0o755),
		os.WriteFile(filepath.Join(root, "etc/rc.conf"), []byte("a=1\n"), 0o644),
		os.WriteFile(filepath.Join(dir, "a\x1b[2Jb"), []byte("x=1\n"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := hvnetconf(t, "vars", "-R", root, "-v", "x")
	if want := `"/etc/rc.conf.d/network/a\x1b[2Jb":1: x: 1` + "\n"; code != 0 || stdout != want {
		t.Errorf("vars -v: exit %d, %q, %q; want %q", code, stdout, stderr, want)
	}
	os.WriteFile(filepath.Join(dir, "c\nd"), []byte("y=$(ls)\n"), 0o644)
	_, stderr, code = hvnetconf(t, "vars", "-R", root, "x")
	if want := `hvnetconf: "/etc/rc.conf.d/network/c\nd":1:3: command substitution is not allowed` + "\n"; code != 65 || stderr != want {
		t.Errorf("vars: exit %d, stderr %q; want 65, %q", code, stderr, want)
	}
}
