package fsys

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// JournalName is the file a change to several files is recorded in while
// it is being made (see transact), in the directory of its first target:
// a directory that exists (or is made) for the change anyway, so nothing
// else is ever created, in an image least of all. The name is no service's
// (load_rc_config reads rc.conf.d/NAME), and devd and the loader read only
// *.conf files, so nothing on the booted system reads it.
const JournalName = ".hvnetconf.journal"

const journalHeader = "hvnetconf journal 1"

// tempName matches the temporary files hvnetconf creates: "." + the
// target's name + ".hvnetconf-" + 12 hex digits (see osOps.CreateTemp).
var tempName = regexp.MustCompile(`^\..+\.hvnetconf-[0-9a-f]{12}$`)

// journalFor is where a change's journal goes: beside its first target.
func journalFor(steps []step) string {
	return path.Join(path.Dir(steps[0].rel), JournalName)
}

// writeJournal records the steps' renames and removals at jrel,
// atomically (itself staged and renamed into place).
func (r *Root) writeJournal(jrel string, steps []step) error {
	var b bytes.Buffer
	b.WriteString(journalHeader + "\n")
	for _, s := range steps {
		if s.remove {
			fmt.Fprintf(&b, "remove %s\n", strconv.Quote(s.rel))
		} else {
			fmt.Fprintf(&b, "rename %s %s\n", strconv.Quote(s.tmp), strconv.Quote(s.rel))
		}
	}
	logical := "/" + jrel
	tmp, err := r.writeTemp(logical, jrel, b.Bytes(), 0o600)
	if err != nil {
		return err
	}
	if err := r.ops.Rename(tmp, jrel); err != nil {
		_ = r.ops.Remove(tmp)
		return ioErr(logical, "rename", err)
	}
	if err := r.ops.SyncDir(path.Dir(jrel)); err != nil {
		_ = r.ops.Remove(jrel) // not durable: the change does not start
		return ioErr(logical, "fsync directory", err)
	}
	return nil
}

// removeJournal ends a change: from now on nothing is left to finish.
func (r *Root) removeJournal(jrel string) error {
	if err := r.ops.Remove(jrel); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr("/"+jrel, "remove", err)
	}
	if err := r.ops.SyncDir(path.Dir(jrel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr("/"+jrel, "fsync directory", err)
	}
	return nil
}

// journalEntry is one journal line.
type journalEntry struct {
	tmp, target string // tmp "" = remove target
}

