package main

import (
	"errors"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/suggest"
	"github.com/spf13/pflag"
)

// commandSuggestion is "did you mean X?" for an unknown command name, or
// where to find the list.
func commandSuggestion(name string) string {
	names := []string{"help"}
	for _, c := range commands() {
		names = append(names, c.name)
	}
	if n := suggest.Nearest(name, names); n != "" {
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
	if n := suggest.Nearest(name, longs); n != "" {
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
