package plan

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// TestFirewallEnabledByCheckyesno: pf_enable turns the scan of pf.conf on
// for every value rc.subr's checkyesno takes as yes (any case), and off
// for the others, as /etc/rc.d/pf would start pf or not.
func TestFirewallEnabledByCheckyesno(t *testing.T) {
	for value, want := range map[string]bool{
		"YES": true, "yes": true, "TRUE": true, "True": true, "on": true, "ON": true, "1": true,
		"NO": false, "false": false, "off": false, "0": false, "": false, "y": false, "2": false,
		" YES": false, "yeſ": false,
	} {
		t.Run(value, func(t *testing.T) {
			dir := exampleDir(t)
			rc, err := os.OpenFile(filepath.Join(dir, "etc/rc.conf"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = rc.WriteString("pf_enable=" + rcconf.Quote(value) + "\n")
			if cerr := rc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "etc/pf.conf"), []byte("pass on hn0\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			root := testtool.OpenRoot(t, dir)
			env, err := rcconf.Load(context.Background(), rcconf.Options{Files: root, Services: rcconf.ServiceNetif})
			if err != nil {
				t.Fatal(err)
			}
			files, err := firewallFiles(env, root)
			if err != nil {
				t.Fatal(err)
			}
			if _, got := files["/etc/pf.conf"]; got != want {
				t.Errorf("pf_enable=%q: pf.conf scanned = %v, want %v", value, got, want)
			}
		})
	}
}
