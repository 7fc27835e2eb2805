package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"

	"github.com/spf13/pflag"
)

// script returns `hvnetconf completion SHELL` and writes it to a file.
func script(t *testing.T, shell string) (string, string) {
	t.Helper()
	stdout, stderr, code := hvnetconf(t, "completion", shell)
	if code != 0 || stderr != "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, code, stderr)
	}
	path := filepath.Join(t.TempDir(), "hvnetconf."+shell)
	if err := os.WriteFile(path, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return stdout, path
}

// spellings are the ways a user may type a command's visible flags,
// straight from the command table.
func spellings(c *command) (want, hidden []string) {
	c.flagSet().VisitAll(func(f *pflag.Flag) {
		names := []string{"--" + f.Name}
		if f.Shorthand != "" {
			names = append(names, "-"+f.Shorthand)
		}
		if f.Hidden {
			hidden = append(hidden, names...)
		} else {
			want = append(want, names...)
		}
	})
	return append(want, "--help", "-h"), hidden
}

// complete runs the bash completion function on a command line whose last
// word is being completed and returns the candidates.
func complete(t *testing.T, path, dir string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	prog := ". \"$1\"; COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" +
		strconv.Itoa(len(words)-1) + "; _hvnetconf; printf '%s\\n' \"${COMPREPLY[@]}\""
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", prog, "bash", path)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash completion of %q: %v", words, err)
	}
	got := strings.Fields(string(out))
	slices.Sort(got)
	return got
}

func TestBashCompletionOffersEveryCommandAndFlag(t *testing.T) {
	testtool.Need(t, "bash")
	_, path := script(t, "bash")
	if out, err := exec.Command("bash", "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	if out, err := exec.Command(testtool.Need(t, "shellcheck"), "-s", "bash", path).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
		want, hidden := spellings(c)
		got := complete(t, path, ".", "hvnetconf", c.name, "-")
		for _, f := range want {
			if !slices.Contains(got, f) {
				t.Errorf("hvnetconf %s -<TAB> lacks %s; got %q", c.name, f, got)
			}
		}
		for _, f := range hidden {
			if slices.Contains(got, f) {
				t.Errorf("hvnetconf %s -<TAB> offers hidden flag %s", c.name, f)
			}
		}
	}
	got := complete(t, path, ".", "hvnetconf", "")
	for _, n := range append(names, "--help", "--version", "-h", "-V") {
		if !slices.Contains(got, n) {
			t.Errorf("hvnetconf <TAB> lacks %s; got %q", n, got)
		}
	}
}

func TestBashCompletionValues(t *testing.T) {
	testtool.Need(t, "bash")
	_, path := script(t, "bash")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "img"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "azure.toml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		words []string
		want  []string
	}{
		{[]string{"hvnetconf", "render", "-R", ""}, []string{"img"}},                    // DIR: directories only
		{[]string{"hvnetconf", "render", "--state", ""}, []string{"azure.toml", "img"}}, // FILE: any file
		{[]string{"hvnetconf", "vars", "-s", "-"}, nil},                                 // a value, not a flag
		{[]string{"hvnetconf", "completion", ""}, []string{"bash", "zsh"}},
		{[]string{"hvnetconf", "completion", "z"}, []string{"zsh"}},
		{[]string{"hvnetconf", "nosuchcommand", "-"}, nil},
	}
	for _, tt := range tests {
		if got := complete(t, path, dir, tt.words...); !slices.Equal(got, tt.want) {
			t.Errorf("%q: got %q, want %q", tt.words, got, tt.want)
		}
	}
}

// zshSection returns the _arguments block of one command in the zsh script.
func zshSection(t *testing.T, text, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?ms)^\t\t` + regexp.QuoteMeta(name) + `\)\n(.*?)^\t\t\t;;`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("zsh script has no section for %s", name)
	}
	return m[1]
}

func TestZshCompletionHasEveryCommandAndFlag(t *testing.T) {
	text, path := script(t, "zsh")
	if !strings.HasPrefix(text, "#compdef hvnetconf\n") {
		t.Errorf("zsh script must start with #compdef for fpath autoloading; starts %q", text[:min(len(text), 40)])
	}
	if out, err := exec.Command(testtool.Need(t, "zsh"), "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	for _, c := range commands() {
		if !strings.Contains(text, "\t\t\t'"+c.name+":") {
			t.Errorf("zsh command list lacks %s", c.name)
		}
		section := zshSection(t, text, c.name)
		want, hidden := spellings(c)
		// A flag appears as '--long...' or in a {-s,--long} brace pair.
		for _, f := range want {
			if !regexp.MustCompile(`['{,]` + regexp.QuoteMeta(f) + `[+=\[,}]`).MatchString(section) {
				t.Errorf("zsh section %s lacks %s:\n%s", c.name, f, section)
			}
		}
		for _, f := range hidden {
			if strings.Contains(section, f) {
				t.Errorf("zsh section %s offers hidden flag %s", c.name, f)
			}
		}
	}
}

func TestCompletionUsage(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "fish"}, {"completion", "bash", "zsh"}} {
		if _, stderr, code := hvnetconf(t, args...); code != 64 || !strings.Contains(stderr, "bash or zsh") {
			t.Errorf("%q: exit %d, stderr %q; want 64 naming bash or zsh", args, code, stderr)
		}
	}
}
