package rcconf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// defaultsRC is the test stand-in for FreeBSD's /etc/defaults/rc.conf.
func defaultsRC(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("testdata/defaults-rc.conf")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// writeRoot creates a root directory holding files (logical path -> content).
func writeRoot(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// load evaluates files (rc.conf alone unless the map says otherwise).
func load(t testing.TB, files map[string]string, services ...string) (*Env, error) {
	t.Helper()
	return Load(context.Background(), Options{Files: testtool.OpenRoot(t, writeRoot(t, files)), Services: services, Timeout: 5 * time.Second})
}

// rcOnly is a root with just /etc/rc.conf holding text.
func rcOnly(text string) map[string]string {
	return map[string]string{"/etc/rc.conf": text}
}

// withDefaults adds the test defaults/rc.conf to files.
func withDefaults(t testing.TB, files map[string]string) map[string]string {
	out := map[string]string{"/etc/defaults/rc.conf": defaultsRC(t)}
	for p, c := range files {
		out[p] = c
	}
	return out
}

func oneLine(s string) bool { return !strings.Contains(s, "\n") }