// Recover finishes a change a crashed run left half done, and removes
// hvnetconf's temporary files beside targets (logical paths). Only the
// targets' directories are looked at, and a journal may name nothing but
// those targets and temporary files beside them. Run it under the lock,
// before reading the targets. It reports what it did (nothing, usually).
func (r *Root) Recover(targets []string) ([]string, error) {
	allowed := map[string]string{} // resolved rel -> logical target
	var dirs []string
	for _, t := range targets {
		rel, err := r.resolveTarget(t)
		if err != nil {
			return nil, err
		}
		allowed[rel] = t
		if d := path.Dir(rel); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	var did []string
	for _, dir := range dirs {
		jrel := path.Join(dir, JournalName)
		data, ok, err := r.ReadFile("/" + jrel)
		if err != nil {
			return did, err
		}
		if !ok {
			continue
		}
		entries, err := parseJournal("/"+jrel, data, allowed)
		if err != nil {
			return did, err
		}
		for _, e := range entries {
			msg, err := r.redo(e, allowed[e.target])
			if err != nil {
				return did, sysexits.New(sysexits.Code(err), fmt.Errorf("%w (finishing the change /%s records)", err, jrel))
			}
			if msg != "" {
				did = append(did, msg)
			}
		}
		if err := r.removeJournal(jrel); err != nil {
			return did, err
		}
	}
	for _, dir := range dirs {
		n, err := r.sweep(dir)
		if err != nil {
			return did, err
		}
		if n > 0 {
			did = append(did, fmt.Sprintf("removed %d temporary file(s) in /%s", n, dir))
		}
	}
	return did, nil
}

// parseJournal reads the journal strictly: anything unexpected means it
// was not written by this version, and nothing is guessed.
func parseJournal(name string, data []byte, allowed map[string]string) ([]journalEntry, error) {
	bad := func(line int, what string) error {
		return sysexits.Errorf(sysexits.DataErr, "%s:%d: %s; move the journal away after checking the files it names", name, line, what)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	var out []journalEntry
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != journalHeader {
				return nil, bad(n, "not an hvnetconf journal")
			}
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		names, err := quotedFields(rest)
		switch {
		case err != nil:
			return nil, bad(n, err.Error())
		case verb == "remove" && len(names) == 1:
			out = append(out, journalEntry{target: names[0]})
		case verb == "rename" && len(names) == 2:
			out = append(out, journalEntry{tmp: names[0], target: names[1]})
		default:
			return nil, bad(n, "unknown entry")
		}
		last := out[len(out)-1]
		if _, ok := allowed[last.target]; !ok {
			return nil, bad(n, "names a file that is not one of hvnetconf's targets")
		}
		if last.tmp != "" && (path.Dir(last.tmp) != path.Dir(last.target) || !tempName.MatchString(path.Base(last.tmp))) {
			return nil, bad(n, "not an hvnetconf temporary file beside its target")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, bad(0, err.Error())
	}
	if len(data) == 0 {
		return nil, bad(1, "empty")
	}
	return out, nil
}

func quotedFields(s string) ([]string, error) {
	var out []string
	for s != "" {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return nil, errors.New("bad quoting")
		}
		v, _ := strconv.Unquote(q)
		out = append(out, v)
		s = strings.TrimPrefix(s[len(q):], " ")
	}
	return out, nil
}

// redo makes one journal entry true if it is not yet: a staged file that
// still exists is renamed into place; a file to remove is removed. A
// target that is no longer hvnetconf's (an admin replaced it after the
// crash) is left alone.
func (r *Root) redo(e journalEntry, logical string) (string, error) {
	if e.tmp != "" {
		ti, err := r.ops.Lstat(e.tmp)
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil // renamed before the crash
		}
		if err != nil || !ti.Mode().IsRegular() {
			return "", sysexits.Errorf(sysexits.DataErr, "%s: the journal's staged file is not a regular file; move the journal away", logical)
		}
	}
	fi, err := r.ops.Lstat(e.target)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		if e.tmp == "" {
			return "", nil
		}
	case err != nil:
		return "", ioErr(logical, "recover", err)
	default:
		cur, rerr := []byte(nil), error(nil)
		if fi.Mode().IsRegular() {
			cur, rerr = r.ops.ReadRegular(e.target, MaxFileSize)
		}
		if !fi.Mode().IsRegular() || rerr != nil || !Owned(cur) {
			if e.tmp != "" {
				_ = r.ops.Remove(e.tmp)
			}
			return "kept " + logical + " (no longer hvnetconf's) while finishing an interrupted change", nil
		}
	}
	if e.tmp == "" {
		if err := r.ops.Remove(e.target); err != nil {
			return "", ioErr(logical, "recover: remove", err)
		}
		return "finished an interrupted change: removed " + logical, r.ops.SyncDir(path.Dir(e.target))
	}
	if err := r.ops.Rename(e.tmp, e.target); err != nil {
		return "", ioErr(logical, "recover: rename", err)
	}
	return "finished an interrupted change: wrote " + logical, r.ops.SyncDir(path.Dir(e.target))
}

// maxSweep bounds the directory entries one sweep looks at: a target's
// directory holds a handful of files, and a run must not spend its time
// (or the memory of a listing) on one that an attacker filled.
const maxSweep = 4096

// sweep removes hvnetconf's temporary files left in dir (relative) by a
// crash before its journal was written.
func (r *Root) sweep(dir string) (int, error) {
	entries, err := r.ops.ReadDir(dir, maxSweep)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return 0, nil
	}
	if err != nil {
		return 0, ioErr("/"+dir, "list", err)
	}
	n := 0
	for _, d := range entries {
		if !d.Type().IsRegular() || !tempName.MatchString(d.Name()) {
			continue
		}
		if err := r.ops.Remove(path.Join(dir, d.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, ioErr("/"+path.Join(dir, d.Name()), "remove temporary file", err)
		}
		n++
	}
	return n, nil
}
