package fsys

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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

// journalHeader starts every journal. Version 2 records each staged
// file's size and SHA-256, so that a journal is judged whole before any
// of it is done (checkJournal).
const journalHeader = "hvnetconf journal 2"

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
			fmt.Fprintf(&b, "rename %d %x %s %s\n", len(s.data), sha256.Sum256(s.data), strconv.Quote(s.tmp), strconv.Quote(s.rel))
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
	line        int
	tmp, target string // tmp "" = remove target
	size        int    // the staged file's size and hash
	sum         [sha256.Size]byte
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
		if err == nil {
			err = r.checkJournal("/"+jrel, entries)
		}
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
	sc := bufio.NewScanner(bytes.NewReader(data))
	var out []journalEntry
	named := map[string]bool{}
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			if line != journalHeader {
				return nil, badJournal(name, n, "not an hvnetconf journal (version 2)")
			}
			continue
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, badJournal(name, n, err.Error())
		}
		e.line = n
		switch _, ok := allowed[e.target]; {
		case !ok:
			return nil, badJournal(name, n, "names a file that is not one of hvnetconf's targets")
		case e.tmp != "" && (path.Dir(e.tmp) != path.Dir(e.target) || !tempName.MatchString(path.Base(e.tmp))):
			return nil, badJournal(name, n, "not an hvnetconf temporary file beside its target")
		case named[e.target] || named[e.tmp]:
			return nil, badJournal(name, n, "names a file twice")
		}
		named[e.target] = true
		if e.tmp != "" {
			named[e.tmp] = true
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, badJournal(name, 0, err.Error())
	}
	if len(data) == 0 {
		return nil, badJournal(name, 1, "empty")
	}
	return out, nil
}

// badJournal is the one line that refuses a journal at line.
func badJournal(name string, line int, what string) error {
	return sysexits.Errorf(sysexits.DataErr, "%s:%d: %s; move the journal away after checking the files it names", name, line, what)
}

// parseEntry reads one line: remove "TARGET", or rename SIZE SHA256 "TMP"
// "TARGET".
func parseEntry(line string) (journalEntry, error) {
	verb, rest, _ := strings.Cut(line, " ")
	var e journalEntry
	if verb == "rename" {
		size, rest2, _ := strings.Cut(rest, " ")
		sum, names, _ := strings.Cut(rest2, " ")
		n, err := strconv.Atoi(size)
		raw, herr := hex.DecodeString(sum)
		if err != nil || n < 0 || n > MaxFileSize || herr != nil || len(raw) != sha256.Size {
			return e, errors.New("bad size or hash")
		}
		e.size, e.sum = n, [sha256.Size]byte(raw)
		rest = names
	}
	names, err := quotedFields(rest)
	switch {
	case err != nil:
		return e, err
	case verb == "remove" && len(names) == 1:
		e.target = names[0]
	case verb == "rename" && len(names) == 2:
		e.tmp, e.target = names[0], names[1]
	default:
		return e, errors.New("unknown entry")
	}
	return e, nil
}

// checkJournal judges a journal whole before anything of it is done: each
// staged file still there must be a regular file holding what the journal
// recorded (size and hash) and carrying hvnetconf's header, as everything
// hvnetconf stages does. One bad entry refuses the journal, and nothing
// is changed: a forged journal cannot get its first renames done before
// a later entry is found wrong.
func (r *Root) checkJournal(name string, entries []journalEntry) error {
	for _, e := range entries {
		if e.tmp == "" {
			continue
		}
		fi, err := r.ops.Lstat(e.tmp)
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed before the crash
		}
		if err != nil || !fi.Mode().IsRegular() {
			return badJournal(name, e.line, "its staged file is not a regular file")
		}
		data, err := r.ops.ReadRegular(e.tmp, MaxFileSize)
		switch {
		case err != nil:
			return badJournal(name, e.line, "its staged file cannot be read: "+unwrapPath(err).Error())
		case len(data) != e.size || sha256.Sum256(data) != e.sum:
			return badJournal(name, e.line, "its staged file does not hold what the journal recorded")
		case !Owned(data):
			return badJournal(name, e.line, "its staged file was not written by hvnetconf")
		}
	}
	return nil
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
		if _, err := r.ops.Lstat(e.tmp); errors.Is(err, fs.ErrNotExist) {
			return "", nil // renamed before the crash (checkJournal judged the rest)
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
