package plan

import (
	"strings"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// firewallFiles reads the rule files rc.conf enables, for the render to scan
// for hn names. Missing files are simply not scanned; one that cannot be
// read (not a regular file, over the cap) is an error, as the rules would
// go unchecked.
func firewallFiles(env *rcconf.Env, root *fsys.Root) (map[string][]byte, error) {
	files := map[string][]byte{}
	var first error
	add := func(enable, pathVar, def string) {
		if !env.Enabled(enable) {
			return
		}
		path, ok := env.Get(pathVar)
		if !ok || path == "" {
			path = def
		}
		if !strings.HasPrefix(path, "/") {
			return // a firewall_type keyword such as "workstation", not a file
		}
		data, ok, err := root.ReadFile(path)
		if err != nil && first == nil {
			first = err
		}
		if ok {
			files[path] = data
		}
	}
	add("pf_enable", "pf_rules", "/etc/pf.conf")
	add("firewall_enable", "firewall_type", "")
	add("firewall_enable", "firewall_script", "/etc/rc.firewall")
	add("ipfilter_enable", "ipfilter_rules", "/etc/ipf.rules")
	return files, first
}
