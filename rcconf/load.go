package rcconf

import (
	"context"
	"strings"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// Logical paths of load_rc_config (libexec/rc/rc.subr).
const (
	defaultsRCConf = "/etc/defaults/rc.conf"
	etcRCConf      = "/etc/rc.conf"
)

// Load evaluates the configuration the way rc.subr's load_rc_config does
// for each of opts.Services in turn, in one shell:
//
//  1. /etc/defaults/rc.conf, then its source_rc_confs function (which reads
//     every file of rc_conf_files, twice over if one redefines the list);
//     without defaults/rc.conf, /etc/rc.conf alone;
//  2. for each service NAME and each DIR of /etc and ${local_startup%/rc.d}:
//     DIR/rc.conf.d/NAME if it is a file, else every regular file in that
//     directory in glob order.
//
// Bad input is an error with exit code 65 naming FILE:LINE:COL.
func Load(ctx context.Context, opts Options) (*Env, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 5 * time.Second
	}
	if len(opts.Services) == 0 {
		opts.Services = ServiceNetwork
	}
	root := opts.Files
	if root == nil {
		return nil, sysexits.Errorf(sysexits.Software, "rcconf: no root to read")
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	files := &rootFS{root: root, session: opts.Session}
	overlay, err := files.resolveOverlay(opts.Overlay)
	if err != nil {
		return nil, err
	}
	files.overlay = overlay
	return opts.Session.load(ctx, opts, files)
}

// resolveOverlay keys the overlay by the paths the booted system reaches
// (see rootFS.resolve), so a file reached through a link is masked too.
func (f *rootFS) resolveOverlay(in map[string][]byte) (map[string][]byte, error) {
	out := make(map[string][]byte, len(in))
	for p, data := range in {
		r, err := f.resolve(p)
		if err != nil {
			return nil, sysexits.Errorf(sysexits.IOErr, "%s: %v", p, err)
		}
		out[r] = data
	}
	return out, nil
}

func newEvaluator(ctx context.Context, opts Options, files *rootFS) (*evaluator, error) {
	sh := &shell{ctx: ctx}
	ev := &evaluator{
		opts: opts, fs: files, sh: sh, origins: newOrigins(), lim: &limits{at: &sh.stack},
		funcs: map[string]bool{},
	}
	if err := sh.start(files, ev.lim, ev.call); err != nil {
		return nil, err
	}
	ev.origins.baseline(ev.sh.global)
	return ev, nil
}

// loadStart follows rc.subr's load_rc_config up to the rc.conf.d files
// of the services (Load reads those): the part every service shares.
func (ev *evaluator) loadStart() error {
	if ev.readable(defaultsRCConf) {
		if err := ev.dotIfNonEmpty(defaultsRCConf); err != nil {
			return err
		}
		if err := ev.sourceRCConfs(); err != nil {
			return err
		}
	} else if ev.readable(etcRCConf) {
		if err := ev.dotIfNonEmpty(etcRCConf); err != nil {
			return err
		}
	}
	return nil
}

// sourceRCConfs calls the source_rc_confs function that defaults/rc.conf
// defines; it reads rc_conf_files through our ". " handling.
func (ev *evaluator) sourceRCConfs() error {
	const fn = "source_rc_confs"
	body := ev.sh.function(fn)
	if body == nil {
		ev.finds = append(ev.finds, finding.Finding{File: defaultsRCConf, Severity: finding.Warning,
			Message: fn + " is not defined: rc_conf_files is not read"})
		return nil
	}
	ev.sh.stack.push(defaultsRCConf, body.Pos())
	defer ev.sh.stack.pop()
	call := &syntax.Stmt{Cmd: &syntax.CallExpr{Args: []*syntax.Word{litWord(fn)}}}
	if err := ev.run(call); err != nil {
		return err
	}
	ev.origins.update(ev.sh.global, Origin{File: defaultsRCConf, Line: int(body.Pos().Line())})
	return nil
}

// loadServices reads the rc.conf.d files of each service in turn, and
// freezes the result.
func (ev *evaluator) loadServices(services []string) (*Env, error) {
	for _, name := range services {
		if err := ev.loadService(name); err != nil {
			return nil, err
		}
	}
	return ev.env(), nil
}

// loadService reads rc.conf.d/NAME from /etc and each ${local_startup%/rc.d}.
func (ev *evaluator) loadService(name string) error {
	for _, p := range serviceFiles(ev.sh.global, ev.fs, name) {
		if err := ev.dotIfNonEmpty(p); err != nil {
			return err
		}
	}
	return nil
}

// serviceFiles lists, in order, the files load_rc_config NAME tries once
// rc.conf is read, with the variables in global: for each DIR of /etc and
// ${local_startup%/rc.d}, DIR/rc.conf.d/NAME if it is a regular file,
// else every regular file matching DIR/rc.conf.d/NAME/* in glob order.
func serviceFiles(global expand.Environ, files *rootFS, name string) []string {
	dirs := []string{"/etc"}
	if vr := global.Get("local_startup"); vr.IsSet() {
		dirs = append(dirs, strings.Fields(vr.String())...)
	}
	var out []string
	for _, d := range dirs {
		p := strings.TrimSuffix(d, "/rc.d") + "/rc.conf.d/" + name
		info, err := files.stat(p)
		switch {
		case err != nil:
			continue
		case info.Mode().IsRegular():
			out = append(out, p)
		case info.IsDir():
			out = append(out, serviceDir(files, p)...)
		}
	}
	return out
}

// serviceDir lists the regular files matching DIR/* in order.
func serviceDir(files *rootFS, dir string) []string {
	entries, err := files.readDir(dir)
	if err != nil {
		return nil // sh's glob would match nothing
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue // * does not match dot files
		}
		p := dir + "/" + e.Name()
		if info, err := files.stat(p); err == nil && info.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}

// dotIfNonEmpty is rc.subr's dot: [ -f FILE -a -s FILE ] && . FILE.
func (ev *evaluator) dotIfNonEmpty(p string) error {
	if !nonEmpty(ev.fs, p) {
		return nil
	}
	return ev.source(p, false)
}

// nonEmpty is [ -f FILE -a -s FILE ].
func nonEmpty(files *rootFS, p string) bool {
	info, err := files.stat(p)
	return err == nil && info.Mode().IsRegular() && info.Size() > 0
}

func (ev *evaluator) readable(p string) bool {
	_, err := ev.fs.stat(p)
	return err == nil
}

// env freezes the result.
func (ev *evaluator) env() *Env {
	return &Env{at: ev.origins.at, global: ev.sh.global, files: ev.files, findings: ev.finds}
}
