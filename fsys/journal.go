package fsys

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// JournalPath is where a change to several files is recorded while it is
// being made (see transact). It exists only during a change, or after a
// crash in one; /var/db is where FreeBSD keeps state that persists across
// reboots (hier(7)).
const JournalPath = "/var/db/hvnetconf.journal"

const journalHeader = "hvnetconf journal 1"

// tempName matches the temporary files hvnetconf creates: "." + the
// target's name + ".hvnetconf-" + 12 hex digits (see osOps.CreateTemp).
var tempName = regexp.MustCompile(`^\..+\.hvnetconf-[0-9a-f]{12}$`)

// writeJournal records the steps' renames and removals, atomically
// (itself staged and renamed into place), and returns the directories it
// had to create for it.
func (r *Root) writeJournal(steps []step) ([]string, error) {
	var b bytes.Buffer
	b.WriteString(journalHeader + "\n")
	for _, s := range steps {
		if s.remove {
			fmt.Fprintf(&b, "remove %s\n", strconv.Quote(s.rel))
		} else {
			fmt.Fprintf(&b, "rename %s %s\n", strconv.Quote(s.tmp), strconv.Quote(s.rel))
		}
	}
	rel, err := r.resolveTarget(JournalPath)
	if err != nil {
		return nil, err
	}
	missing, err := r.missingDirs(JournalPath, path.Dir(rel))
	if err != nil {
		return nil, err
	}
	var created []string
	for _, dir := range missing {
		if err := r.ops.Mkdir(dir, DirMode); err != nil && !errors.Is(err, fs.ErrExist) {
			return created, ioErr(JournalPath, "mkdir /"+dir, err)
		}
		created = append(created, dir)
	}
	tmp, err := r.writeTemp(JournalPath, rel, b.Bytes(), 0o600)
	if err != nil {
		return created, err
	}
	if err := r.ops.Rename(tmp, rel); err != nil {
		_ = r.ops.Remove(tmp)
		return created, ioErr(JournalPath, "rename", err)
	}
	if err := r.ops.SyncDir(path.Dir(rel)); err != nil {
		_ = r.ops.Remove(rel) // not durable: the change does not start
		return created, ioErr(JournalPath, "fsync directory", err)
	}
	return created, nil
}

// removeJournal ends a change: from now on nothing is left to finish.
func (r *Root) removeJournal() error {
	rel, err := r.resolveTarget(JournalPath)
	if err != nil {
		return err
	}
	if err := r.ops.Remove(rel); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr(JournalPath, "remove", err)
	}
	if err := r.ops.SyncDir(path.Dir(rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ioErr(JournalPath, "fsync directory", err)
	}
	return nil
}

// journalEntry is one journal line.
type journalEntry struct {
	tmp, target string // tmp "" = remove target
}

// Recover finishes a change a crashed run left half done, and removes
// hvnetconf's temporary files beside targets (logical paths) and the
// journal. Run it under the lock, before reading the targets. It reports
// what it did (nothing, usually) so the caller can say so.
func (r *Root) Recover(targets []string) ([]string, error) {
	data, ok, err := r.ReadFile(JournalPath)
	if err != nil {
		return nil, err
	}
	var did []string
	if ok {
		entries, err := parseJournal(data)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			msg, err := r.redo(e)
			if err != nil {
				return did, err
			}
			if msg != "" {
				did = append(did, msg)
			}
		}
		if err := r.removeJournal(); err != nil {
			return did, err
		}
	}
	dirs := []string{path.Dir(JournalPath)}
	for _, t := range targets {
		dirs = append(dirs, path.Dir(t))
	}
	for _, dir := range dirs {
		n, err := r.sweep(dir)
		if err != nil {
			return did, err
		}
		if n > 0 {
			did = append(did, fmt.Sprintf("removed %d temporary file(s) in %s", n, dir))
		}
	}
	return did, nil
}

// parseJournal reads the journal strictly: anything unexpected means it
// was not written by this version, and nothing is guessed.
func parseJournal(data []byte) ([]journalEntry, error) {
	bad := func(line int, what string) error {
		return sysexits.Errorf(sysexits.DataErr, "%s:%d: %s; move the journal away after checking the files it names", JournalPath, line, what)
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
		for _, p := range names {
			if _, err := relPath("/"+p, sysexits.DataErr); err != nil {
				return nil, bad(n, err.Error())
			}
		}
		last := out[len(out)-1]
		if last.tmp != "" && (path.Dir(last.tmp) != path.Dir(last.target) || !tempName.MatchString(path.Base(last.tmp))) {
			return nil, bad(n, "not an hvnetconf temporary file beside its target")
		}
	}
	return out, sc.Err()
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
func (r *Root) redo(e journalEntry) (string, error) {
	logical := "/" + e.target
	if e.tmp != "" {
		if _, err := r.ops.Lstat(e.tmp); errors.Is(err, fs.ErrNotExist) {
			return "", nil // renamed before the crash
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

// sweep removes hvnetconf's temporary files left in dir by a crash
// (before its journal was written, or a journal's own).
func (r *Root) sweep(logicalDir string) (int, error) {
	entries, err := r.ReadDir(logicalDir)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return 0, nil
	}
	if err != nil {
		return 0, ioErr(logicalDir, "list", err)
	}
	rel, err := r.resolveRel(logicalDir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range entries {
		if !d.Type().IsRegular() || !tempName.MatchString(d.Name()) {
			continue
		}
		if err := r.ops.Remove(path.Join(rel, d.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, ioErr(path.Join(logicalDir, d.Name()), "remove temporary file", err)
		}
		n++
	}
	return n, nil
}
