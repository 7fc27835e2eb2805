//go:build freebsd || fakebsd

package live

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// writeProg puts an executable sh script named name in dir.
func writeProg(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestExecRunner(t *testing.T) {
	dir := t.TempDir()
	// Prints its argv, LC_ALL and an extra variable, so the test sees what
	// the program really received.
	writeProg(t, dir, "echoargs", `printf '%s|' "$@"; printf '%s %s\n' "$LC_ALL" "$EXTRA"`)
	writeProg(t, dir, "ifconfig", "echo 'ifconfig: lagg0 mce0: SIOCSLAGGPORT: Invalid argument' >&2\necho second >&2\nexit 1\n")
	r := ExecRunner{Path: dir + ":/bin:/usr/bin", Env: []string{"EXTRA=x y", "LC_ALL=fr_FR.UTF-8"}}
	ctx := context.Background()

	out, err := r.Run(ctx, "echoargs", "a b", "", "*")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(out), "a b||*|C x y\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}

	_, err = r.Run(ctx, "ifconfig", "lagg0", "laggport", "mce0")
	want := "ifconfig lagg0 laggport mce0: exit status 1: ifconfig: lagg0 mce0: SIOCSLAGGPORT: Invalid argument"
	var ce *CmdError
	if err == nil || err.Error() != want || !errors.As(err, &ce) || ce.ExitCode != 1 || !strings.Contains(ce.Stderr, "second") {
		t.Errorf("err = %v, want %s", err, want)
	}

	_, err = r.Run(ctx, "nosuchprog")
	if sysexits.Code(err) != sysexits.Unavailable || !strings.Contains(err.Error(), "nosuchprog: not found") {
		t.Errorf("missing program: err = %v (code %d)", err, sysexits.Code(err))
	}
}
