package rcconf

import (
	"bytes"
	"context"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/expand"
)

// Session is what the Loads of one run share. Every load_rc_config
// starts the same way: /etc/defaults/rc.conf, then its source_rc_confs
// (rc.conf, rc.conf.local...), and only then the rc.conf.d files of its
// services (rc.subr load_rc_config). A run evaluates that start about ten
// times (netif, routing, each service with an rc.conf.d file, the
// self-check's views); with a Session it is evaluated once, and each Load
// continues from its own copy of the state it left: the shell's variables
// and functions, origins, limit counters, files read and findings. A Load
// that has no rc.conf.d file to read gets the start's result itself. So a
// Load gives the same values, origins, findings and errors with a Session
// as without, and each limit still counts all of its own Load's work.
//
// A kept start is used only when every file access it made (stat, read,
// directory listing, through the Load's overlay) gives the same answer
// for the Load at hand: an overlay that replaces a file the start read
// (the self-check's, say, when rc.conf sources an rc.conf.d file) makes
// that Load evaluate the start itself.
//
// A Session also resolves each logical path under the root once, and
// asks the disk each stat, read and listing once (disk). Use one
// per run, over a root that does not change meanwhile: plan.Prepare makes
// one for its evaluations. The zero value is ready for use; a Session is
// safe for concurrent use.
type Session struct {
	mu     sync.Mutex // held through begin, which resolves paths
	starts []*start

	resolveMu sync.Mutex
	resolved  map[string]resolved

	varsMu    sync.Mutex
	spareVars []map[string]expand.Variable // see takeVars

	singleMu sync.Mutex
	singles  []*single

	diskMu  sync.Mutex
	answers map[diskKey]diskAnswer // see disk
}

// diskKey is one access of the disk: the operation and the resolved path.
type diskKey struct{ op, path string }

// diskAnswer is what the disk answered (rootFS.diskStat, diskRead,
// diskReadDir); callers share it and change none of it.
type diskAnswer struct {
	info    fs.FileInfo
	data    []byte
	ok      bool
	entries []fs.DirEntry
	err     error
}

// disk is the answer of access op of r from the disk, asked once per
// Session (nil: every time): the root does not change during a Session.
func (s *Session) disk(op string, r resolved, do func() diskAnswer) diskAnswer {
	if s == nil {
		return do()
	}
	key := diskKey{op, r.path}
	s.diskMu.Lock()
	defer s.diskMu.Unlock()
	if a, ok := s.answers[key]; ok {
		return a
	}
	a := do()
	if s.answers == nil {
		s.answers = map[diskKey]diskAnswer{}
	}
	s.answers[key] = a
	return a
}

// maxStarts bounds the starts a Session keeps: a run has two overlays
// (the user's files, and the self-check's rendered tree).
const maxStarts = 4

// resolved is one path's resolution under the root.
type resolved struct {
	path  string
	fixed bool // path is its own resolution (fsys.Root.ResolveFixed)
	err   error
}

// start is the state after load_rc_config's common start, and what it
// depended on.
type start struct {
	opts     Options // Files and Lenient matter
	overlay  map[string][]byte
	ev       *evaluator // never run again: Loads run copies (fork)
	accesses []access
	env      *Env // ev's result, for the Loads that read nothing more
}

// access is one file access of the common start: the path it reached
// under the root, and its answer.
type access struct {
	op, logical, resolved string
	answer                []byte
}

// resolve is resolve through the Session's cache (nil: none).
func (s *Session) resolve(key string, do func() resolved) resolved {
	if s == nil {
		return do()
	}
	s.resolveMu.Lock()
	defer s.resolveMu.Unlock()
	if r, ok := s.resolved[key]; ok {
		return r
	}
	r := do()
	if s.resolved == nil {
		s.resolved = map[string]resolved{}
	}
	s.resolved[key] = r
	return r
}

