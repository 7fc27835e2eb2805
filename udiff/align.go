package udiff

import (
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// script is a line-level edit script: each side's lines and which of them
// are not part of the common subsequence (deleted from old, inserted in new).
type script struct {
	lines   [2][]string // lines with their "\n"; only a file's last line may lack it
	class   [2][]rune   // equal lines share a class (go-diff's line hashes)
	changed [2][]bool
}

// align computes the edit script with go-diff in line mode. Each line is
// reduced to one rune, so the character diff of those runes is a line diff.
// DiffTimeout 0 keeps the search exact: with a deadline go-diff may take a
// "half match" shortcut that returns a non-minimal diff. No semantic cleanup
// is applied: it trades minimality for readability of character diffs.
func align(oldText, newText string) *script {
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	r0, r1, _ := dmp.DiffLinesToRunes(oldText, newText)
	s := &script{
		lines:   [2][]string{splitLines(oldText), splitLines(newText)},
		class:   [2][]rune{r0, r1},
		changed: [2][]bool{make([]bool, len(r0)), make([]bool, len(r1))},
	}
	var pos [2]int
	for _, d := range dmp.DiffMainRunes(r0, r1, false) {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			pos[0] += n
			pos[1] += n
		case diffmatchpatch.DiffDelete:
			mark(s.changed[0][pos[0] : pos[0]+n])
			pos[0] += n
		case diffmatchpatch.DiffInsert:
			mark(s.changed[1][pos[1] : pos[1]+n])
			pos[1] += n
		}
	}
	s.compact(0)
	s.compact(1)
	return s
}

func mark(b []bool) {
	for i := range b {
		b[i] = true
	}
}

// splitLines splits after every "\n" exactly as go-diff's line hashing does,
// so that lines[i] is the text of rune i.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	lines := strings.SplitAfter(text, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}
