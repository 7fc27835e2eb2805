// Package plan prepares a run's plan, in one direction: it reads the inputs
// under a root (rc.conf layers as FreeBSD's services load them, the hn
// snapshot, the policy), renders the plan (package render), self-checks it
// and compares it with the files on disk. Writing is a separate, explicit
// step (Result.Write), so diff and check share everything with render and
// apply but change nothing.
package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/render"
)

// DefaultConfig is where hvnetconf.toml lives under the root.
const DefaultConfig = config.DefaultPath

// prepareTimeout bounds reading and rendering in one run. A real
// configuration takes milliseconds (see docs/performance.md).
const prepareTimeout = 8 * time.Second

// Options name the inputs of a full render (Prepare).
type Options struct {
	Root       *fsys.Root   // opened (and locked) by the caller
	ConfigPath string       // a host path; "" = ROOT/usr/local/etc/hvnetconf.toml if it exists
	Snapshot   *hn.Snapshot // the hn state: ReadState(--state FILE) or live.Snapshot
	Lenient    bool         // skip refused rc.conf statements, as findings
	Strict     bool         // a warning finding stops the run as an error one does (--strict)
	// Cache keeps parsed files for several runs of one process (a devd
	// handler renders up to three plans); nil makes one for this run.
	Cache *rcconf.ParseCache
}

// RuntimeOptions name the inputs of the devd handlers' runtime-only plan
// (PrepareRuntime). It is never strict: a warning must never keep a VF out
// of its lagg.
type RuntimeOptions struct {
	Root       *fsys.Root   // opened (and locked) by the caller
	ConfigPath string       // as Options.ConfigPath
	Snapshot   *hn.Snapshot // as Options.Snapshot
	Lenient    bool         // as Options.Lenient
	Cache      *rcconf.ParseCache
}

// Change is one file that differs between disk and plan.
type Change struct {
	Path      string // logical path under the root
	Old, New  []byte
	OldExists bool
	NewExists bool
}

// Kind says what the change does: "create", "modify" or "remove".
func (c Change) Kind() string {
	switch {
	case !c.OldExists:
		return "create"
	case !c.NewExists:
		return "remove"
	default:
		return "modify"
	}
}

// Result is a prepared run: the plan and how the disk differs from it.
type Result struct {
	Root     *fsys.Root
	Plan     *render.Plan
	Changes  []Change
	Findings []finding.Finding
}

// Runtime is the devd handlers' plan: only what its runtime part
// (render.Plan.Runtime, VFDelay) depends on was read. The other services'
// configurations (reference accounting) and the self-check are skipped, so
// its files may differ from a full render's; it has none to write.
type Runtime struct {
	Plan     *render.Plan
	Findings []finding.Finding
}

