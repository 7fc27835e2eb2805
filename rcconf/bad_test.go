package rcconf

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestBadInput: each bad file fails the whole Load with exit code 65 and
// one line that starts with the place to fix.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // prefix of the error
	}{
		{"unterminated quote", rcOnly("a=1\nv=\"abc\n"), "/etc/rc.conf:2:3: "},
		{"command substitution", rcOnly("a=1\nv=$(uname)"), "/etc/rc.conf:2:3: command substitution is not allowed"},
		{"backticks", rcOnly("v=`uname`"), "/etc/rc.conf:1:3: command substitution (backticks) is not allowed"},
		{"external command", rcOnly("a=1\n\nrm -rf /"), "/etc/rc.conf:3:1: command rm is not allowed"},
		{"computed command", rcOnly("c=rm\n$c -rf /"), "/etc/rc.conf:2:1: command rm is not allowed"},
		{"write redirection", rcOnly("echo x > /etc/passwd"), "/etc/rc.conf:1:8: redirection > /etc/passwd is not allowed"},
		{"missing sourced file", rcOnly("a=1\n. /etc/nope.conf"), "/etc/rc.conf:2:1: . /etc/nope.conf: no such file"},
		{"source loop", map[string]string{"/etc/rc.conf": ". /etc/a", "/etc/a": ". /etc/b", "/etc/b": "\n. /etc/a"},
			"/etc/a:1:1: . /etc/b: files nest deeper than 16 levels"},
		{"2 MiB file", rcOnly(strings.Repeat("# padding\n", 2<<20/10+1)), "/etc/rc.conf: file is larger than the 1 MiB limit"},
		{"binary garbage", rcOnly("a=1\nb=2\n\x7fELF\x02\x01\x00\x00junk"), "/etc/rc.conf:3: binary data (NUL byte)"},
		{"invalid UTF-8", rcOnly("a=1\nv=\"caf\xe9\"\n"), "/etc/rc.conf:2: invalid UTF-8"},
		{"bash-only [[", rcOnly("[[ -n x ]] && v=1"), "/etc/rc.conf:1:1: "},
		{"bash arrays", rcOnly("v=(a b)"), "/etc/rc.conf:1:3: "},
		{"function keyword", rcOnly("function f { v=1; }"), "/etc/rc.conf:1:"},
		{"pipeline", rcOnly("echo x | read v"), "/etc/rc.conf:1:1: pipelines are not allowed"},
		{"subshell", rcOnly("(v=1)"), "/etc/rc.conf:1:1: subshells are not allowed"},
		{"background", rcOnly("v=1 &"), "/etc/rc.conf:1:1: background commands (&) are not allowed"},
		{"exit", rcOnly("exit 0"), "/etc/rc.conf:1:1: builtin exit is not allowed"},
		{"RANDOM", rcOnly("a=1\nv=x$RANDOM"), "/etc/rc.conf:2:4: $RANDOM differs on every run"},
		{"process ID", rcOnly("v=${$}"), "/etc/rc.conf:1:3: $$ differs on every run"},
		{"~user", rcOnly("v=~root"), "/etc/rc.conf:1:3: ~user needs the password database"},
		{"~user after a colon", rcOnly("v=/bin:~root/bin"), "/etc/rc.conf:1:3: ~user needs the password database"},
		{"eval of a command", rcOnly("a=1\neval 'touch /tmp/x'"), "/etc/rc.conf:2:1: eval: command touch is not allowed"},
		{"eval of cmdsubst", rcOnly("eval 'v=$(id)'"), "/etc/rc.conf:1:1: eval: command substitution is not allowed"},
		{"endless recursion", rcOnly("f() { f; }\nf"), "/etc/rc.conf:2:1: limit: functions nest deeper than 1000 calls"},
		{"exponential growth", rcOnly("a=xxxxxxxxxxxxxxxx\n" + strings.Repeat("a=$a$a$a$a$a$a$a$a\n", 12)),
			"/etc/rc.conf:"},
		{"growth in a loop", rcOnly("a=x\nwhile :; do a=$a$a; done"), "/etc/rc.conf:2:1: "},
		{"return outside a function", rcOnly("return"), "/etc/rc.conf:1:1: return outside a function"},
		{"declare", rcOnly("declare v=1"), "/etc/rc.conf:1:1: "},
		{"failed ${v?}", rcOnly("v=${nope?unset}"), "/etc/rc.conf:1:1: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Each case ends at a count; the run's own deadline keeps a
			// loaded machine (make test under -race) from ending it at
			// the clock first.
			badLoad(t, tt.files, tt.want, 8*time.Second)
		})
	}
}

