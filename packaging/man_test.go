package packaging

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/config"
	"github.com/hvnetconf/hvnetconf/hn"
)

var manPages = []string{"man/hvnetconf.8", "man/hvnetconf.toml.5", "man/hvnetconf-state.5"}

func TestManLint(t *testing.T) {
	mandoc := need(t, "mandoc")
	for _, page := range manPages {
		out, err := exec.Command(mandoc, "-Tlint", "-Wwarning", filepath.Join(repo, page)).CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("mandoc -Tlint -Wwarning %s: %v\n%s", page, err, out)
		}
	}
}

// usage is a command's flags as its --help prints them: what a user sees,
// built by the program from its command table (hidden flags excluded).
type usage struct {
	name  string
	flags [][2]string // {short or "", long}
}

var flagLine = regexp.MustCompile(`^\s+(?:-([A-Za-z0-9]), )?--([a-z0-9-]+)`)

// commandsOf asks the installed binary for its commands and their flags.
func commandsOf(t *testing.T, bin string) []usage {
	t.Helper()
	_, list, ok := strings.Cut(string(output(t, bin, "help")), "commands:\n")
	if !ok {
		t.Fatal("hvnetconf help lists no commands")
	}
	var out []usage
	for _, line := range strings.Split(list, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			break
		}
		u := usage{name: fields[0]}
		_, flags, _ := strings.Cut(string(output(t, bin, u.name, "--help")), "flags:\n")
		for _, l := range strings.Split(flags, "\n") {
			if m := flagLine.FindStringSubmatch(l); m != nil {
				u.flags = append(u.flags, [2]string{m[1], m[2]})
			}
		}
		out = append(out, u)
	}
	if len(out) < 5 {
		t.Fatalf("hvnetconf help lists %d commands; parse error?", len(out))
	}
	return out
}

// section returns the text of one .Sh section of an mdoc page.
func section(page, name string) string {
	_, rest, _ := strings.Cut(page, "\n.Sh "+name+"\n")
	body, _, _ := strings.Cut(rest, "\n.Sh ")
	return body
}

// synopsisFlags returns, per command, the flags its SYNOPSIS line shows:
// "-x" for each letter of "Fl xyz", "--long" for "Fl -long".
func synopsisFlags(page string) map[string][]string {
	out := map[string][]string{}
	blocks := strings.Split("\n"+section(page, "SYNOPSIS"), "\n.Nm\n")
	fl := regexp.MustCompile(`\bFl (-[a-z0-9-]+|[A-Za-z0-9]+)`)
	for _, b := range blocks {
		name, ok := strings.CutPrefix(b, ".Cm ")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, "\n")
		out[name] = []string{}
		for _, m := range fl.FindAllStringSubmatch(b, -1) {
			if strings.HasPrefix(m[1], "-") {
				out[name] = append(out[name], "-"+m[1])
				continue
			}
			for _, c := range m[1] {
				out[name] = append(out[name], "-"+string(c))
			}
		}
	}
	return out
}

// Every command the binary has is in hvnetconf(8): in the SYNOPSIS with all
// its flags, and described in an .It entry, as is every flag.
func TestManCoversEveryCommandAndFlag(t *testing.T) {
	cmds := commandsOf(t, install(t, "/usr/local").bin())
	page := string(read(t, filepath.Join(repo, "man/hvnetconf.8")))
	synopsis := synopsisFlags(page)
	for _, c := range cmds {
		if !regexp.MustCompile(`(?m)^\.It Cm ` + regexp.QuoteMeta(c.name) + `\b`).MatchString(page) {
			t.Errorf("hvnetconf.8: no .It Cm %s entry", c.name)
		}
		shown, ok := synopsis[c.name]
		if !ok {
			t.Errorf("hvnetconf.8: %s is not in the SYNOPSIS", c.name)
		}
		for _, f := range c.flags {
			short, long := f[0], f[1]
			if !regexp.MustCompile(`(?m)^\.It .*\bFl -` + regexp.QuoteMeta(long) + `\b`).MatchString(page) {
				t.Errorf("hvnetconf.8: --%s (%s) is not described in an .It entry", long, c.name)
			}
			want := "--" + long
			if short != "" {
				want = "-" + short
				if !regexp.MustCompile(`(?m)^\.It Fl ` + short + ` .*Fl -` + regexp.QuoteMeta(long) + `\b`).MatchString(page) {
					t.Errorf("hvnetconf.8: no .It entry pairs -%s with --%s (%s)", short, long, c.name)
				}
			}
			if ok && !slices.Contains(shown, want) {
				t.Errorf("hvnetconf.8: SYNOPSIS of %s lacks %s", c.name, want)
			}
		}
	}
}

