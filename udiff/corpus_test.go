package udiff

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// pair is one old→new case of the test corpus.
type pair struct {
	name     string
	old, new string
}

func numbered(prefix string, from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "%s%d\n", prefix, i)
	}
	return b.String()
}

// fixedPairs are the edge cases named one by one: empty sides, missing final
// newlines, changes at either end, and hunks just close enough (6 unchanged
// lines between changes) or just too far apart (7) to merge.
func fixedPairs() []pair {
	ten := numbered("l", 1, 10)
	twenty := numbered("l", 1, 20)
	big := numbered("line ", 1, 5000)
	return []pair{
		{"empty to text", "", "a\nb\n"},
		{"text to empty", "a\nb\n", ""},
		{"empty to no newline", "", "a"},
		{"no newline to empty", "a", ""},
		{"newline added", "a\nb", "a\nb\n"},
		{"newline removed", "a\nb\n", "a\nb"},
		{"no newline both, last changed", "a\nb\nc", "a\nb\nd"},
		{"no newline both, earlier changed", numbered("x", 1, 9) + "end", "x0\n" + numbered("x", 2, 9) + "end"},
		{"no newline in context", "a\nb\nc\nd", "a\nB\nc\nd"},
		{"change at start", ten, "new\n" + ten[3:]},
		{"change at end", ten, ten[:len(ten)-4] + "new\n"},
		{"insert at start", ten, "new\n" + ten},
		{"append", ten, ten + "new\n"},
		{"hunks 6 apart merge", twenty, strings.Replace(strings.Replace(twenty, "l3\n", "X\n", 1), "l10\n", "Y\n", 1)},
		{"hunks 7 apart split", twenty, strings.Replace(strings.Replace(twenty, "l3\n", "X\n", 1), "l11\n", "Y\n", 1)},
		{"single line file", "a\n", "b\n"},
		{"large file", big, strings.Replace(strings.Replace(big, "line 100\n", "", 1), "line 4000\n", "line 4000\nadded\n", 1)},
		{"whole file replaced", ten, twenty[len(ten):]},
		// Equal lines around a change: the cases where GNU diff's
		// placement (compact.go) differs from go-diff's own.
		{"duplicate line removed", "x\nx\ny\nx\n", "x\ny\nx\n"},
		{"duplicate line added", "x\ny\ny\ny\ny\nx\nx\n", "x\nx\ny\ny\ny\ny\nx\nx\n"},
		{"insert into equal lines", "=\n=\n=\n=\n", "=\nnew\n=\n=\n=\n=\n"},
		{"insert around blank lines", "a=1\n\nb=2\n\nc=3\n", "a=1\n\nnew=1\n\nb=2\n\nc=3\n"},
		{"two blank-separated blocks", "x\n\ny\n", "x\n\nx\n\ny\n"},
	}
}

// unique is the vocabulary size that makes every line distinct.
const unique = 0

// randomText draws n lines from a vocabulary of v words: a small v gives
// many equal lines, so that where a change goes is ambiguous. With v ==
// unique, lines are numbered from *next, each one new.
func randomText(r *rand.Rand, n, v int, next *int) []string {
	lines := make([]string, n)
	for i := range lines {
		if v == unique {
			*next++
			lines[i] = fmt.Sprintf("u%d\n", *next)
		} else {
			lines[i] = fmt.Sprintf("w%d\n", r.IntN(v))
		}
	}
	return lines
}

// randomPair deletes and inserts lines at a few random places of a random
// text. It never moves lines, so with v == unique there is only one
// longest common subsequence and thus one right diff.
func randomPair(r *rand.Rand, v int) pair {
	next := 0
	old := randomText(r, r.IntN(60), v, &next)
	new := append([]string(nil), old...)
	for range 1 + r.IntN(5) {
		at := r.IntN(len(new) + 1)
		del := min(r.IntN(4), len(new)-at)
		ins := randomText(r, r.IntN(4), v, &next)
		new = append(new[:at], append(ins, new[at+del:]...)...)
	}
	o, n := strings.Join(old, ""), strings.Join(new, "")
	if r.IntN(8) == 0 {
		o = strings.TrimSuffix(o, "\n")
	}
	if r.IntN(8) == 0 {
		n = strings.TrimSuffix(n, "\n")
	}
	return pair{fmt.Sprintf("random v=%d", v), o, n}
}
