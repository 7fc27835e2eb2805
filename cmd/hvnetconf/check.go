package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/hvnetconf/hvnetconf/accel"
	"github.com/hvnetconf/hvnetconf/apply"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"github.com/hvnetconf/hvnetconf/live"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/spf13/pflag"
)

func checkCommand() *command {
	in := &inputFlags{}
	var golden string
	return &command{
		name:    "check",
		summary: "compare the files on disk, the live laggs (without --state) and a golden tree (--golden) with what should be; exit 1 on drift",
		flags: func(fs *pflag.FlagSet) {
			in.registerStrict(fs)
			fs.StringVar(&golden, "golden", "", "also compare the rendered tree with the committed tree in `DIR` (written by render --out DIR)")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "check: unexpected argument %q", inv.args[0])
			}
			if err := goldenExists(golden, in.root); err != nil {
				return err
			}
			sys := live.New(ctx)
			liveState := in.state == "" && golden == ""
			root, _, err := in.open(ctx, inv, lockWait)
			if err != nil {
				return err
			}
			o := in.options(root)
			if liveState {
				if o.Snapshot, err = live.Snapshot(sys); err != nil {
					return err
				}
			}
			res, err := in.render(ctx, o, sys)
			var failed []drift
			var conflict *plan.ConflictError
			if errors.As(err, &conflict) && conflict.Result != nil {
				// A foreign file where the plan writes is drift, as
				// the exit table says: check exits 1, not 73.
				res, err = conflict.Result, nil
				for _, l := range conflict.Lines() {
					failed = append(failed, drift{line: l})
				}
			}
			if err != nil {
				return in.refused(inv, err)
			}
			failed = append(failed, checkFiles(res)...)
			compared := "the files under " + in.root + " are as rendered"
			switch {
			case golden != "":
				var more []drift
				more, err = checkGolden(res, golden)
				failed = append(failed, more...)
				compared += ", and the rendered tree matches " + golden
			case liveState:
				var more []string
				more, err = apply.Verify(ctx, apply.Env{Runner: sys}, res.Plan.Runtime(), apply.Retry{Attempts: 1})
				for _, m := range more {
					failed = append(failed, drift{line: m})
				}
				if err == nil {
					more, err = silentFallback(ctx, sys, o, res)
					for _, m := range more {
						failed = append(failed, drift{line: m})
					}
				}
				compared += ", the running laggs are as planned, and every VF present carries the traffic"
			}
			if err != nil {
				return err
			}
			if in.json {
				err = writeJSON(inv.stdout, struct {
					*report
					OK     bool     `json:"ok"`
					Failed []string `json:"failed"`
				}{newReport(in.root, res), len(failed) == 0, lines(failed)})
			} else {
				for _, f := range failed {
					// Names from a golden tree are anyone's: one line each.
					fmt.Fprintf(inv.stdout, "drift: %s\n%s", termsafe.Line(f.line), f.diff)
				}
				if len(failed) == 0 {
					fmt.Fprintln(inv.stdout, "ok: "+compared)
				}
				printStale(inv.stderr, res, false)
				printPending(inv.stderr, res.Root)
				in.printFindings(inv.stderr, res.Findings)
			}
			if err != nil || len(failed) == 0 {
				return err
			}
			return exitSilently(sysexits.Failure)
		},
	}
}

// goldenExists refuses a --golden DIR that is not there, saying how to
// make one, before anything is read.
func goldenExists(dir, root string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return sysexits.Errorf(sysexits.NoInput, "check: --golden %s: no such directory; create it with: hvnetconf render -R %s --out %s (with the same --state and -c), then commit it", dir, root, dir)
	case err != nil:
		return sysexits.New(sysexits.NoInput, err)
	case !fi.IsDir():
		return sysexits.Errorf(sysexits.NoInput, "check: --golden %s: not a directory", dir)
	}
	return nil
}

// checkFiles names every rendered file that differs from the disk, by what
// is on disk.
func checkFiles(res *plan.Result) []drift {
	var out []drift
	for _, c := range res.Changes {
		what := "on disk differs from rendered (apply would modify it)"
		switch c.Kind() {
		case "create":
			what = "missing (apply would create it)"
		case "remove":
			what = "no longer rendered (apply would remove it)"
		}
		out = append(out, drift{line: c.Path + ": " + what})
	}
	return out
}

// drift is one thing check found out of step: a line, and for a file
// compared with a golden tree, the unified diff from that tree's copy (a/)
// to the rendered one (b/), so `patch -d DIR -p1` brings the tree up to date.
type drift struct {
	line string
	diff string
}

func lines(ds []drift) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.line)
	}
	return out
}

// checkGolden compares the rendered files with a committed tree (render
// --out DIR wrote it): every file in either must be in both, byte for byte.
func checkGolden(res *plan.Result, dir string) ([]drift, error) {
	onDisk := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		data, err := fsys.ReadHostFile(path)
		rel, _ := filepath.Rel(dir, path)
		onDisk["/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		return nil, sysexits.New(sysexits.NoInput, err)
	}
	var out []drift
	for _, f := range res.Plan.Files {
		data, ok := onDisk[f.Path]
		c := plan.Change{Path: f.Path, Old: data, New: f.Data, OldExists: ok, NewExists: true}
		switch {
		case !ok:
			out = append(out, drift{fmt.Sprintf("%s: missing from %s", f.Path, dir), unified(c)})
		case !bytes.Equal(data, f.Data):
			out = append(out, drift{fmt.Sprintf("%s: differs from %s%s", f.Path, dir, f.Path), unified(c)})
		}
		delete(onDisk, f.Path)
	}
	var extra []string
	for p := range onDisk {
		extra = append(extra, p)
	}
	slices.Sort(extra)
	for _, p := range extra {
		c := plan.Change{Path: p, Old: onDisk[p], OldExists: true}
		out = append(out, drift{fmt.Sprintf("%s: in %s but no longer rendered", p, dir), unified(c)})
	}
	return out, nil
}

// silentFallback is the running system's drift that no file shows: a VF
// present but carrying no traffic in lagg mode, a VF function with no
// driver, a mode in force that differs from the loader files (package
// accel, as status shows it).
func silentFallback(ctx context.Context, sys live.System, o plan.Options, res *plan.Result) ([]string, error) {
	a, _, err := gather(ctx, sys, o.Root, o.Snapshot, res.Plan)
	if err != nil {
		return nil, err
	}
	return accel.Assess(a).Drift, nil
}
