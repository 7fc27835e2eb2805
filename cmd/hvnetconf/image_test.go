package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// Rendering into an image whose snapshot names mce0 (mlx5en) warns, with
// --json validated against the schema, when the image cannot drive it
// (no mlx5en.ko, nothing built in) or devmatch is off; a whole image
// that can, and a configuration tree without a kernel, get no warning.
func TestImageReadiness(t *testing.T) {
	root := testtool.CopyRoot(t, "../../examples/azure", "")
	testtool.WriteFile(t, filepath.Join(root, "etc/defaults/rc.conf"), string(testtool.FreeBSDDefaults(t, "main")))
	kernel := filepath.Join(root, "boot/kernel/kernel")
	warnings := func(what string) []string {
		t.Helper()
		stdout, stderr, code := hvnetconf(t, "render", "--json", "-R", root, "--state", exampleState)
		if code != 0 {
			t.Fatalf("%s: render exit %d: %s", what, code, stderr)
		}
		testtool.ValidateJSON(t, schemaFile, "render", stdout)
		var r struct{ Findings []finding.Finding }
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range r.Findings {
			if strings.Contains(f.Message, "cannot drive VF") || strings.Contains(f.Message, "devmatch") {
				out = append(out, f.String())
			}
		}
		return out
	}
	if w := warnings("no kernel"); len(w) != 0 {
		t.Errorf("a configuration tree without a kernel: %q", w)
	}
	testtool.WriteFile(t, kernel, string(testtool.KernelELF(map[string]string{"kern_conf": "___device\tmlx4en\n"})))
	if w := warnings("no module"); len(w) != 1 || !strings.HasPrefix(w[0], "/boot/kernel: warning: this image cannot drive VF mce0 (mlx5): no mlx5en.ko") {
		t.Errorf("image without mlx5en: %q", w)
	}
	testtool.WriteFile(t, filepath.Join(root, "boot/kernel/mlx5en.ko"), "")
	if w := warnings("module"); len(w) != 0 {
		t.Errorf("image with mlx5en.ko: %q", w)
	}
	if err := os.Remove(filepath.Join(root, "boot/kernel/mlx5en.ko")); err != nil {
		t.Fatal(err)
	}
	testtool.WriteFile(t, kernel, string(testtool.KernelELF(map[string]string{"kern_conf": "___device\tmlx5en\n"})))
	if w := warnings("built in"); len(w) != 0 {
		t.Errorf("mlx5en built into the kernel: %q", w)
	}
	rc := filepath.Join(root, "etc/rc.conf")
	data := readFile(t, rc)
	testtool.WriteFile(t, rc, string(data)+"devmatch_enable=\"NO\"\n")
	line := strings.Count(string(data), "\n") + 1
	if w := warnings("devmatch off"); len(w) != 1 || !strings.HasPrefix(w[0], "/etc/rc.conf:"+strconv.Itoa(line)+": warning: devmatch_enable is \"NO\"") {
		t.Errorf("devmatch off: %q", w)
	}
}
