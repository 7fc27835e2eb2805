package ansible

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// stubAnsible loads the module with a stand-in for ansible.module_utils
// (only its functions are called) and prints before_after of the report
// on standard input as JSON.
const stubAnsible = `import importlib.util, json, sys, types
basic = types.ModuleType("ansible.module_utils.basic")
basic.AnsibleModule = object
for name, mod in [("ansible", types.ModuleType("ansible")), ("ansible.module_utils", types.ModuleType("ansible.module_utils")), ("ansible.module_utils.basic", basic)]:
    sys.modules[name] = mod
spec = importlib.util.spec_from_file_location("hvnetconf_module", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
print(json.dumps(m.before_after(json.load(sys.stdin))))
`

// TestBeforeAfterNotUTF8: an owned file that is not UTF-8 comes in
// old_content_base64 (json_version 2); the module's diff shows its text,
// each stray byte as U+FFFD, instead of losing the before side.
func TestBeforeAfterNotUTF8(t *testing.T) {
	python := testtool.Need(t, "python3")
	bin := build(t)
	root := testtool.CopyRoot(t, repo+"/examples/azure", defaults)
	if _, code := hvnetconf(t, bin, "render", "-R", root, "--state", snapshot); code != 0 {
		t.Fatalf("render: exit %d", code)
	}
	name := filepath.Join(root, "usr/local/etc/rc.conf.d/network")
	old := readFile(t, name) + "# caf\xe9\n"
	testtool.WriteFile(t, name, old)
	report, code := hvnetconf(t, bin, "diff", "--json", "-R", root, "--state", snapshot)
	if code != 1 || !strings.Contains(report, `"old_content_base64"`) {
		t.Fatalf("diff --json: exit %d, no old_content_base64:\n%s", code, report)
	}
	cmd := exec.Command(python, "-c", stubAnsible, "plugins/modules/hvnetconf.py")
	cmd.Stdin = strings.NewReader(report)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	want := strings.TrimSuffix(old, "# caf\xe9\n") + "# caf\ufffd\n"
	if !strings.Contains(string(out), jsonString(t, want)) {
		t.Errorf("before_after lacks the old text %q:\n%s", want, out)
	}
}

// jsonString is s as Python's json.dumps writes it (ASCII only).
func jsonString(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteString("\\" + string(r))
		case r == '\n':
			b.WriteString("\\n")
		case r < 0x20 || r > 0x7e:
			b.WriteString(fmt.Sprintf("\\u%04x", r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