// TestEndlessLoop: no count ends `while :; do :; done`; the run's deadline
// does, with the same one line and exit code as every other bad file.
func TestEndlessLoop(t *testing.T) {
	badLoad(t, rcOnly("while :; do :; done"), "/etc/rc.conf:1:1: ", 2*time.Second)
}

// badLoad: Load of files fails with exit code 65 and one line starting
// with want.
func badLoad(t *testing.T, files map[string]string, want string, timeout time.Duration) {
	t.Helper()
	_, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, writeRoot(t, files)), Timeout: timeout})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if code := sysexits.Code(err); code != sysexits.DataErr {
		t.Errorf("exit code %d, want 65 (%v)", code, err)
	}
	if !strings.HasPrefix(msg, want) || !oneLine(msg) {
		t.Errorf("error %q, want one line starting with %q", msg, want)
	}
}

// TestNothingExecuted: files that would create a marker through external
// programs (found on PATH, by absolute path, or through a redirection)
// never do, in strict or lenient mode.
func TestNothingExecuted(t *testing.T) {
	tmp := t.TempDir()
	marker := filepath.Join(tmp, "marker")
	bin := filepath.Join(tmp, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"touch", "uname", "id", "helper"} {
		script := "#!/bin/sh\necho ran >> " + marker + "\n"
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin+":"+os.Getenv("PATH"))
	attempts := []string{
		"touch " + marker,
		bin + "/helper",
		"v=$(helper)",
		"v=`helper`",
		"v=\"$(helper)\"",
		"eval helper",
		"eval 'v=$(helper)'",
		"c=helper; $c",
		"PATH=" + bin + "; helper",
		"if helper; then v=1; fi",
		"f() { helper; }; f",
		"echo ran > " + marker,
		"echo ran >> " + marker,
		": ${v:=$(helper)}",
		"[ -n \"$(helper)\" ]",
		"x=1 helper",
		"exec helper",
		"command helper",
		"trap helper EXIT",
	}
	for _, lenient := range []bool{false, true} {
		for _, src := range attempts {
			root := writeRoot(t, rcOnly(src))
			_, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Lenient: lenient})
			if !lenient && err == nil {
				t.Errorf("%q: no error in strict mode", src)
			}
			if _, statErr := os.Stat(marker); statErr == nil {
				t.Fatalf("%q (lenient=%v) ran a program: marker exists", src, lenient)
			}
		}
	}
}

// TestLenient: refused statements are skipped with a finding, the rest is
// evaluated.
func TestLenient(t *testing.T) {
	root := writeRoot(t, rcOnly("a=1\nb=$(uname)\nc=3\nrm -rf /\nd=4"))
	e, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Lenient: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "1", "c": "3", "d": "4"} {
		if got, _ := e.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, ok := e.Get("b"); ok {
		t.Error("b was set")
	}
	var lines []int
	for _, f := range e.Findings() {
		if f.File != "/etc/rc.conf" || f.Severity != "warning" {
			t.Errorf("finding %v", f)
		}
		lines = append(lines, f.Line)
	}
	if len(lines) != 2 || lines[0] != 2 || lines[1] != 4 {
		t.Errorf("finding lines %v, want [2 4]", lines)
	}
}

// TestNoHostEnvironment: the evaluation sees what /etc/rc gives an rc
// script, never the environment hvnetconf itself runs in.
func TestNoHostEnvironment(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	t.Setenv("UID", "1000")
	env, err := load(t, rcOnly("h=${HOME}x u=${UID}y p=$PATH t=~/z"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"h": "/x", "u": "y", "p": "/sbin:/bin:/usr/sbin:/usr/bin", "t": "//z"}
	for name, v := range want {
		if got, _ := env.Get(name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
}
