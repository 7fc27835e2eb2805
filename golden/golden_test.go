// Package golden runs every scenario directory below it through the real
// hvnetconf binary: diff, then render, then diff again (which must find
// nothing), comparing stdout, stderr, exit codes and the rendered tree with
// the expectations stored beside the inputs. `go test ./... -update`
// rewrites the expectations (never the inputs).
package golden

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/internal/updateflag"
	"github.com/hvnetconf/hvnetconf/render"
)

var binary string

func TestMain(m *testing.M) {
	// Named as fakebsd's scratch directories, which ScratchBase sweeps
	// when a killed run left them behind.
	dir, err := os.MkdirTemp(fakebsd.ScratchBase(), "fakebsd-golden-")
	if err != nil {
		panic(err)
	}
	if fakebsd.ScratchBase() != "" {
		// The scenarios' copies (t.TempDir) on the RAM file system too:
		// each is written, rendered and copied into a machine.
		tmp := filepath.Join(dir, "tmp")
		if os.Mkdir(tmp, 0o755) == nil {
			os.Setenv("TMPDIR", tmp)
		}
	}
	// Static, so that it also runs inside the conformance sandbox.
	binary, err = testtool.Build(dir, "../cmd/hvnetconf", "fakebsd")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := fakebsd.RunTests(m) // removes the emulated host's programs too
	if path := os.Getenv("HVNETCONF_COMPARE"); path != "" && code == 0 {
		if err := comparison.write(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// scenario is one directory: root/ (input tree), state.toml, args (extra
// flags, one per line), expect.toml (the outcome on FreeBSD, by hand), and
// the recorded stderr.txt, exit, want/ (the target files after render) and
// boot.txt (conformance). The diff itself is not recorded: patch -p1 must
// turn root/ into want/ with it. A name ending in -no-change must give an
// empty diff whatever -update says.
type scenario struct {
	name, dir string
}

func scenarios(t *testing.T) []scenario {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var out []scenario
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), "_") {
			out = append(out, scenario{name: e.Name(), dir: e.Name()})
		}
	}
	if len(out) == 0 {
		t.Fatal("no scenarios found")
	}
	return out
}

func TestScenarios(t *testing.T) {
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) { sc.run(t) })
	}
}

type result struct {
	stdout, stderr string
	code           int
}

func (sc scenario) hvnetconf(t *testing.T, root string, cmd ...string) result {
	t.Helper()
	args := append(cmd, "-R", root)
	if _, err := os.Stat(filepath.Join(sc.dir, "state.toml")); err == nil {
		args = append(args, "--state", filepath.Join(sc.dir, "state.toml"))
	}
	if extra, err := os.ReadFile(filepath.Join(sc.dir, "args")); err == nil {
		args = append(args, strings.Fields(string(extra))...)
	}
	c := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	// Temporary paths vary per run; the expectations say ROOT.
	clean := func(s string) string { return strings.ReplaceAll(s, root, "ROOT") }
	return result{stdout: clean(stdout.String()), stderr: clean(stderr.String()), code: code}
}

func (sc scenario) run(t *testing.T) {
	root := sc.root(t)
	before := testtool.ReadTree(t, root)

	diff := sc.hvnetconf(t, root, "diff")
	if strings.HasSuffix(sc.name, "-no-change") && (diff.code != 0 || diff.stdout != "") {
		// Not an expectation -update may rewrite: the root holds a previous
		// render, which must still be current. Refresh the root instead.
		t.Errorf("diff over a previous render: exit %d, want 0 and no output:\n%s", diff.code, diff.stdout)
	}
	sc.compare(t, "stderr.txt", diff.stderr)
	sc.compare(t, "exit", strconv.Itoa(diff.code)+"\n")
	sc.dropDiffCopy(t)

	rendered := sc.hvnetconf(t, root, "render")
	if diff.code > 1 {
		// An error: diff shows nothing, render fails the same way and
		// changes nothing at all.
		if diff.stdout != "" {
			t.Errorf("diff exit %d printed a diff:\n%s", diff.code, diff.stdout)
		}
		if rendered.code != diff.code {
			t.Errorf("render exit %d, diff exit %d", rendered.code, diff.code)
		}
		if after := testtool.ReadTree(t, root); !after.Equal(before) {
			t.Errorf("failed render changed the root")
		}
		// Nothing is rendered, so nothing may be expected.
		want := filepath.Join(sc.dir, "want")
		if *updateflag.Update {
			os.RemoveAll(want)
		} else if _, err := os.Stat(want); err == nil {
			t.Errorf("%s exists but render fails (go test ./... -update removes it)", want)
		}
		return
	}
	if rendered.code != 0 {
		t.Fatalf("render exit %d: %s", rendered.code, rendered.stderr)
	}
	sc.compareTree(t, root)
	if again := sc.hvnetconf(t, root, "diff"); again.code != 0 || again.stdout != "" {
		t.Errorf("diff after render: exit %d, want 0 and no output:\n%s", again.code, again.stdout)
	}
	// The diff is proven, not recorded: patch turns the input into the
	// rendered tree, which want/ holds.
	testtool.CheckPatch(t, diff.stdout, before, testtool.ReadTree(t, root))
}

// dropDiffCopy: diff.txt is no longer kept (want/ and the patch check
// prove the diff); -update removes a stale one.
func (sc scenario) dropDiffCopy(t *testing.T) {
	t.Helper()
	path := filepath.Join(sc.dir, "diff.txt")
	if *updateflag.Update {
		os.Remove(path)
	} else if _, err := os.Stat(path); err == nil {
		t.Errorf("%s: the diff is proven by want/ and patch, not kept (go test ./golden -update removes it)", path)
	}
}

// compare checks got against the expectation file name (or rewrites it).
func (sc scenario) compare(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(sc.dir, name)
	if *updateflag.Update {
		testtool.WriteFile(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./... -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- want\n%s\n--- got\n%s", path, want, got)
	}
}

// compareTree checks the target files after render against want/.
func (sc scenario) compareTree(t *testing.T, root string) {
	t.Helper()
	want := filepath.Join(sc.dir, "want")
	if *updateflag.Update {
		os.RemoveAll(want)
	}
	for _, target := range render.Targets {
		got, gotErr := os.ReadFile(filepath.Join(root, target))
		path := filepath.Join(want, target)
		if *updateflag.Update {
			if gotErr == nil {
				testtool.WriteFile(t, path, string(got))
			}
			continue
		}
		exp, expErr := os.ReadFile(path)
		switch {
		case gotErr != nil && expErr != nil:
		case gotErr != nil:
			t.Errorf("%s: not rendered, want it", target)
		case expErr != nil:
			t.Errorf("%s: rendered, want no such file", target)
		case !bytes.Equal(got, exp):
			t.Errorf("%s differs from %s:\n%s", target, path, got)
		}
	}
}
