package rcconf

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// tickedSources hold loop and function bodies in every place a statement
// can stand.
var tickedSources = []string{
	"v=1\nw=$v",
	"for i in a b; do v=$i; done",
	"while false; do :; done; until :; do :; done",
	"f() { for i in 1; do :; done; }\ng() if :; then while false; do :; done; fi",
	"if :; then for i in 1; do :; done; elif false; then f() { :; }; else while false; do :; done; fi",
	"case x in x) for i in 1; do :; done;; *) g() { :; };; esac",
	": && for i in 1; do :; done || while false; do :; done",
	"{ f() { g() { for i in 1; do :; done; }; }; }",
	"v=$(for i in 1; do :; done)", // in a word: refused, never ticked
	// Statements that match: alone, in a loop, and both around a loop.
	"v=${w%%a}\nwhile false; do : /e*; done\ncase $v in a) for i in $v; do :; done;; esac",
}

// printed is the tree as sh text.
func printed(t *testing.T, node syntax.Node) string {
	t.Helper()
	var sb strings.Builder
	if err := syntax.NewPrinter().Print(&sb, node); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

// TestTicked: ticks go into a copy, as many as countTicks said, each
// number from the given first one used once; the shared tree stays as it
// was parsed.
func TestTicked(t *testing.T) {
	for _, src := range tickedSources {
		c, err := prepare("/etc/rc.conf", []byte(src))
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		before := printed(t, c.file)
		ev := &evaluator{lim: &limits{}}
		first, err := ev.lim.reserve(c.totalTicks())
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for i, st := range c.file.Stmts {
			n := c.ticks[i+1] - c.ticks[i]
			run := ev.ticked(st, first+c.ticks[i], n)
			if (run == st) != (n == 0) {
				t.Errorf("%q statement %d: copied %v with %d ticks", src, i, run != st, n)
			}
			got = append(got, tickNumbers(run)...)
		}
		var want []int
		for i := range c.totalTicks() {
			want = append(want, first+i)
		}
		if slices.Sort(got); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: ticks %v, want %v", src, got, want)
		}
		if after := printed(t, c.file); after != before {
			t.Errorf("%q: the shared tree changed:\n%s", src, after)
		}
		for i, body := range ev.lim.bodies {
			if body == nil {
				t.Errorf("%q: body %d not registered", src, i)
			}
		}
	}
}

// tickNumbers lists the index argument of every tick in node. A matching
// statement stands in both branches of the if around it (ticked): each
// statement is looked at once.
func tickNumbers(node syntax.Node) []int {
	var out []int
	seen := map[syntax.Node]bool{}
	syntax.Walk(node, func(n syntax.Node) bool {
		if st, ok := n.(*syntax.Stmt); ok {
			if seen[st] {
				return false
			}
			seen[st] = true
		}
		if ce, ok := n.(*syntax.CallExpr); ok && len(ce.Args) == 3 && strings.HasPrefix(ce.Args[0].Lit(), "rcconf:") {
			i, _ := strconv.Atoi(ce.Args[2].Lit())
			out = append(out, i)
		}
		return true
	})
	return out
}

// TestRefusalsWith: a call of a command that no file defined is refused;
// a function defined by an earlier file, or anywhere in this one, makes it
// good; the file's functions become known.
func TestRefusalsWith(t *testing.T) {
	c, err := prepare("/etc/rc.conf", []byte("early\nlate\nlate() { :; }\nexit 1"))
	if err != nil {
		t.Fatal(err)
	}
	msgs := func(refs []refusal) []string {
		var out []string
		for _, r := range refs {
			out = append(out, strconv.Itoa(r.stmt)+": "+r.msg)
		}
		return out
	}
	funcs := map[string]bool{}
	want := []string{"0: command early is not allowed (rcconf runs no programs)", "3: builtin exit is not allowed"}
	if got := msgs(c.refusalsWith(funcs)); !reflect.DeepEqual(got, want) {
		t.Errorf("no earlier functions: %q, want %q", got, want)
	}
	if !funcs["late"] {
		t.Error("late is not known afterwards")
	}
	funcs = map[string]bool{"early": true}
	want = []string{"3: builtin exit is not allowed"}
	if got := msgs(c.refusalsWith(funcs)); !reflect.DeepEqual(got, want) {
		t.Errorf("early defined before: %q, want %q", got, want)
	}
}
