package rcconf

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"mvdan.cc/sh/v3/syntax"
)

// parseBoth is parse as it was before bashOnly: every file parsed as POSIX
// (refusing bash-only syntax with the POSIX parser's message), then as
// bash.
func parseBoth(name string, src []byte) (*syntax.File, error) {
	if err := openersLimit(name, src); err != nil {
		return nil, err
	}
	if _, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(bytes.NewReader(src), name); err != nil {
		return nil, parseErr(name, src, err)
	}
	f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, parseErr(name, src, err)
	}
	return f, depthLimit(name, f)
}

// shellCorpus gathers shell text: the fuzz corpus, every string literal
// of rcconf's tests (the hostile, bad, parse error and evaluation cases),
// every file of the golden roots and FreeBSD's rc scripts in ../shared.
func shellCorpus(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	add := func(name string, data []byte) {
		out[name] = data
		// Every line on its own too: a construct in a file that fails
		// to parse elsewhere would otherwise never reach the walk.
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(line) > 0 {
				out[name+":"+strconv.Itoa(i+1)] = line
			}
		}
	}
	fuzz, err := filepath.Glob("testdata/fuzz/FuzzEvaluate/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range fuzz {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if lit, ok := strings.CutPrefix(line, "[]byte("); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
				if err != nil {
					t.Fatalf("%s:%d: %v", p, i+1, err)
				}
				add(p, []byte(s))
			}
		}
	}
	tests, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, p := range tests {
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					add(fset.Position(lit.Pos()).String(), []byte(s))
				}
			}
			return true
		})
	}
	for _, dir := range []string{"../golden", "../../shared/freebsd-rc"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
				return err
			}
			data, err := os.ReadFile(p)
			if err == nil && len(data) < 1<<20 {
				add(p, data)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestBashOnlyAgreesWithPOSIX: parsing once (bash, and POSIX only when
// bashOnly says so or the bash parse fails) accepts and refuses exactly
// what parsing twice did, with the same message, over the corpus; and a
// tree bashOnly passes is one the POSIX parser accepts.
func TestBashOnlyAgreesWithPOSIX(t *testing.T) {
	corpus := shellCorpus(t)
	if len(corpus) < 1000 {
		t.Fatalf("corpus of %d texts: the golden roots or ../shared are missing", len(corpus))
	}
	clean := 0
	for name, src := range corpus {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), "f")
		if err == nil && !bashOnly(f, src) {
			clean++
			if _, err := syntax.NewParser(syntax.Variant(syntax.LangPOSIX)).Parse(bytes.NewReader(src), "f"); err != nil {
				t.Errorf("%s: bashOnly passes what POSIX refuses (%v):\n%s", name, err, src)
			}
		}
		_, got := parse("f", src)
		_, want := parseBoth("f", src)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("%s: parse = %v, parsing twice = %v", name, got, want)
		}
	}
	t.Logf("%d texts, %d passed by bashOnly", len(corpus), clean)
	if clean < len(corpus)/4 {
		t.Errorf("bashOnly passed only %d of %d texts: the fast path is not taken", clean, len(corpus))
	}
	// FreeBSD's own defaults, the file every run parses, take it.
	for _, tree := range []string{"12.1", "main"} {
		src := testtool.FreeBSDDefaults(t, tree)
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(bytes.NewReader(src), "f")
		if err != nil || bashOnly(f, src) {
			t.Errorf("%s's defaults/rc.conf: bash parse error %v, or bashOnly", tree, err)
		}
	}
}

// TestBashOnlyFlags: every bash-only construct the bash parser accepts is
// flagged, whether or not the POSIX parser refuses it, and the parse of a
// file holding it refuses it with the POSIX parser's message.
func TestBashOnlyFlags(t *testing.T) {
	for _, src := range []string{
		"a=$'x'", `a=$"x"`, "a=$[1+2]", "((a=1))", "a() { :; } |& b", "case x in x) : ;& y) : ;; esac",
		"case x in x) : ;;& esac", "a <(b)", "a >(b)", "a &>f", "a &>>f", "a <<<x", "a {fd}>f",
		"a=(1 2)", "a+=x", "a[1]=x", "b=${a[1]}", "b=${!a}", "b=${a/x/y}", "b=${a:1:2}", "b=${a^^}",
		"b=${a,}", "b=${a@Q}", "b=${!a*}", "[[ a = b ]]", "let a=1", "function f { :; }", "function f() { :; }",
		"declare a=1", "typeset a=1", "time a", "coproc a", "select i in a; do :; done", "for ((i=0;i<1;i++)); do :; done",
		"for i in a; { :; }", "a=@(x|y)", "b=$((a[1]))", "f-g() { :; }", "((a) )",
	} {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(src), "f")
		if err != nil {
			continue // refused by the bash parse already
		}
		if !bashOnly(f, []byte(src)) {
			t.Errorf("bashOnly(%q) = false", src)
		}
		_, got := parse("f", []byte(src))
		_, want := parseBoth("f", []byte(src))
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("%q: parse = %v, parsing twice = %v", src, got, want)
		}
	}
}