// exitCodes reads the constants of internal/sysexits: the codes the
// program can exit with.
func exitCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(repo, "internal/sysexits/sysexits.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		if v, ok := n.(*ast.ValueSpec); ok && len(v.Values) == 1 {
			if lit, ok := v.Values[0].(*ast.BasicLit); ok && lit.Kind == token.INT {
				codes = append(codes, lit.Value)
			}
		}
		return true
	})
	if len(codes) < 5 {
		t.Fatalf("found %d exit codes in sysexits.go; parse error?", len(codes))
	}
	return codes
}

// EXIT STATUS lists exactly the codes of internal/sysexits.
func TestManExitStatus(t *testing.T) {
	page := string(read(t, filepath.Join(repo, "man/hvnetconf.8")))
	var listed []string
	for _, m := range regexp.MustCompile(`(?m)^\.It ([0-9]+)$`).FindAllStringSubmatch(section(page, "EXIT STATUS"), -1) {
		listed = append(listed, m[1])
	}
	codes := exitCodes(t)
	slices.Sort(listed)
	slices.Sort(codes)
	if !slices.Equal(listed, codes) {
		t.Errorf("hvnetconf.8 EXIT STATUS lists %q; internal/sysexits has %q", listed, codes)
	}
}

// hvnetconf.toml(5) documents exactly the keys of the sample config, and
// its example is a valid policy.
func TestManTOMLKeys(t *testing.T) {
	page := string(read(t, filepath.Join(repo, "man/hvnetconf.toml.5")))
	var keys, documented []string
	for _, m := range regexp.MustCompile(`(?m)^#([a-z_]+) = `).FindAllStringSubmatch(string(config.Sample), -1) {
		keys = append(keys, m[1])
	}
	for _, m := range regexp.MustCompile(`(?m)^\.It Va ([a-z_]+) `).FindAllStringSubmatch(page, -1) {
		documented = append(documented, m[1])
	}
	slices.Sort(keys)
	slices.Sort(documented)
	if len(keys) < 5 || !slices.Equal(keys, documented) {
		t.Errorf("hvnetconf.toml.5 documents %q; the sample has %q", documented, keys)
	}
	_, example, _ := strings.Cut(section(page, "EXAMPLES"), ".Bd -literal -offset indent\n")
	example, _, _ = strings.Cut(example, "\n.Ed")
	if strings.TrimSpace(example) == "" {
		t.Fatal("hvnetconf.toml.5: no literal example in EXAMPLES")
	}
	if _, err := config.Parse("hvnetconf.toml.5 example", []byte(example)); err != nil {
		t.Errorf("the example in hvnetconf.toml.5 is not a valid policy: %v", err)
	}
}

// hvnetconf-state(5) documents every key of the snapshot format (those
// `snapshot` prints for a full example), its example is a valid snapshot,
// and the installed sample is that example.
func TestManStateKeys(t *testing.T) {
	page := string(read(t, filepath.Join(repo, "man/hvnetconf-state.5")))
	var documented []string
	for _, m := range regexp.MustCompile(`(?m)^\.It Va ([a-z_]+) `).FindAllStringSubmatch(page, -1) {
		documented = append(documented, m[1])
	}
	slices.Sort(documented)
	keys := []string{"interfaces", "link", "mac", "mtu", "vf", "vf_transparent", "vflist", "vfmap"}
	if !slices.Equal(keys, documented) {
		t.Errorf("hvnetconf-state.5 documents %q; the format has %q", documented, keys)
	}
	_, example, _ := strings.Cut(section(page, "EXAMPLES"), ".Bd -literal -offset indent\n")
	example, _, _ = strings.Cut(example, "\n.Ed")
	s, err := hn.Parse("hvnetconf-state.5 example", []byte(example))
	if err != nil {
		t.Fatalf("the example in hvnetconf-state.5 is not a valid snapshot: %v", err)
	}
	var printed strings.Builder
	if err := s.WriteTOML(&printed); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if !regexp.MustCompile(`(?m)^` + k + ` = `).MatchString(printed.String()) {
			t.Errorf("snapshot of the example prints no %s; is the key list current?\n%s", k, printed.String())
		}
	}
	sample := string(read(t, filepath.Join(repo, "examples/azure-state.toml")))
	if !strings.HasSuffix(sample, example+"\n") {
		t.Errorf("examples/azure-state.toml (installed as hvnetconf-state.toml.sample) is not the man page's example")
	}
}