// load runs load_rc_config for opts over files: the common start (kept
// or evaluated), then the rc.conf.d files of the services.
func (s *Session) load(ctx context.Context, opts Options, files *rootFS) (*Env, error) {
	if s == nil {
		ev, err := newEvaluator(ctx, opts, files)
		if err != nil {
			return nil, err
		}
		if err := ev.loadStart(); err != nil {
			return nil, err
		}
		return ev.loadServices(opts.Services)
	}
	st, err := s.begin(ctx, opts, files)
	if err != nil {
		return nil, err
	}
	first, sourced := firstSourced(st.ev.sh.global, files, opts.Services)
	if first < 0 {
		return st.env, nil // nothing more to read: the start's result
	}
	rest := opts.Services[first+1:]
	if env := s.single(st, files, sourced, rest); env != nil {
		return env, nil
	}
	ev, err := st.ev.fork(ctx, opts, files, s.takeVars())
	if err != nil {
		return nil, err
	}
	env, err := ev.loadServices(opts.Services)
	s.giveVars(ev.sh.r.Vars) // the copy runs no more
	if err == nil && !sourcesAny(env.global, files, rest) {
		s.keepSingle(&single{st: st, overlay: files.overlay, sourced: sourced, env: env})
	}
	return env, err
}

// single is a Load that read, after its start, the files of one service
// only (sourced, in order) and nothing for the services after it. Another
// Load over the same start and overlay whose first service to read reads
// the same files, and whose later services find nothing to read after
// them, ends in the same state: looking for a file that is not there
// changes nothing, so which services found nothing does not matter. The
// self-check's views are such Loads: [network netif] and [dhclient
// network] both read the rendered rc.conf.d/network alone when neither
// netif nor dhclient has a file.
type single struct {
	st      *start
	overlay map[string][]byte
	sourced []string
	env     *Env
}

// maxSingles bounds the singles a Session keeps.
const maxSingles = 8

// single returns the result of a kept single that this Load (over st and
// files, reading sourced first, then the services rest) would repeat, or
// nil.
func (s *Session) single(st *start, files *rootFS, sourced, rest []string) *Env {
	s.singleMu.Lock()
	defer s.singleMu.Unlock()
	for _, k := range s.singles {
		if k.st == st && slices.Equal(k.sourced, sourced) && sameOverlay(k.overlay, files.overlay) &&
			!sourcesAny(k.env.global, files, rest) {
			return k.env
		}
	}
	return nil
}

func (s *Session) keepSingle(k *single) {
	s.singleMu.Lock()
	defer s.singleMu.Unlock()
	if len(s.singles) == maxSingles {
		s.singles = s.singles[1:]
	}
	s.singles = append(s.singles, k)
}

// sameOverlay reports whether two overlays hold the same files.
func sameOverlay(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for p, data := range a {
		if other, ok := b[p]; !ok || (data == nil) != (other == nil) || !bytes.Equal(data, other) {
			return false
		}
	}
	return true
}

// maxSpareVars bounds the Runner.Vars maps a Session keeps for reuse.
const maxSpareVars = 2

// takeVars returns a Runner.Vars map a finished Load or a kept start gave
// back, or nil.
// Every Run of an interpreter writes all the variables into its Vars,
// which rcconf never reads: a map that holds the names already takes
// them without growing (see shell.fork).
func (s *Session) takeVars() map[string]expand.Variable {
	s.varsMu.Lock()
	defer s.varsMu.Unlock()
	if len(s.spareVars) == 0 {
		return nil
	}
	m := s.spareVars[len(s.spareVars)-1]
	s.spareVars = s.spareVars[:len(s.spareVars)-1]
	return m
}

// giveVars keeps m, the Vars of an interpreter that runs no more, for the
// next Load's copy, which then takes it instead of a clone.
func (s *Session) giveVars(m map[string]expand.Variable) {
	s.varsMu.Lock()
	defer s.varsMu.Unlock()
	if m != nil && len(s.spareVars) < maxSpareVars {
		s.spareVars = append(s.spareVars, m)
	}
}

