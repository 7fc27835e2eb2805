// Package suggest finds the name a mistyped one most likely meant, for
// "did you mean" hints (flags, commands, rc.conf variables).
package suggest

import "strings"

// Nearest is the candidate a mistyped name most likely meant: the closest
// by edit distance (at most 1 for names up to 4 bytes, else 2), or the one
// candidate it is a prefix of; "" when none is close.
func Nearest(name string, candidates []string) string {
	best, bestD := "", 3
	if len(name) <= 4 {
		bestD = 2
	}
	var prefixed []string
	for _, c := range candidates {
		if d := EditDistance(name, c); d < bestD {
			best, bestD = c, d
		}
		if name != "" && strings.HasPrefix(c, name) {
			prefixed = append(prefixed, c)
		}
	}
	if best == "" && len(prefixed) == 1 {
		best = prefixed[0]
	}
	return best
}

// EditDistance is the Levenshtein distance (insert, delete, substitute one
// byte), computed one row at a time.
func EditDistance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diag := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diag, row[j] = row[j], min(row[j]+1, row[j-1]+1, diag+cost)
		}
	}
	return row[len(b)]
}
