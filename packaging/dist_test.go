package packaging

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// make dist builds static FreeBSD binaries for both architectures and a
// SHA256SUMS that verifies them.
func TestDist(t *testing.T) {
	makeBin, goBin := need(t, "make"), need(t, "go")
	dir := t.TempDir()
	cmd := exec.Command(makeBin, "-s", "dist", "GO="+goBin, "DISTDIR="+dir, "VERSION="+testVersion, "COMMIT="+testCommit)
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	machines := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(read(t, filepath.Join(dir, "SHA256SUMS")))), "\n") {
		sum, name, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("SHA256SUMS: bad line %q", line)
		}
		sums[strings.TrimLeft(name, " *")] = sum
	}
	var names []string
	for arch, machine := range machines {
		name := "hvnetconf-" + testVersion + "-freebsd-" + arch
		names = append(names, name)
		path := filepath.Join(dir, name)
		sum := sha256.Sum256(read(t, path))
		if got := sums[name]; got != hex.EncodeToString(sum[:]) {
			t.Errorf("SHA256SUMS has %q for %s; the file's is %x", got, name, sum)
		}
		f, err := elf.Open(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if f.OSABI != elf.ELFOSABI_FREEBSD || f.Machine != machine {
			t.Errorf("%s: OS ABI %v, machine %v; want FreeBSD %v", name, f.OSABI, f.Machine, machine)
		}
		if slices.ContainsFunc(f.Progs, func(p *elf.Prog) bool { return p.Type == elf.PT_INTERP }) {
			t.Errorf("%s is dynamically linked; want static", name)
		}
		f.Close()
	}
	if len(sums) != len(names) {
		t.Errorf("SHA256SUMS lists %d files, want %d (%q)", len(sums), len(names), names)
	}
}
