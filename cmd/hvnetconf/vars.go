package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/spf13/pflag"
)

// varsArgs are the flags of `hvnetconf vars`, modelled on sysrc(8).
type varsArgs struct {
	root      string
	service   string
	valueOnly bool // -n
	shell     bool // -e
	origin    bool // -v
	all       bool // -a
	lenient   bool
	config    string // -c, only to tell whether the last render is stale
	state     string // --state, likewise
}

func varsCommand() *command {
	a := &varsArgs{}
	return &command{
		name:    "vars",
		args:    "[NAME...]",
		summary: "show rc.conf variables as a FreeBSD service sees them (like sysrc)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringVarP(&a.root, "root", "R", "/", "evaluate the system under `DIR`")
			fs.StringVarP(&a.service, "service", "s", "network", "evaluate as rc.d/`SERVICE` loads rc.conf (netif and dhclient include rc.conf.d/network)")
			fs.BoolVarP(&a.valueOnly, "value", "n", false, "print values only")
			fs.BoolVarP(&a.shell, "shell", "e", false, `print NAME="value" (sh syntax)`)
			fs.BoolVarP(&a.origin, "verbose", "v", false, "prefix each line with the FILE:LINE the value comes from")
			fs.BoolVarP(&a.all, "all", "a", false, "list every variable that is set")
			fs.BoolVar(&a.lenient, "lenient", false, "skip statements hvnetconf refuses to evaluate (reported as findings)")
			fs.StringVarP(&a.config, "config", "c", "", "policy `FILE`, to tell whether the last render is out of date (default ROOT"+plan.DefaultConfig+")")
			fs.StringVar(&a.state, "state", "", "hn snapshot `FILE`, to tell whether the last render is out of date (default: the live kernel, on the running system)")
		},
		run: func(ctx context.Context, inv *invocation) error { return runVars(ctx, a, inv) },
	}
}

func runVars(ctx context.Context, a *varsArgs, inv *invocation) error {
	if a.valueOnly && a.shell {
		return sysexits.Errorf(sysexits.Usage, "vars: -n and -e cannot be combined")
	}
	if a.all == (len(inv.args) > 0) {
		return sysexits.Errorf(sysexits.Usage, "vars: give NAME... or -a (see hvnetconf vars --help)")
	}
	if err := validService(a.service); err != nil {
		return err
	}
	// vars only reads: the root is opened, not locked (an admin may ask
	// while an apply runs; each file is read whole, as it is then).
	root, err := fsys.Open(a.root)
	if err != nil {
		return err
	}
	defer root.Close()
	// The same refusal as every other command: without the defaults
	// (most likely -R names no FreeBSD root) values would be guesses.
	if err := plan.RequireDefaults(root); err != nil {
		return err
	}
	env, err := rcconf.Load(ctx, rcconf.Options{Files: root, Services: serviceLoads(a.service), Lenient: a.lenient})
	if err != nil {
		return err
	}
	// Before anything is printed: a bad --state or -c is the run's error.
	res, known, err := lastRender(ctx, root, a)
	if err != nil {
		return err
	}
	for _, f := range env.Findings() {
		fmt.Fprintln(inv.stderr, "hvnetconf: "+f.String())
	}
	vars := env.Vars()
	unknown := 0
	if !a.all {
		vars = vars[:0:0]
		for _, name := range inv.args {
			v, ok := env.Lookup(name)
			if !ok {
				fmt.Fprintf(inv.stderr, "hvnetconf: unknown variable '%s'\n", name)
				unknown++
				continue
			}
			vars = append(vars, v)
		}
	}
	shadow := map[string]bool{}
	for _, v := range vars {
		printVar(inv.stdout, a, v)
		if owned(root, v.Origin.File) {
			shadow[v.Origin.File] = true
		}
	}
	if known && stale(res) {
		// The same line as every command that renders: whichever value
		// was asked for, netif will not see what rc.conf now says.
		printStale(inv.stderr, res, false)
	} else {
		for _, f := range slices.Sorted(maps.Keys(shadow)) {
			if known {
				fmt.Fprintf(inv.stderr, "hvnetconf: note: %s was rendered by hvnetconf from rc.conf and shadows it; it is up to date (after changing rc.conf, run hvnetconf apply, or reboot: rc.d/hvnetconf renders again before netif)\n", termsafe.Path(f))
				continue
			}
			fmt.Fprintf(inv.stderr, "hvnetconf: note: %s was rendered by hvnetconf from rc.conf and shadows it: after changing rc.conf, hvnetconf diff shows whether it is out of date and hvnetconf apply (or the next boot) renders it again\n", termsafe.Path(f))
		}
	}
	if unknown > 0 {
		return exitSilently(sysexits.Failure)
	}
	return nil
}