// begin returns the common start for opts over files: a kept one that
// still holds, or a new evaluation, kept when it succeeds. A failed start
// is only its error, not kept: the next Load meets it again.
func (s *Session) begin(ctx context.Context, opts Options, files *rootFS) (*start, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.starts {
		if st.opts.Files == opts.Files && st.opts.Lenient == opts.Lenient && st.holds(files) {
			return st, nil
		}
	}
	ev, err := newEvaluator(ctx, opts, files)
	if err != nil {
		return nil, err
	}
	var log []access
	files.log = &log
	err = ev.loadStart()
	files.log = nil
	if err != nil {
		return nil, err
	}
	if len(s.starts) == maxStarts {
		s.starts = s.starts[1:]
	}
	st := &start{opts: opts, overlay: files.overlay, ev: ev, accesses: log, env: ev.env()}
	s.starts = append(s.starts, st)
	// The start's interpreter runs no more either (Loads run copies), so
	// its Vars can be a copy's.
	s.giveVars(ev.sh.r.Vars)
	ev.sh.r.Vars = nil
	return st, nil
}

// holds reports whether every access of the start answers the same
// through files. The root does not change during a Session, so only the
// overlays can make a difference, and an access answers from the overlay
// entries at its path and below it (rootFS): one with no differing entry
// there answers the same; any other is asked again.
func (st *start) holds(files *rootFS) bool {
	var differ []string
	for p, data := range files.overlay {
		if old, ok := st.overlay[p]; !ok || (old == nil) != (data == nil) || !bytes.Equal(old, data) {
			differ = append(differ, p)
		}
	}
	for p := range st.overlay {
		if _, ok := files.overlay[p]; !ok {
			differ = append(differ, p)
		}
	}
	for _, a := range st.accesses {
		if touches(differ, a.resolved) && !bytes.Equal(files.answer(a.op, a.logical), a.answer) {
			return false
		}
	}
	return true
}

// touches reports whether one of paths is p or lies below it.
func touches(paths []string, p string) bool {
	below := strings.TrimSuffix(p, "/") + "/"
	for _, q := range paths {
		if q == p || strings.HasPrefix(q, below) {
			return true
		}
	}
	return false
}

// sourcesAny reports whether load_rc_config would source a file for one
// of services (loadService) with the variables in global. Until it
// sources one nothing changes, so the first answer is exact.
func sourcesAny(global expand.Environ, files *rootFS, services []string) bool {
	first, _ := firstSourced(global, files, services)
	return first >= 0
}

// firstSourced returns the index in services of the first one for which
// load_rc_config would source a file with the variables in global, and
// the files it sources (loadService, dotIfNonEmpty), or -1.
func firstSourced(global expand.Environ, files *rootFS, services []string) (int, []string) {
	for i, name := range services {
		var sourced []string
		for _, p := range serviceFiles(global, files, name) {
			if nonEmpty(files, p) {
				sourced = append(sourced, p)
			}
		}
		if len(sourced) > 0 {
			return i, sourced
		}
	}
	return -1, nil
}

// fork copies the evaluator for another Load (ctx, opts, files), which
// continues from where this one stands; this one is not changed by it.
// vars, when not nil, becomes the copy's Runner.Vars (see shell.fork).
func (ev *evaluator) fork(ctx context.Context, opts Options, files *rootFS, vars map[string]expand.Variable) (*evaluator, error) {
	sh := &shell{ctx: ctx}
	lim := *ev.lim
	lim.at = &sh.stack
	lim.bodies = slices.Clone(ev.lim.bodies)
	cp := &evaluator{
		opts: opts, fs: files, sh: sh, lim: &lim,
		origins: &origins{known: maps.Clone(ev.origins.known), at: maps.Clone(ev.origins.at), longest: ev.origins.longest},
		funcs:   maps.Clone(ev.funcs),
		files:   slices.Clone(ev.files),
		finds:   slices.Clone(ev.finds),
	}
	if err := sh.fork(ev.sh, files, cp.lim, cp.call, vars); err != nil {
		return nil, err
	}
	return cp, nil
}