// Prepare reads every input, renders and self-checks the plan, and computes
// the changes. It writes nothing.
func Prepare(ctx context.Context, o Options) (*Result, error) {
	// One bound for every evaluation of one run (up to five: netif,
	// routing and the self-check's), so that a run ends within seconds
	// whatever rc.conf holds, not five times rcconf's own bound.
	ctx, cancel := context.WithTimeout(ctx, prepareTimeout)
	defer cancel()
	root := o.Root
	disk, err := readTargets(root)
	if err != nil {
		return nil, err
	}
	ev := newEvaluations(root, o.Lenient, o.Cache, ownMask(disk))
	in, findings, err := loadInputs(ctx, o, ev)
	if err != nil {
		return nil, err
	}
	plan, findings, err := renderChecked(in, findings, o.Strict)
	if err != nil {
		return nil, err
	}
	if err := selfCheck(ctx, plan, ev); err != nil {
		return nil, err
	}
	res := &Result{Root: root, Plan: plan, Findings: findings}
	res.Changes, err = diffTargets(disk, plan)
	var conflict *ConflictError
	if errors.As(err, &conflict) {
		conflict.Result = res // what check reports besides the conflicts
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// PrepareRuntime is the devd handlers' fast path: it reads only what the
// plan's runtime part depends on (the policy, the snapshot, netif's view
// of rc.conf) and renders. It writes nothing and has nothing to write.
func PrepareRuntime(ctx context.Context, o RuntimeOptions) (*Runtime, error) {
	ctx, cancel := context.WithTimeout(ctx, prepareTimeout)
	defer cancel()
	disk, err := readTargets(o.Root)
	if err != nil {
		return nil, err
	}
	ev := newEvaluations(o.Root, o.Lenient, o.Cache, ownMask(disk))
	in, err := loadRuntime(ctx, o.ConfigPath, o.Snapshot, ev)
	if err != nil {
		return nil, err
	}
	plan, findings, err := renderChecked(in, in.Netif.Findings(), false)
	if err != nil {
		return nil, err
	}
	return &Runtime{Plan: plan, Findings: findings}, nil
}

// renderChecked renders in and stops on error findings (and warnings when
// strict), returning the run's findings, each once.
func renderChecked(in render.Input, findings []finding.Finding, strict bool) (*render.Plan, []finding.Finding, error) {
	plan, err := render.Render(in)
	if err != nil {
		return nil, nil, sysexits.New(sysexits.Software, err)
	}
	// Each evaluation (netif, routing, every service) reads rc.conf and
	// finds the same things in it: say each once.
	findings = once(append(findings, plan.Findings...))
	if err := refuseErrors(findings, strict); err != nil {
		return nil, nil, err
	}
	return plan, findings, nil
}

// once drops repeated findings, keeping the first of each.
func once(fs []finding.Finding) []finding.Finding {
	seen := map[finding.Finding]bool{}
	return slices.DeleteFunc(fs, func(f finding.Finding) bool {
		dup := seen[f]
		seen[f] = true
		return dup
	})
}

// FindingsError stops a run whose inputs hold error-severity findings:
// nothing may be written or run. Findings holds every finding of the run,
// warnings included, so that the caller can show them all.
type FindingsError struct{ Findings []finding.Finding }

func (e *FindingsError) Error() string {
	var errs []string
	for _, f := range e.Findings {
		if f.Severity == finding.Error {
			errs = append(errs, f.String())
		}
	}
	return strings.Join(errs, "; ") + " (nothing was written)"
}

func refuseErrors(findings []finding.Finding, strict bool) error {
	for _, f := range findings {
		if f.Severity == finding.Error || strict && f.Severity == finding.Warning {
			return sysexits.New(sysexits.DataErr, &FindingsError{Findings: findings})
		}
	}
	return nil
}

// ReadState reads a --state snapshot file. A file without hn is what a
// failed `hvnetconf snapshot > FILE` leaves (zero bytes, or the head of
// one). Rendering from it would remove every rendered file, so it needs
// the user's word (allowEmpty, --allow-empty).
func ReadState(path string, allowEmpty bool) (*hn.Snapshot, error) {
	s, err := hn.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(s.HN) > 0 || allowEmpty {
		return s, nil
	}
	// interfaces = ["hn0"] alone reads like a list of hn devices; it is
	// every interface on the host, and each hn is an [hn.hnN] table.
	for _, name := range s.Interfaces {
		if _, err := hn.HNUnit(name); err == nil {
			return nil, sysexits.Errorf(sysexits.DataErr,
				"%s: interfaces lists %s but there is no [hn.%s] table: hn devices are the [hn.hnN] tables (interfaces lists every interface on the host); add [hn.%s] (hvnetconf snapshot writes one per hn), see hvnetconf-state(5)",
				path, name, name, name)
		}
	}
	return nil, sysexits.Errorf(sysexits.DataErr,
		"%s: no hn interface in this snapshot (a failed hvnetconf snapshot leaves such a file); rendering from it removes every rendered file: pass --allow-empty if that is what you want",
		path)
}

// diskFile is what a target path holds now.
type diskFile struct {
	data    []byte
	exists  bool
	owned   bool
	unusual error // not a regular file, or too big to be one of ours
}

// readTargets reads every target. One that is not a regular file (an
// admin's rc.conf.d/NAME directory, say) or is over the cap is foreign:
// left alone, and a conflict only if the plan would write it.
func readTargets(root *fsys.Root) (map[string]diskFile, error) {
	disk := map[string]diskFile{}
	for _, path := range render.Targets {
		data, ok, err := root.ReadFile(path)
		if err != nil && sysexits.Code(err) != sysexits.DataErr {
			return nil, err
		}
		if err != nil {
			disk[path] = diskFile{exists: true, unusual: err}
			continue
		}
		disk[path] = diskFile{data: data, exists: ok, owned: ok && fsys.Owned(data)}
	}
	return disk, nil
}

// ownMask hides hvnetconf's own files from the evaluation: a re-render must
// start from the user's configuration, not from its own previous output.
func ownMask(disk map[string]diskFile) map[string][]byte {
	mask := map[string][]byte{}
	for path, f := range disk {
		if f.owned {
			mask[path] = nil
		}
	}
	return mask
}

// evaluations is what the rc.conf evaluations of one run share.
type evaluations struct {
	root    *fsys.Root
	lenient bool
	mask    map[string][]byte // ownMask: the evaluation's view of the root
	cache   *rcconf.ParseCache
	session *rcconf.Session
}

// newEvaluations: every evaluation of the run reads defaults/rc.conf and
// rc.conf, so each file is parsed and checked once (cache, nil makes one
// for this run); and every evaluation starts with defaults/rc.conf and
// rc_conf_files, evaluated once, each service continuing from its own copy.
func newEvaluations(root *fsys.Root, lenient bool, cache *rcconf.ParseCache, mask map[string][]byte) evaluations {
	if cache == nil {
		cache = new(rcconf.ParseCache)
	}
	return evaluations{root: root, lenient: lenient, mask: mask, cache: cache, session: new(rcconf.Session)}
}

// load is load_rc_config of services, under overlay.
func (e evaluations) load(ctx context.Context, services []string, overlay map[string][]byte) (*rcconf.Env, error) {
	return rcconf.Load(ctx, rcconf.Options{Files: e.root, Services: services, Overlay: overlay, Lenient: e.lenient,
		Cache: e.cache, Session: e.session})
}

// loadRuntime reads what the plan's runtime part (mode, laggs, VF delay) is
// decided from: the policy, the snapshot and netif's view of rc.conf.
func loadRuntime(ctx context.Context, configPath string, s *hn.Snapshot, ev evaluations) (render.Input, error) {
	var in render.Input
	var err error
	if in.Config, err = LoadConfig(ev.root, configPath); err != nil {
		return in, err
	}
	if s == nil {
		return in, sysexits.Errorf(sysexits.Software, "no hn state: neither a snapshot file nor the running system's")
	}
	in.Snapshot = s
	if err := RequireDefaults(ev.root); err != nil {
		return in, err
	}
	in.Netif, err = ev.load(ctx, rcconf.ServiceNetif, ev.mask)
	return in, err
}

// loadInputs is loadRuntime plus what only shapes files: routing, the
// firewall and loader files, the other services' configurations.
func loadInputs(ctx context.Context, o Options, ev evaluations) (render.Input, []finding.Finding, error) {
	root := o.Root
	in, err := loadRuntime(ctx, o.ConfigPath, o.Snapshot, ev)
	if err != nil {
		return in, nil, err
	}
	load := func(services []string) (*rcconf.Env, error) {
		return ev.load(ctx, services, ev.mask)
	}
	if in.Routing, err = load(rcconf.ServiceRouting); err != nil {
		return in, nil, err
	}
	if in.Firewall, err = firewallFiles(in.Netif, root); err != nil {
		return in, nil, err
	}
	in.Loader = map[string][]byte{}
	for _, path := range append([]string{render.LoaderDefaults}, loaderPaths()...) {
		data, ok, err := root.ReadFile(path)
		if err != nil {
			return in, nil, err
		}
		if ok {
			in.Loader[path] = data
		}
	}
	image, err := imageFindings(root, in.Netif, in.Snapshot)
	if err != nil {
		return in, nil, err
	}
	names, err := serviceNames(in.Netif, root)
	if err != nil {
		return in, nil, err
	}
	var skipped []finding.Finding
	if in.Services, skipped, err = loadServices(ctx, names, load); err != nil {
		return in, nil, err
	}
	return in, append(append(append(in.Netif.Findings(), routingOnly(in.Netif, in.Routing)...), skipped...), image...), nil
}

// loaderPaths are the loader files render reads besides its defaults.
func loaderPaths() []string {
	var out []string
	for _, o := range render.LoaderOverrides {
		out = append(out, o.Path)
	}
	return out
}

// RequireDefaults refuses a root without /etc/defaults/rc.conf. FreeBSD's
// load_rc_config then reads /etc/rc.conf alone (rc.subr), but everything
// render decides rests on the defaults: local_startup says where
// rc.conf.d/network is read from, rc_conf_files which files count. Without
// them the self-check would fail with a message about local_startup that
// hides the cause: most likely -R names something other than a FreeBSD root.
func RequireDefaults(root *fsys.Root) error {
	_, err := root.Stat(rcconf.DefaultsRCConf)
	if errors.Is(err, fs.ErrNotExist) {
		return sysexits.Errorf(sysexits.NoInput, "%s: no such file (is %s a FreeBSD root? hvnetconf evaluates rc.conf from its defaults)",
			root.HostPath(rcconf.DefaultsRCConf), root.Dir())
	}
	return nil
}

// routingOnly returns the routing evaluation's findings not already reported
// by the netif one (both read rc.conf, so lenient skips show up twice).
func routingOnly(netif, routing *rcconf.Env) []finding.Finding {
	seen := map[finding.Finding]bool{}
	for _, f := range netif.Findings() {
		seen[f] = true
	}
	var out []finding.Finding
	for _, f := range routing.Findings() {
		if !seen[f] {
			out = append(out, f)
		}
	}
	return out
}

// LoadConfig reads the policy the way Prepare does: -c FILE (a host path,
// required), or ROOT/usr/local/etc/hvnetconf.toml when present, else the
// defaults.
func LoadConfig(root *fsys.Root, configPath string) (*config.Config, error) {
	if configPath != "" {
		data, err := fsys.ReadHostFile(configPath)
		if err != nil && sysexits.Code(err) != sysexits.NoInput {
			return nil, sysexits.New(sysexits.Config, err)
		}
		if err != nil {
			return nil, err
		}
		return config.Load(configPath, data, true)
	}
	// Messages and rendered comments name the file as the booted system
	// sees it, not as the image build's host does.
	data, ok, err := root.ReadFile(DefaultConfig)
	if err != nil {
		return nil, sysexits.New(sysexits.Config, err) // a bad policy file is 78
	}
	return config.Load(DefaultConfig, data, ok)
}

// diffTargets compares every target with the plan. A file hvnetconf did not
// write is never changed: that is a conflict, reported for all such paths.
func diffTargets(disk map[string]diskFile, plan *render.Plan) ([]Change, error) {
	var changes []Change
	var conflicts []string
	for _, path := range render.Targets {
		cur := disk[path]
		want, planned := plan.File(path)
		switch {
		case planned && cur.unusual != nil:
			return nil, sysexits.New(sysexits.CantCreate, cur.unusual)
		case planned && cur.exists && bytes.Equal(cur.data, want):
			continue
		case planned && cur.exists && !cur.owned:
			conflicts = append(conflicts, path)
		case planned:
			changes = append(changes, Change{Path: path, Old: cur.data, New: want, OldExists: cur.exists, NewExists: true})
		case cur.owned:
			changes = append(changes, Change{Path: path, Old: cur.data, OldExists: true})
		}
	}
	if len(conflicts) > 0 {
		return changes, sysexits.New(sysexits.CantCreate, &ConflictError{Paths: conflicts})
	}
	return changes, nil
}

// ConflictError: files hvnetconf did not write sit where the plan would
// write. check reports them as drift; the other commands stop (73).
type ConflictError struct {
	Paths  []string
	Result *Result // the run without the conflicting files; never to be written
}

func (e *ConflictError) Error() string {
	return strings.Join(e.Lines(), "; ")
}

// Lines says, per path, what is wrong and what to do about it.
func (e *ConflictError) Lines() []string {
	var out []string
	for _, p := range e.Paths {
		out = append(out, p+": exists and was not written by hvnetconf; "+mergeHint(p))
	}
	return out
}

// mergeHint says where the settings of a foreign file at a target path
// belong, so that hvnetconf can own the path: rc.conf.d/NAME under /etc
// is read by the same load_rc_config NAME, before /usr/local/etc's
// (rc.subr load_rc_config), and the loader reads /boot/loader.conf too.
func mergeHint(path string) string {
	const local = "/usr/local/etc/rc.conf.d/"
	switch {
	case strings.HasPrefix(path, local):
		return "merge its settings into /etc/rc.conf.d/" + strings.TrimPrefix(path, local) + " (or /etc/rc.conf), then remove it"
	case path == render.LoaderFile:
		return "merge its settings into /boot/loader.conf, then remove it"
	}
	return "rename it (another name in the same directory keeps it in effect) or remove it"
}

// Write applies the changes atomically under the root; the backup restores
// the previous files.
func (r *Result) Write() (*fsys.Backup, error) {
	var cs []fsys.Change
	for _, c := range r.Changes {
		cs = append(cs, fsys.Change{Path: c.Path, Data: c.New, Remove: !c.NewExists,
			Seen: true, Old: c.Old, OldExists: c.OldExists})
	}
	b, err := r.Root.Apply(cs)
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return b, nil
}
