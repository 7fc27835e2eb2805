package plan

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/render"
)

// serviceNames lists the services whose configuration render must see for
// reference accounting: every name with an rc.conf.d file or directory
// where load_rc_config looks (/etc and each ${local_startup%/rc.d}, as
// rc.subr load_rc_config does), plus every service a reference rule writes
// for. network, netif, dhclient and routing are left out: the netif and
// routing evaluations cover them.
func serviceNames(env *rcconf.Env, root *fsys.Root) ([]string, error) {
	set := map[string]bool{}
	for _, s := range render.RefServices() {
		set[s] = true
	}
	dirs := []string{"/etc"}
	if v, ok := env.Get("local_startup"); ok {
		dirs = append(dirs, strings.Fields(v)...)
	}
	for _, d := range dirs {
		entries, err := root.ReadDir(strings.TrimSuffix(d, "/rc.d") + "/rc.conf.d")
		if sysexits.Code(err) == sysexits.DataErr {
			return nil, err // too large to list: refused, not skipped
		}
		if err != nil {
			continue // absent or unreadable: load_rc_config's test -f/-d fails too
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") {
				set[e.Name()] = true
			}
		}
	}
	for _, s := range []string{"network", "netif", "dhclient", "routing"} {
		delete(set, s)
	}
	return slices.Sorted(maps.Keys(set)), nil
}

// maxServices bounds the evaluations one render makes for reference
// accounting (each is a load_rc_config): a system has a dozen or two.
const maxServices = 128

// loadServices evaluates load_rc_config NAME for each service, alone, as
// its rc.d script would. A service whose files hvnetconf cannot evaluate
// (say a command substitution in rc.conf.d/foo) does not stop the render,
// which never needed it before: it is a finding saying what went unchecked.
// Running out of time does stop it.
func loadServices(ctx context.Context, names []string, load func([]string) (*rcconf.Env, error)) (map[string]*rcconf.Env, []finding.Finding, error) {
	out := map[string]*rcconf.Env{}
	var fs []finding.Finding
	if len(names) > maxServices {
		fs = append(fs, finding.Finding{Severity: finding.Warning,
			Message: fmt.Sprintf("%d services have rc.conf.d files; only the first %d (%s to %s) were checked for hn names",
				len(names), maxServices, names[0], names[maxServices-1])})
		names = names[:maxServices]
	}
	for _, n := range names {
		env, err := load([]string{n})
		if ctx.Err() != nil {
			return nil, nil, err
		}
		if err != nil {
			fs = append(fs, finding.Finding{Severity: finding.Warning,
				Message: fmt.Sprintf("load_rc_config %s: %v; its settings are not checked for hn names", n, err)})
			continue
		}
		out[n] = env
	}
	return out, fs, nil
}