// TestWalkIsSyntaxWalk: walk visits what syntax.Walk visits, in the same
// order (nil after each node's children), and prunes the same way, over
// every tree of the shell corpus.
func TestWalkIsSyntaxWalk(t *testing.T) {
	trees := 0
	corpus := shellCorpus(t)
	// Comments after a statement, a case item and an array element, which
	// syntax.Walk visits last (deferred).
	corpus["comments"] = []byte("a=1 # c\nif x; then :; fi # d\ncase x in\n# e\nx) a=(1 # f\n2) ;; # g\nesac # h\n")
	for name, src := range corpus {
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash), syntax.KeepComments(true)).Parse(bytes.NewReader(src), "f")
		if err != nil {
			continue
		}
		trees++
		for _, prune := range []bool{false, true} {
			var want, got []string
			visit := func(out *[]string) func(syntax.Node) bool {
				return func(n syntax.Node) bool {
					if n == nil {
						*out = append(*out, "end")
						return true
					}
					*out = append(*out, fmt.Sprintf("%T %v %v", n, n.Pos(), n.End()))
					_, word := n.(*syntax.Word)
					return !prune || !word
				}
			}
			syntax.Walk(f, visit(&want))
			walk(f, visit(&got))
			if !slices.Equal(got, want) {
				t.Fatalf("%s (prune %v): walk visits\n%v\nsyntax.Walk\n%v", name, prune, got, want)
			}
		}
	}
	if trees < 1000 {
		t.Fatalf("only %d trees", trees)
	}
}

// openersBefore is openersLimit as it was: every word start compared with
// every opener word.
func openersBefore(name string, src []byte) error {
	words := []string{"if", "elif", "while", "until", "for", "case", "select", "function", "coproc", "time"}
	keywordAt := func(src []byte) int {
		if len(src) < 2 || !isWordByte(src[0]) {
			return 0
		}
		for _, w := range words {
			if len(src) >= len(w) && string(src[:len(w)]) == w && (len(src) == len(w) || !isWordByte(src[len(w)])) {
				return len(w)
			}
		}
		return 0
	}
	n := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '(' || c == '{' || c == '`':
			n++
		case i == 0 || !isWordByte(src[i-1]):
			if w := keywordAt(src[i:]); w > 0 {
				n++
				i += w - 1
			}
		}
		if n > maxOpeners {
			return errAt(name, lineAt(src, i), "limit: more than %d of ( { ` and compound commands in one file (nesting is bounded before parsing)", maxOpeners)
		}
	}
	return nil
}

// TestOpenersLimit: openersLimit counts what it counted before, over the
// corpus and over texts past the limit in each kind of opener, words that
// only start like one, and openers at the very end.
func TestOpenersLimit(t *testing.T) {
	texts := shellCorpus(t)
	for i, unit := range []string{"if ", "iffy ", "(", "{", "`", "elif\n", "time;", "x_for ", "for_x ", "Case ", "case", "coproc(", "function\tf"} {
		for _, extra := range []int{-1, 0, 1} {
			texts[fmt.Sprintf("unit %d %+d", i, extra)] = []byte("a=1\n" + strings.Repeat(unit, maxOpeners+extra))
		}
	}
	over := 0
	for name, src := range texts {
		got, want := openersLimit("f", src), openersBefore("f", src)
		if (got == nil) != (want == nil) || got != nil && got.Error() != want.Error() {
			t.Errorf("%s: openersLimit = %v, before %v", name, got, want)
		}
		if got != nil {
			over++
		}
	}
	if over < 5 {
		t.Errorf("only %d texts over the limit", over)
	}
}
