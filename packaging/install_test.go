package packaging

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// repo is the repository root, seen from this package's directory.
const repo = ".."

// Stamps given to make: they must reach the installed binary via -ldflags.
const (
	testVersion = "0.0.0-pkgtest"
	testCommit  = "c0ffee1"
)

// need returns the path of a tool the test runs (see testtool.Need).
func need(t *testing.T, tool string) string { return testtool.Need(t, tool) }

// installed is one `make install` into a temporary DESTDIR.
type installed struct {
	destdir, prefix string
}

// file is the absolute path of rel (relative to PREFIX) in the DESTDIR.
func (in *installed) file(rel string) string {
	return filepath.Join(in.destdir, in.prefix, filepath.FromSlash(rel))
}

func (in *installed) bin() string { return in.file("sbin/hvnetconf") }

var (
	installMu sync.Mutex
	installs  = map[string]*installed{} // by PREFIX; each make install runs once
)

// install runs `make install` once per PREFIX for the whole test binary.
func install(t *testing.T, prefix string) *installed {
	t.Helper()
	makeBin, goBin := need(t, "make"), need(t, "go")
	installMu.Lock()
	defer installMu.Unlock()
	if in, ok := installs[prefix]; ok {
		return in
	}
	// Not t.TempDir: the tree outlives this test and serves the others;
	// TestMain removes it.
	dir, err := os.MkdirTemp("", "hvnetconf-install-")
	if err != nil {
		t.Fatal(err)
	}
	in := &installed{destdir: filepath.Join(dir, "root"), prefix: prefix}
	cmd := exec.Command(makeBin, "-s", "install", "GO="+goBin, "DESTDIR="+in.destdir, "PREFIX="+prefix,
		"BIN="+filepath.Join(dir, "build", "hvnetconf"), "VERSION="+testVersion, "COMMIT="+testCommit)
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install PREFIX=%s: %v\n%s", prefix, err, out)
	}
	if err := os.RemoveAll(filepath.Join(dir, "build")); err != nil {
		t.Fatal(err)
	}
	installs[prefix] = in
	return in
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, in := range installs {
		os.RemoveAll(filepath.Dir(in.destdir))
	}
	os.Exit(code)
}

// tree lists every regular file under dir (slash paths relative to it) with
// its permission bits; anything that is neither a file nor a directory is
// reported as mode 0 so that the comparison fails.
func tree(t *testing.T, dir string) map[string]fs.FileMode {
	t.Helper()
	got := map[string]fs.FileMode{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err == nil && d.Type().IsRegular() {
			got[filepath.ToSlash(rel)] = info.Mode().Perm()
		} else {
			got[filepath.ToSlash(rel)] = 0
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func output(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return out
}

func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// installedFile is one file make install must create, relative to PREFIX.
type installedFile struct {
	path string
	mode fs.FileMode
	want func(t *testing.T, in *installed) []byte // expected content, after gunzip for .gz; nil: checked elsewhere
}

// layout is the complete install tree; nothing else may be installed.
var layout = []installedFile{
	{"sbin/hvnetconf", 0o755, nil},
	{"etc/rc.d/hvnetconf", 0o755, func(t *testing.T, in *installed) []byte {
		// The script's program path follows PREFIX.
		src := string(read(t, filepath.Join(repo, "rc.d/hvnetconf")))
		return []byte(strings.ReplaceAll(src, "/usr/local/sbin/hvnetconf", in.prefix+"/sbin/hvnetconf"))
	}},
	{"etc/hvnetconf.toml.sample", 0o644, source("config/hvnetconf.toml.sample")},
	{"etc/hvnetconf-state.toml.sample", 0o644, source("examples/azure-state.toml")},
	{"share/man/man8/hvnetconf.8.gz", 0o644, source("man/hvnetconf.8")},
	{"share/man/man5/hvnetconf.toml.5.gz", 0o644, source("man/hvnetconf.toml.5")},
	{"share/man/man5/hvnetconf-state.5.gz", 0o644, source("man/hvnetconf-state.5")},
	{"share/bash-completion/completions/hvnetconf", 0o644, completion("bash")},
	{"share/zsh/site-functions/_hvnetconf", 0o644, completion("zsh")},
	{"share/hvnetconf/hvnetconf.schema.json", 0o644, source("docs/hvnetconf.schema.json")},
}

func source(path string) func(*testing.T, *installed) []byte {
	return func(t *testing.T, _ *installed) []byte { return read(t, filepath.Join(repo, path)) }
}

func completion(shell string) func(*testing.T, *installed) []byte {
	return func(t *testing.T, in *installed) []byte { return output(t, in.bin(), "completion", shell) }
}

func TestInstallTree(t *testing.T) {
	for _, prefix := range []string{"/usr/local", "/opt/hvnetconf"} {
		in := install(t, prefix)
		got := tree(t, in.destdir)
		for _, f := range layout {
			rel := strings.TrimPrefix(in.prefix+"/"+f.path, "/")
			mode, ok := got[rel]
			delete(got, rel)
			if !ok {
				t.Errorf("PREFIX=%s: %s not installed", prefix, rel)
				continue
			}
			if mode != f.mode {
				t.Errorf("PREFIX=%s: %s has mode %o, want %o", prefix, rel, mode, f.mode)
			}
			if f.want == nil {
				continue
			}
			data := read(t, in.file(f.path))
			if strings.HasSuffix(f.path, ".gz") {
				data = gunzip(t, data)
			}
			if want := f.want(t, in); !bytes.Equal(data, want) {
				t.Errorf("PREFIX=%s: %s differs from what it is installed from", prefix, rel)
			}
		}
		for rel := range got {
			t.Errorf("PREFIX=%s: unexpected file %s", prefix, rel)
		}
	}
}

func TestInstalledBinary(t *testing.T) {
	in := install(t, "/usr/local")
	f, err := elf.Open(in.bin())
	if err != nil {
		t.Fatalf("installed binary is not ELF: %v", err)
	}
	defer f.Close()
	if slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP }) {
		t.Error("installed binary is dynamically linked (has PT_INTERP); want CGO_ENABLED=0 static")
	}
	want := []string{testVersion, "commit " + testCommit, runtime.GOOS + "/" + runtime.GOARCH, "go1."}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out := string(output(t, in.bin(), args...))
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("hvnetconf %s = %q; want it to contain %q", args[0], out, w)
			}
		}
	}
}

// The devd rules the binary renders must run it where it was installed.
func TestInstalledDevdPathFollowsPrefix(t *testing.T) {
	for _, prefix := range []string{"/usr/local", "/opt/hvnetconf"} {
		in := install(t, prefix)
		out := t.TempDir()
		cmd := exec.Command(in.bin(), "render", "-q", "-R", filepath.Join(repo, "examples/azure"),
			"--state", filepath.Join(repo, "examples/azure-state.toml"), "--out", out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("render --out: %v\n%s", err, msg)
		}
		rules := string(read(t, filepath.Join(out, "usr/local/etc/devd/hvnetconf.conf")))
		if want := `action "` + prefix + `/sbin/hvnetconf vf-attach -- $subsystem"`; !strings.Contains(rules, want) {
			t.Errorf("PREFIX=%s: devd rules lack %s:\n%s", prefix, want, rules)
		}
	}
}
