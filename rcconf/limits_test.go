package rcconf

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// testLimits are limits at /etc/rc.conf line 4, column 2.
func testLimits() *limits {
	at := &frames{{file: "/etc/rc.conf", pos: syntax.NewPos(0, 4, 2)}}
	return &limits{at: at}
}

// TestLimitErrors: each limit, once passed, is an error that names it at
// the running statement; just below it there is none.
func TestLimitErrors(t *testing.T) {
	big := strings.Repeat("x", maxValueLen+1)
	tests := []struct {
		name string
		run  func(l *limits) error
		want string // "" for no error
	}{
		{"last step", func(l *limits) error { l.steps = maxSteps - 1; return l.command([]string{":"}) }, ""},
		{"steps", func(l *limits) error { l.steps = maxSteps; return l.command([]string{":"}) },
			"more than 1000000 commands run"},
		{"words", func(l *limits) error { return l.command(make([]string, maxParams+1)) }, "more than 100000 words in one command"},
		{"word bytes", func(l *limits) error { return l.command([]string{":", strings.Repeat("x", maxArgBytes)}) },
			"one command's words over 4 MiB"},
		{"expansion", func(l *limits) error { l.expanded = maxExpand; return l.charge(1) }, "expansions scan over 64 MiB"},
		{"call depth", func(l *limits) error { l.calls = maxCallDepth; return l.enterCall() }, "functions nest deeper than 1000 calls"},
		{"eval depth", func(l *limits) error { l.evals = maxEvalDepth; return l.enterEval(1) }, "eval nests deeper than 64 levels"},
		{"eval size", func(l *limits) error { return l.enterEval(maxFileSize + 1) }, "eval text over 1 MiB"},
		{"dir reads", func(l *limits) error { l.dirReads = maxDirReads; return l.listDir() }, "more than 10000 directories listed"},
		{"dir entries", func(l *limits) error { return l.listed(maxDirEntries+1, 0) }, "more than 1000000 directory entries listed"},
		{"bodies", func(l *limits) error { _, err := l.reserve(maxBodies + 1); return err }, "more than 20000 loop, function and matching bodies"},
		{"last body", func(l *limits) error { _, err := l.reserve(maxBodies); return err }, ""},
		{"values", func(l *limits) error { return l.values(maxValueLen + 1) }, "values over 64 KiB"},
		{"bound", func(l *limits) error { return l.bound(maxValue + 1) }, "values could grow over 16 MiB"},
		{"growth", func(l *limits) error { return l.growth(maxValue/2+1, 2) }, "values could grow over 16 MiB in one pass"},
		{"no growth", func(l *limits) error { return l.growth(maxValue, 0) }, ""},
		{"scan", func(l *limits) error {
			l.scanned = maxScan
			_, err := l.measure(expand.ListEnviron("a=1"), nil)
			return err
		}, "over 20000000 variable checks"},
		{"value", func(l *limits) error { _, err := l.measure(expand.ListEnviron("a="+big), nil); return err }, "values over 64 KiB"},
		{"params", func(l *limits) error {
			_, err := l.measure(expand.ListEnviron(), make([]string, maxParams+1))
			return err
		},
			"more than 100000 positional parameters"},
		{"param bytes", func(l *limits) error { _, err := l.measure(expand.ListEnviron(), []string{big}); return err },
			"positional parameters over 64 KiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(testLimits())
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.want == "":
			case err == nil || !strings.HasPrefix(err.Error(), "/etc/rc.conf:4:2: limit: "+tt.want):
				t.Errorf("err = %v, want /etc/rc.conf:4:2: limit: %s...", err, tt.want)
			}
		})
	}
}

// TestLimitCounts: what the counters add up, and what they give back.
func TestLimitCounts(t *testing.T) {
	l := testLimits()
	if err := l.command([]string{"echo", "abc"}); err != nil {
		t.Fatal(err)
	}
	if l.steps != 1 || l.expanded != len("echoabc") {
		t.Errorf("steps %d expanded %d, want 1 and 7", l.steps, l.expanded)
	}
	longest, err := l.measure(expand.ListEnviron("a=12", "b=123456"), []string{"1234567"})
	if err != nil || longest != 7 {
		t.Errorf("measure = %d, %v; want the parameters' 7 bytes", longest, err)
	}
	if l.scanned != 2 {
		t.Errorf("scanned %d variables, want 2", l.scanned)
	}
	for range 3 {
		if err := l.enterCall(); err != nil {
			t.Fatal(err)
		}
	}
	l.leaveCall()
	if err := l.enterEval(10); err != nil {
		t.Fatal(err)
	}
	l.leaveEval()
	if l.calls != 2 || l.evals != 0 {
		t.Errorf("calls %d evals %d, want 2 and 0", l.calls, l.evals)
	}
}

// TestBodyCost: a tick's index finds its body; the cost is that of the
// values it references now.
func TestBodyCost(t *testing.T) {
	f, err := syntax.NewParser().Parse(strings.NewReader("for i in 1; do v=$a$a; done"), "")
	if err != nil {
		t.Fatal(err)
	}
	l := testLimits()
	if first, err := l.reserve(3); first != 0 || err != nil {
		t.Fatalf("first body %d, %v; want 0", first, err)
	}
	if first, err := l.reserve(1); first != 3 || err != nil {
		t.Fatalf("first body %d, %v; want 3 after 3 reserved", first, err)
	}
	l.setBody(1, f.Stmts[0].Cmd)
	env := expand.ListEnviron("a=12345")
	if got := l.bodyCost("1", env, nil); got != 10 {
		t.Errorf("body 1 costs %d, want 10", got)
	}
	for _, bad := range []string{"0", "4", "-1", "x"} { // unset, out of range, not a number
		if got := l.bodyCost(bad, env, nil); got != 0 {
			t.Errorf("bodyCost(%q) = %d, want 0", bad, got)
		}
	}
}
