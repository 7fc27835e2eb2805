package rcconf

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// fakeMeter records what the shell counts and fails on request.
type fakeMeter struct {
	commands []string
	lists    int
	entries  int
	fail     string // a command name the meter refuses
}

func (m *fakeMeter) command(args []string) error {
	m.commands = append(m.commands, strings.Join(args, " "))
	if args[0] == m.fail {
		return errors.New("metered out")
	}
	return nil
}

func (m *fakeMeter) listDir() error              { m.lists++; return nil }
func (m *fakeMeter) listed(entries, _ int) error { m.entries += entries; return nil }

// passThrough is a call handler that lets every command run.
func passThrough(_ context.Context, args []string) ([]string, error) { return args, nil }

// startShell starts a shell on a root holding files, in file /etc/rc.conf.
func startShell(t *testing.T, ctx context.Context, files map[string]string, m meter, call interp.CallHandlerFunc) *shell {
	t.Helper()
	root := testtool.OpenRoot(t, writeRoot(t, files))
	sh := &shell{ctx: ctx}
	if err := sh.start(&rootFS{root: root}, m, call); err != nil {
		t.Fatal(err)
	}
	sh.stack.push("/etc/rc.conf", syntax.NewPos(0, 7, 3))
	return sh
}

// runText parses src as bash and runs it as one node.
func runText(t *testing.T, sh *shell, src string) error {
	t.Helper()
	f, err := syntax.NewParser().Parse(strings.NewReader(src), "test")
	if err != nil {
		t.Fatal(err)
	}
	return sh.run(f)
}

// TestShellCounts: every command is counted before the call handler sees
// it, the probe that captures the globals too, and globs are counted.
func TestShellCounts(t *testing.T) {
	m := &fakeMeter{}
	var seen []string
	call := func(_ context.Context, args []string) ([]string, error) {
		seen = append(seen, args[0])
		return args, nil
	}
	sh := startShell(t, context.Background(), map[string]string{"/etc/d/a": "", "/etc/d/b": ""}, m, call)
	if err := runText(t, sh, "v=1; : $v; for f in /etc/d/*; do w=$f; done"); err != nil {
		t.Fatal(err)
	}
	if want := []string{cmdProbe, ": 1"}; strings.Join(m.commands, "|") != strings.Join(want, "|") {
		t.Errorf("metered %q, want %q", m.commands, want)
	}
	if strings.Join(seen, "|") != ":" {
		t.Errorf("call handler saw %q, want only : (the probe is the shell's)", seen)
	}
	if m.lists == 0 || m.entries < 2 {
		t.Errorf("listed %d directories, %d entries; want the glob's listings counted", m.lists, m.entries)
	}
	if got := sh.global.Get("w").String(); got != "/etc/d/b" {
		t.Errorf("global view w = %q", got)
	}
}

// TestShellStops: the first error of a handler ends the evaluation even
// where the interpreter would swallow it (a condition), and stays the
// answer to every later command.
func TestShellStops(t *testing.T) {
	m := &fakeMeter{fail: "bad"}
	sh := startShell(t, context.Background(), nil, m, passThrough)
	err := runText(t, sh, "if bad; then :; fi; v=1")
	if err == nil || err.Error() != "metered out" {
		t.Fatalf("err = %v, want metered out", err)
	}
	if err := runText(t, sh, ": ok"); err == nil || err.Error() != "metered out" {
		t.Errorf("after a fatal error: %v", err)
	}
}

// TestShellRun: what the interpreter reports becomes one rcconf error at
// the innermost statement, or nothing.
func TestShellRun(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		src  string
		want string // "" for no error
		code int
	}{
		{"exit status is no error", context.Background(), "false", "", 0},
		{"external command", context.Background(), "ls /", "/etc/rc.conf:7:3: command ls is not allowed (rcconf runs no programs)", sysexits.DataErr},
		{"exit", context.Background(), "exit 3", "/etc/rc.conf:7:3: the shell would exit here (set -e, or a failed ${name?})", sysexits.DataErr},
		{"interrupted", canceled, ":", "/etc/rc.conf:7:3: interrupted", sysexits.TempFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sh := startShell(t, context.Background(), nil, &fakeMeter{}, passThrough)
			sh.ctx = tt.ctx
			err := runText(t, sh, tt.src)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.want == "":
				return
			case err == nil || err.Error() != tt.want:
				t.Fatalf("err = %v, want %s", err, tt.want)
			case sysexits.Code(err) != tt.code:
				t.Errorf("exit code %d, want %d", sysexits.Code(err), tt.code)
			}
		})
	}
}

// TestShellOutput: what the shell prints to stderr comes back once, a line
// each.
func TestShellOutput(t *testing.T) {
	sh := startShell(t, context.Background(), nil, &fakeMeter{}, passThrough)
	if err := runText(t, sh, "set -o nonsense; set -x; v=1"); err != nil {
		t.Fatal(err)
	}
	want := []string{`set: invalid option: "nonsense"`, "+ v=1"}
	if got := sh.output(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("output %q, want %q", got, want)
	}
	if got := sh.output(); got != nil {
		t.Errorf("output again: %q", got)
	}
}

// TestFrames: messages point at the innermost file's statement.
func TestFrames(t *testing.T) {
	var s frames
	if file, _ := s.where(); file != "(load_rc_config)" {
		t.Errorf("empty stack: %q", file)
	}
	s.push("/etc/defaults/rc.conf", syntax.NewPos(0, 20, 1))
	top := s.push("/etc/rc.conf", syntax.Pos{})
	top.pos = syntax.NewPos(0, 3, 5)
	if got := s.errorf("x %d", 1).Error(); got != "/etc/rc.conf:3:5: x 1" {
		t.Errorf("inner: %q", got)
	}
	s.pop()
	if got := s.errorf("y").Error(); got != "/etc/defaults/rc.conf:20:1: y" {
		t.Errorf("outer: %q", got)
	}
}

// TestErrAt: location first, one line, no column when there is none.
func TestErrAt(t *testing.T) {
	tests := []struct {
		file string
		pos  syntax.Pos
		want string
	}{
		{"/etc/rc.conf", syntax.NewPos(0, 2, 4), "/etc/rc.conf:2:4: a\\nb"},
		{"/etc/rc.conf", syntax.NewPos(0, 2, 0), "/etc/rc.conf:2: a\\nb"},
		{"/etc/rc.conf", syntax.Pos{}, "/etc/rc.conf: a\\nb"},
	}
	for _, tt := range tests {
		err := errAt(tt.file, tt.pos, "%s", "a\nb")
		if err.Error() != tt.want || sysexits.Code(err) != sysexits.DataErr {
			t.Errorf("errAt(%v) = %q (%d), want %q", tt.pos, err, sysexits.Code(err), tt.want)
		}
	}
}
