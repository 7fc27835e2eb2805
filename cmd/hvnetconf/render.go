package main

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/spf13/pflag"
)

func renderCommand() *command {
	in := &inputFlags{}
	var out string
	return &command{
		name:    "render",
		writes:  true,
		summary: "write the rendered files under the root (or, with --out, into DIR only)",
		flags: func(fs *pflag.FlagSet) {
			in.registerStrict(fs)
			fs.StringVarP(&out, "out", "o", "", "write the tree of rendered files into `DIR` instead of the root")
		},
		run: func(ctx context.Context, inv *invocation) error {
			if len(inv.args) > 0 {
				return sysexits.Errorf(sysexits.Usage, "render: unexpected argument %q", inv.args[0])
			}
			res, err := in.prepare(ctx, inv)
			if err != nil {
				return err
			}
			var removed []string
			if out != "" {
				removed, err = writeTree(ctx, inv, in.root, out, res.Plan.Files)
			} else if err = refuseWhilePending(res.Root); err == nil {
				_, err = res.Write()
			}
			if err != nil {
				return err
			}
			if in.json {
				return writeJSON(inv.stdout, newReport(in.root, res))
			}
			if out != "" {
				for _, f := range res.Plan.Files {
					fmt.Fprintf(inv.stdout, "wrote %s%s\n", out, f.Path)
				}
				for _, p := range removed {
					fmt.Fprintf(inv.stdout, "removed %s%s (an earlier render wrote it; no longer rendered)\n", out, p)
				}
			} else {
				for _, c := range res.Changes {
					fmt.Fprintf(inv.stdout, "%s %s\n", pastTense[c.Kind()], c.Path)
				}
				if len(res.Changes) == 0 {
					fmt.Fprintln(inv.stdout, "up to date: nothing to write")
				}
			}
			printStale(inv.stderr, res, out == "")
			in.printFindings(inv.stderr, res.Findings)
			return nil
		},
	}
}

var pastTense = map[string]string{"create": "created", "modify": "updated", "remove": "removed"}

// writeTree writes the rendered files, by logical path, into dir: the tree
// an image build copies or compares. The same ownership rules hold there.
// It is a root like any other: locked, and a change a killed run left
// half done there is finished first. Afterwards dir holds exactly the
// rendered tree: a file an earlier render --out wrote and this one does
// not is removed, so that check --golden never trips over leftovers; a
// file hvnetconf did not write refuses the run before anything changes.
func writeTree(ctx context.Context, inv *invocation, rootDir, dir string, files []render.File) (removed []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, sysexits.New(sysexits.CantCreate, err)
	}
	if a, err := os.Stat(rootDir); err == nil {
		if b, err := os.Stat(dir); err == nil && os.SameFile(a, b) {
			return nil, sysexits.Errorf(sysexits.Usage, "render: --out %s is the root itself; leave --out away to write the root", dir)
		}
	}
	root, _, err := openRoot(ctx, inv, dir, lockWait)
	if err != nil {
		return nil, err
	}
	earlier, err := earlierTree(dir)
	if err != nil {
		return nil, err
	}
	var cs []fsys.Change
	for _, f := range files {
		cs = append(cs, fsys.Change{Path: f.Path, Data: f.Data})
		delete(earlier, f.Path)
	}
	removed = slices.Sorted(maps.Keys(earlier))
	for _, p := range removed {
		cs = append(cs, fsys.Change{Path: p, Remove: true})
	}
	if _, err = root.Apply(cs); err != nil {
		return nil, err
	}
	for _, p := range removed {
		removeEmptyParents(dir, p)
	}
	return removed, nil
}

// maxTreeEntries bounds the walk of an --out directory: a rendered tree
// has a handful of files, so one with more is not one render --out wrote.
const maxTreeEntries = 1000

// earlierTree lists the files of an --out directory by logical path. Every
// one must carry hvnetconf's header: anything else (a file of the user's,
// a link, a device) refuses the run, naming it, before anything changes.
func earlierTree(dir string) (map[string]bool, error) {
	out, n := map[string]bool{}, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if n++; n > maxTreeEntries {
			return sysexits.Errorf(sysexits.CantCreate, "render: --out %s holds more than %d entries: not a tree render --out wrote; give an empty or new directory (nothing was written)", dir, maxTreeEntries)
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, path)
		logical := "/" + filepath.ToSlash(rel)
		if d.Type().IsRegular() {
			if data, err := fsys.ReadHostFile(path); err == nil && fsys.Owned(data) {
				out[logical] = true
				return nil
			}
		}
		return sysexits.Errorf(sysexits.CantCreate, "render: --out %s: %s was not written by hvnetconf; give an empty or new directory, or one render --out wrote (nothing was written)", dir, termsafe.Path(path))
	})
	if err != nil && sysexits.Code(err) == sysexits.Software {
		err = sysexits.New(sysexits.NoInput, err)
	}
	return out, err
}

// removeEmptyParents removes the directories above a removed file that
// it left empty, up to (not including) dir.
func removeEmptyParents(dir, logical string) {
	for p := path.Dir(logical); p != "/" && p != "."; p = path.Dir(p) {
		if os.Remove(filepath.Join(dir, filepath.FromSlash(p))) != nil {
			return
		}
	}
}
