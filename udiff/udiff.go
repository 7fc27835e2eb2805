// Package udiff renders unified diffs in the exact format of GNU `diff -u`
// (3 lines of context), so that `patch` applies them and users can read them
// like any other diff. It never reads files: callers pass the bytes.
package udiff

import (
	"bytes"
	"strconv"
	"strings"
)

// Context is the number of unchanged lines shown around each change, as in
// `diff -u`.
const Context = 3

// DevNull is the header name of a side that does not exist. GNU patch takes
// "--- /dev/null" as "create the file named on the +++ line" and
// "+++ /dev/null" as "delete the file", which a header with a real path and
// the epoch date (what `diff -uN` prints) only approximates.
const DevNull = "/dev/null"

// Unified returns a GNU `diff -u`-format diff of old→new with 3 lines of
// context, or "" when both sides are equal (or both absent). oldName and
// newName are the header paths (e.g. "a/usr/local/etc/rc.conf.d/network");
// a side that does not exist is named /dev/null and compared as empty.
// Headers carry no timestamps, so the output depends only on the inputs.
// Creating or deleting an empty file yields the two header lines and no
// hunk: a unified diff has no way to say more, and patch skips it.
func Unified(oldName, newName string, old, new []byte, oldExists, newExists bool) string {
	if oldExists == newExists && (!oldExists || bytes.Equal(old, new)) {
		return ""
	}
	if !oldExists {
		oldName, old = DevNull, nil
	}
	if !newExists {
		newName, new = DevNull, nil
	}
	var b strings.Builder
	b.WriteString("--- " + oldName + "\n")
	b.WriteString("+++ " + newName + "\n")
	s := align(string(old), string(new))
	for _, h := range s.hunks(Context) {
		s.writeHunk(&b, h)
	}
	return b.String()
}

// rangeText formats one side of a hunk header the way GNU diff does: a
// single line is just its number, an empty range is the line before it with
// a count of 0 ("-0,0" for an empty file).
func rangeText(start, count int) string {
	switch count {
	case 0:
		return strconv.Itoa(start) + ",0"
	case 1:
		return strconv.Itoa(start + 1)
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(count)
}
