package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/hvnetconf/hvnetconf/plan"
	"github.com/hvnetconf/hvnetconf/render"
	"github.com/hvnetconf/hvnetconf/udiff"
)

// report is the stable JSON object printed by render, diff and check with
// --json (documented in docs/rendering.md, "--json", and by the JSON Schema
// docs/hvnetconf.schema.json). Fields are only added, never renamed or
// removed; each addition raises version.JSON.
type report struct {
	Version  string            `json:"version"`
	Root     string            `json:"root"`
	Mode     render.Decision   `json:"mode"`
	Changed  bool              `json:"changed"`
	Files    []fileReport      `json:"files"`
	Laggs    []render.Lagg     `json:"laggs"`
	Findings []finding.Finding `json:"findings"`
	// A change applied with --confirm-within: pending, or reverted and
	// in force (confirm.go); absent otherwise.
	Confirmation *confirmation `json:"confirmation,omitempty"`
}

type fileReport struct {
	Path   string `json:"path"`
	Action string `json:"action"` // create, modify, remove, unchanged
	OldSHA string `json:"old_sha256,omitempty"`
	NewSHA string `json:"new_sha256,omitempty"`
	Diff   string `json:"diff,omitempty"`
	// The whole file before and after, for changed files only, so that a
	// client can show its own diff (Ansible's before/after). Absent: no
	// such file, or empty (old_sha256/new_sha256 say which). A file that
	// is not UTF-8 comes as the base64 of its exact bytes instead (see
	// content).
	OldContent    string `json:"old_content,omitempty"`
	NewContent    string `json:"new_content,omitempty"`
	OldContentB64 string `json:"old_content_base64,omitempty"`
	NewContentB64 string `json:"new_content_base64,omitempty"`
}

func newReport(root string, res *plan.Result) *report {
	r := &report{Version: version.Version, Root: root, Mode: res.Plan.Mode, Laggs: res.Plan.Laggs,
		Findings: res.Findings, Files: []fileReport{}}
	if r.Laggs == nil {
		r.Laggs = []render.Lagg{}
	}
	if r.Findings == nil {
		r.Findings = []finding.Finding{}
	}
	changed := map[string]bool{}
	for _, c := range res.Changes {
		changed[c.Path] = true
		fr := fileReport{Path: c.Path, Action: c.Kind(), Diff: unified(c)}
		if c.OldExists {
			fr.OldSHA = sha(c.Old)
			fr.OldContent, fr.OldContentB64 = content(c.Old)
		}
		if c.NewExists {
			fr.NewSHA = sha(c.New)
			fr.NewContent, fr.NewContentB64 = content(c.New)
		}
		r.Files = append(r.Files, fr)
	}
	for _, f := range res.Plan.Files {
		if !changed[f.Path] {
			r.Files = append(r.Files, fileReport{Path: f.Path, Action: "unchanged", OldSHA: sha(f.Data), NewSHA: sha(f.Data)})
		}
	}
	r.Changed = len(res.Changes) > 0
	r.Confirmation = confirmationOf(res.Root)
	return r
}

// unified is the diff -u text of one change, with a/ and b/ paths relative to
// the root so that `patch -p1` applies it from the root directory.
func unified(c plan.Change) string {
	rel := termsafe.Line(c.Path[1:]) // a name from a --golden tree is anyone's
	return udiff.Unified("a/"+rel, "b/"+rel, c.Old, c.New, c.OldExists, c.NewExists)
}

// content is a file's bytes for the report: the text itself when it is
// UTF-8, else the base64 of the exact bytes. A JSON string holds only
// Unicode: encoding/json would turn each stray byte into U+FFFD, and the
// text would no longer hash to its sha256 (an owned file someone edited
// in Latin-1, say).
func content(b []byte) (text, b64 string) {
	if utf8.Valid(b) {
		return string(b), ""
	}
	return "", base64.StdEncoding.EncodeToString(b)
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
