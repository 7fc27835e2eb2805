package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/hvnetconf/hvnetconf/pipeline"
	"github.com/spf13/pflag"
)

// inputFlags are the flags every command that renders shares.
type inputFlags struct {
	root    string
	config  string
	state   string
	lenient bool
	json    bool
	quiet   bool
}

func (f *inputFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.root, "root", "R", "/", "the system lives under `DIR` (image builds)")
	fs.StringVarP(&f.config, "config", "c", "", "policy `FILE` (default ROOT"+pipeline.DefaultConfig+", optional)")
	fs.StringVar(&f.state, "state", "", "hn snapshot `FILE` (TOML, see hvnetconf snapshot); default: the live kernel")
	fs.BoolVar(&f.lenient, "lenient", false, "skip rc.conf statements hvnetconf refuses to evaluate (reported as findings)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "do not print findings")
}

func (f *inputFlags) options() pipeline.Options {
	return pipeline.Options{Root: f.root, ConfigPath: f.config, StatePath: f.state, Lenient: f.lenient, Version: version.Version}
}

func (f *inputFlags) prepare(ctx context.Context) (*pipeline.Result, error) {
	return pipeline.Prepare(ctx, f.options())
}

// printFindings writes findings one per line, after the main output, on
// stderr so that stdout stays a clean diff or file list.
func (f *inputFlags) printFindings(w io.Writer, fs []finding.Finding) {
	if f.quiet {
		return
	}
	for _, x := range fs {
		fmt.Fprintln(w, "hvnetconf: "+x.String())
	}
}
