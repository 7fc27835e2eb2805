package conformance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
)

func TestMain(m *testing.M) { os.Exit(fakebsd.RunTests(m)) }

func TestSmokeBootDHCP(t *testing.T) {
	for _, tree := range Trees(t) {
		t.Run(tree.Name, func(t *testing.T) {
			cfg := t.TempDir()
			os.MkdirAll(filepath.Join(cfg, "etc"), 0o755)
			os.WriteFile(filepath.Join(cfg, "etc/rc.conf"), []byte("ifconfig_hn0=\"SYNCDHCP\"\ndefaultrouter=\"10.0.0.1\"\n"), 0o644)
			m := New(t, tree, Options{Config: cfg})
			m.AddHN("hn0", "00:15:5d:00:00:04")
			m.SetDHCP("00:15:5d:00:00:04", "10.0.0.4/24")
			m.Boot()
			t.Log(strings.Join(m.Log, "\n"))
			t.Log(m.Dump())
			for _, c := range m.Commands() {
				t.Log(c.Caller, c.Argv, c.Exit)
			}
		})
	}
}