// lastRender renders the plan, as diff would, to tell whether the files of
// the last render still match rc.conf (known). Only when the root holds a
// rendered file and the hn state is at hand: --state, or the running
// kernel when -R is this running system on FreeBSD; an image without
// --state, or a build without live access, leaves it unknown (the note
// then says how to find out). vars takes no lock (see runVars): a render
// under way may make a file read as stale, never the other way round for
// long, and nothing is written. A run refused for the render's own reasons
// (error findings, a foreign file at a target) leaves it unknown too: vars
// shows values, diff says why the render is refused. A bad --state or -c,
// which the admin named for this, is an error as elsewhere.
func lastRender(ctx context.Context, root *fsys.Root, a *varsArgs) (*plan.Result, bool, error) {
	o := plan.Options{Root: root, ConfigPath: a.config, Lenient: a.lenient}
	if a.state != "" {
		if _, err := hn.ReadFile(a.state); err != nil {
			return nil, false, err
		}
	}
	if a.config != "" {
		if _, err := plan.LoadConfig(root, a.config); err != nil {
			return nil, false, err
		}
	}
	rendered := false
	for _, path := range render.Targets {
		rendered = rendered || owned(root, path)
	}
	if !rendered {
		return nil, false, nil
	}
	if a.state != "" {
		s, err := plan.ReadState(a.state, false)
		if err != nil {
			return nil, false, nil // a snapshot without hn: a render refuses it
		}
		o.Snapshot = s
	} else {
		if root.IsImage() || live.Require("vars") != nil {
			return nil, false, nil
		}
		s, err := live.Snapshot(live.New(ctx))
		if err != nil {
			return nil, false, nil
		}
		o.Snapshot = s
	}
	res, err := plan.Prepare(ctx, o)
	if err != nil {
		return nil, false, nil
	}
	return res, true, nil
}

// stale says whether a file the last render wrote would now be written
// differently or removed (printStale's test).
func stale(res *plan.Result) bool {
	for _, c := range res.Changes {
		if c.OldExists {
			return true
		}
	}
	return false
}

// owned says whether logical is a file hvnetconf wrote (its header).
func owned(root *fsys.Root, logical string) bool {
	if logical == "" {
		return false
	}
	data, ok, err := root.ReadFile(logical)
	return err == nil && ok && fsys.Owned(data)
}

func printVar(w io.Writer, a *varsArgs, v rcconf.Var) {
	if a.origin {
		fmt.Fprintf(w, "%s: ", v.Origin)
	}
	switch {
	case a.valueOnly:
		fmt.Fprintln(w, v.Value)
	case a.shell:
		fmt.Fprintln(w, rcconf.Assignment(v.Name, v.Value))
	default:
		// A CR (a CR LF rc.conf) is part of the value as sh holds it;
		// shown as \r, since a terminal would hide it. -n and -e print
		// it as it is.
		fmt.Fprintf(w, "%s: %s\n", v.Name, strings.ReplaceAll(v.Value, "\r", `\r`))
	}
}

// serviceLoads is what the rc.d script SERVICE passes to load_rc_config:
// netif and dhclient read rc.conf.d/network as well as their own file.
func serviceLoads(service string) []string {
	switch service {
	case "netif":
		return rcconf.ServiceNetif
	case "dhclient":
		return rcconf.ServiceDhclient
	}
	return []string{service}
}

// validService accepts what can name an rc.conf.d file: it becomes part of a
// path, so nothing that could climb out of rc.conf.d.
func validService(name string) error {
	if name == "" || len(name) > 64 {
		return sysexits.Errorf(sysexits.Usage, "vars: -s %q: not a service name", name)
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return sysexits.Errorf(sysexits.Usage, "vars: -s %q: not a service name", name)
		}
	}
	return nil
}
