package main

import (
	"errors"
	"strings"

	"github.com/spf13/pflag"
)

// nearest is the candidate a mistyped name most likely meant: the closest
// by edit distance (at most 1 for names up to 4 bytes, else 2), or the one
// candidate it is a prefix of; "" when none is close.
func nearest(name string, candidates []string) string {
	best, bestD := "", 3
	if len(name) <= 4 {
		bestD = 2
	}
	var prefixed []string
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestD {
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

// editDistance is the Levenshtein distance (insert, delete, substitute one
// byte), computed one row at a time.
func editDistance(a, b string) int {
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

// commandSuggestion is "did you mean X?" for an unknown command name, or
// where to find the list.
func commandSuggestion(name string) string {
	names := []string{"help"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if n := nearest(name, names); n != "" {
		return "did you mean " + n + "?"
	}
	return "see hvnetconf help"
}

// flagSuggestion is " (did you mean --X?)" for pflag's unknown-flag error:
// the nearest long flag to a mistyped --name, or to the letters of a long
// flag given with one dash (-state).
func flagSuggestion(fs *pflag.FlagSet, err error) string {
	var ne *pflag.NotExistError
	if !errors.As(err, &ne) {
		return ""
	}
	// pflag names the first unknown letter of -state as the flag ("s");
	// the letters given are what the user meant as a long name.
	name := ne.GetSpecifiedName()
	if short := ne.GetSpecifiedShortnames(); short != "" {
		name = short
		if len(name) < 2 {
			return ""
		}
	}
	var longs []string
	fs.VisitAll(func(f *pflag.Flag) { longs = append(longs, f.Name) })
	if n := nearest(name, longs); n != "" {
		return " (did you mean --" + n + "?)"
	}
	// A flag of another command (check --dry-run): say whose it is.
	var owners []string
	for _, c := range commands() {
		if f := c.flagSet().Lookup(name); f != nil {
			owners = append(owners, c.name)
		}
	}
	if len(owners) > 0 {
		return " (--" + name + " is a flag of " + strings.Join(owners, ", ") + ")"
	}
	return ""
}
