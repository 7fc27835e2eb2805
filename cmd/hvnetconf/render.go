package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/spf13/pflag"
)

func renderCommand() *command {
	in := &inputFlags{}
	var out string
	return &command{
		name:    "render",
		summary: "write the rendered files under the root (or, with --out, into DIR only)",
		flags: func(fs *pflag.FlagSet) {
			in.register(fs)
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
			if out != "" {
				err = writeTree(ctx, inv, in.root, out, res.Plan.Files)
			} else {
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
			} else {
				for _, c := range res.Changes {
					fmt.Fprintf(inv.stdout, "%s %s\n", pastTense[c.Kind()], c.Path)
				}
				if len(res.Changes) == 0 {
					fmt.Fprintln(inv.stdout, "up to date: nothing to write")
				}
			}
			in.printFindings(inv.stderr, res.Findings)
			return nil
		},
	}
}

var pastTense = map[string]string{"create": "created", "modify": "updated", "remove": "removed"}

// writeTree writes the rendered files, by logical path, into dir: the tree
// an image build copies or compares. The same ownership rules hold there.
// It is a root like any other: locked, and a change a killed run left
// half done there is finished first.
func writeTree(ctx context.Context, inv *invocation, rootDir, dir string, files []render.File) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return sysexits.New(sysexits.CantCreate, err)
	}
	if a, err := os.Stat(rootDir); err == nil {
		if b, err := os.Stat(dir); err == nil && os.SameFile(a, b) {
			return sysexits.Errorf(sysexits.Usage, "render: --out %s is the root itself; leave --out away to write the root", dir)
		}
	}
	root, err := openRoot(ctx, inv, dir, lockWait, nil)
	if err != nil {
		return err
	}
	var cs []fsys.Change
	for _, f := range files {
		cs = append(cs, fsys.Change{Path: f.Path, Data: f.Data})
	}
	_, err = root.Apply(cs)
	return err
}
