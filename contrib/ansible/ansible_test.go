// Package ansible tests the Ansible module in plugins/modules against the
// real hvnetconf: one ansible-playbook run on localhost (connection:
// local) against image roots made from the bundled example and golden
// scenarios (Ansible starts slowly, so every behaviour is a task of that
// one run), and ansible-doc on the module's documentation. Test code only.
package ansible

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/hvnetconf/hvnetconf/udiff"
)

const (
	repo     = "../.."
	modules  = "plugins/modules"
	defaults = repo + "/golden/_defaults/rc.conf"
	snapshot = repo + "/examples/azure-state.toml"
)

// result is what the module returned for one task, as registered.
type result struct {
	Changed  bool     `json:"changed"`
	Failed   bool     `json:"failed"`
	Msg      string   `json:"msg"`
	RC       int      `json:"rc"`
	Warnings []string `json:"warnings"`
	Diff     []struct {
		Before       string `json:"before"`
		After        string `json:"after"`
		BeforeHeader string `json:"before_header"`
		AfterHeader  string `json:"after_header"`
	} `json:"diff"`
	Files []struct {
		Path   string `json:"path"`
		Action string `json:"action"`
	} `json:"files"`
	OK    *bool    `json:"ok"`
	Drift []string `json:"drift"`
	Note  string   `json:"note"`
}

func TestModule(t *testing.T) {
	playbook := testtool.Need(t, "ansible-playbook")
	t.Parallel()
	bin := build(t)
	tmp := t.TempDir()
	roots := map[string]string{
		"root_preview":  testtool.CopyRoot(t, repo+"/examples/azure", defaults),
		"root_render":   testtool.CopyRoot(t, repo+"/examples/azure", defaults),
		"root_apply":    testtool.CopyRoot(t, repo+"/examples/azure", defaults),
		"root_findings": testtool.CopyRoot(t, repo+"/golden/firewall-and-rename/root", defaults),
		"root_bad":      testtool.CopyRoot(t, repo+"/golden/bad-rcconf-cmdsubst/root", defaults),
		"root_strict":   testtool.CopyRoot(t, repo+"/golden/firewall-and-rename/root", defaults),
	}
	untouched := testtool.ReadTree(t, roots["root_preview"])
	strictUntouched := testtool.ReadTree(t, roots["root_strict"])
	wantDiff, code := hvnetconf(t, bin, "diff", "-R", roots["root_preview"], "--state", snapshot)
	if code != 1 {
		t.Fatalf("hvnetconf diff: exit %d, want 1", code)
	}
	// A build from before version --json refuses the flag, as this does.
	old := filepath.Join(tmp, "old", "hvnetconf")
	testtool.WriteFile(t, old, "#!/bin/sh\necho 'hvnetconf version: unknown flag: --json' >&2\nexit 64\n")
	if err := os.Chmod(old, 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{
		"binary": bin, "binary_old": old, "binary_missing": filepath.Join(tmp, "nonexistent", "hvnetconf"),
		"snapshot":          abs(t, snapshot),
		"snapshot_findings": abs(t, repo+"/golden/firewall-and-rename/state.toml"),
		"snapshot_bad":      abs(t, repo+"/golden/bad-rcconf-cmdsubst/state.toml"),
		"snapshot_missing":  filepath.Join(tmp, "nonexistent.toml"),
		"results":           filepath.Join(tmp, "results.json"),
	}
	maps.Copy(vars, roots)
	varsJSON, _ := json.Marshal(vars)
	testtool.WriteFile(t, filepath.Join(tmp, "vars.json"), string(varsJSON))

	start := time.Now()
	cmd := exec.Command(playbook, "-i", "localhost,", "-e", "@"+filepath.Join(tmp, "vars.json"), "testdata/module.yml")
	cmd.Env = ansibleEnv(t, filepath.Dir(bin))
	out, err := cmd.CombinedOutput()
	t.Logf("ansible-playbook took %.1f s", time.Since(start).Seconds())
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	var res map[string]result
	if err := json.Unmarshal([]byte(readFile(t, vars["results"])), &res); err != nil {
		t.Fatal(err)
	}

	// Check mode: changed, nothing written; diff mode: hvnetconf's diff.
	if r := res["preview"]; !r.Changed || r.Failed {
		t.Errorf("preview: %+v, want changed", r)
	}
	if !untouched.Equal(testtool.ReadTree(t, roots["root_preview"])) {
		t.Error("check mode (and state=checked) changed the root")
	}
	if got := unified(t, res["preview"]); got != wantDiff {
		t.Errorf("check mode's before/after give\n%s\nhvnetconf diff says\n%s", got, wantDiff)
	}
	if got := unified(t, res["render"]); got != wantDiff {
		t.Errorf("render's before/after give\n%s\nhvnetconf diff said\n%s", got, wantDiff)
	}
	for _, line := range []string{"--- before: /usr/local/etc/rc.conf.d/network", "+ifconfig_lagg0=\"laggproto failover laggport hn0 SYNCDHCP\""} {
		if !bytes.Contains(out, []byte(line)) {
			t.Errorf("ansible-playbook's diff output lacks %q", line)
		}
	}
	// A run renders, a second changes nothing.
	if _, code := hvnetconf(t, bin, "diff", "-R", roots["root_render"], "--state", snapshot); code != 0 {
		t.Errorf("after the render task hvnetconf diff exits %d, want 0", code)
	}
	want := map[string]bool{"render": true, "render_again": false, "preview_again": false, "checked": false,
		"drifted": true, "apply_preview": true, "apply": true, "apply_again": false, "confirm_preview": true}
	for task, changed := range want {
		if r := res[task]; r.Changed != changed || r.Failed {
			t.Errorf("%s: changed=%v failed=%v (%s), want changed=%v", task, r.Changed, r.Failed, r.Msg, changed)
		}
	}
	if r := res["checked"]; r.OK == nil || !*r.OK || len(r.Drift) != 0 {
		t.Errorf("checked: ok=%v drift=%q, want ok and no drift", r.OK, r.Drift)
	}
	if r := res["drifted"]; r.OK == nil || *r.OK || !strings.Contains(strings.Join(r.Drift, "\n"), "/usr/local/etc/rc.conf.d/network: missing") {
		t.Errorf("drifted: ok=%v drift=%q, want the network file missing", r.OK, r.Drift)
	}
	if r := res["apply"]; !strings.Contains(r.Note, "files only") {
		t.Errorf("apply: note %q", r.Note)
	}
	checkFailures(t, res, string(out), old, roots["root_strict"])
	if !strictUntouched.Equal(testtool.ReadTree(t, roots["root_strict"])) {
		t.Error("a task that failed (strict, no snapshot) changed its root")
	}
}

// checkFailures: findings are warnings; errors fail with hvnetconf's line
// and exit status; a missing or old binary fails clearly.
func checkFailures(t *testing.T, res map[string]result, out, old, rootStrict string) {
	t.Helper()
	warning := "/etc/pf.conf:1: warning: firewall rule names hn0; traffic now flows over lagg0: update the rule"
	if r := res["findings"]; len(r.Warnings) != 3 || r.Warnings[0] != warning || r.Failed {
		t.Errorf("findings: warnings %q", r.Warnings)
	}
	// Ansible wraps warnings at the terminal's width.
	if !strings.Contains(strings.Join(strings.Fields(out), " "), "[WARNING]: "+warning) {
		t.Errorf("ansible-playbook does not show the warning %q", warning)
	}
	failures := []struct {
		task, msg string
		rc        int
	}{
		{"bad", "hvnetconf: /etc/rc.conf:2:11: command substitution is not allowed (nothing was written)", 65},
		{"missing", "hvnetconf: binary " + filepath.Dir(filepath.Dir(old)) + "/nonexistent/hvnetconf is not an executable file", 0},
		// strict: the three warnings of the findings task stop the render.
		{"strict", "hvnetconf: 3 error or warning finding(s) (--strict) above (nothing was written)", 65},
		{"no_snapshot", "hvnetconf: state_file " + filepath.Dir(filepath.Dir(old)) + "/nonexistent.toml: no such file (write it with hvnetconf snapshot on a VM of that size)", 66},
		{"image_no_snapshot", "hvnetconf: root " + rootStrict + " is an image, not this running system: give its hn snapshot as state_file (hvnetconf snapshot on a VM of that size)", 64},
		// confirm_within reaches hvnetconf, which refuses it for an image.
		{"confirm_image", "hvnetconf: apply --confirm-within: -R " + rootStrict + " is an image; only the running system has changes pending confirmation (nothing was written)", 64},
		{"confirm_files_only", "hvnetconf: confirm_within goes with state=applied, without files_only", 0},
		{"old", old + " is too old for this module, which needs json_version 1 or later: `version --json` exited 64 (hvnetconf version: unknown flag: --json)", 64},
	}
	for _, f := range failures {
		if r := res[f.task]; !r.Failed || r.Msg != f.msg || r.RC != f.rc {
			t.Errorf("%s: failed=%v rc=%d msg=%q\nwant rc=%d msg=%q", f.task, r.Failed, r.RC, r.Msg, f.rc, f.msg)
		}
	}
}

// unified is the module's before/after run through hvnetconf's own diff,
// with the existence of each side from the file's action.
func unified(t *testing.T, r result) string {
	t.Helper()
	action := map[string]string{}
	for _, f := range r.Files {
		action[f.Path] = f.Action
	}
	var b strings.Builder
	for _, d := range r.Diff {
		if d.BeforeHeader != d.AfterHeader || action[d.BeforeHeader] == "" {
			t.Errorf("diff entry for %q/%q is not a file of the result", d.BeforeHeader, d.AfterHeader)
		}
		rel := strings.TrimPrefix(d.BeforeHeader, "/")
		a := action[d.BeforeHeader]
		if a == "create" && d.Before != "" || a == "remove" && d.After != "" {
			t.Errorf("%s (%s): before %q, after %q: a missing side must be empty", d.BeforeHeader, a, d.Before, d.After)
		}
		b.WriteString(udiff.Unified("a/"+rel, "b/"+rel, []byte(d.Before), []byte(d.After), a != "create", a != "remove"))
	}
	return b.String()
}

// ansibleEnv keeps Ansible to the test's own directories and finds the
// module through ANSIBLE_LIBRARY, as a user's ansible.cfg library would.
// Pipelining (the module's code on its Python's stdin, not in a temporary
// file run by a shell) is what sites set for speed: 24 s -> 9 s of wall
// time here, 11.6 s -> 8.7 s CPU.
func ansibleEnv(t *testing.T, binDir string) []string {
	home := t.TempDir()
	cfg := filepath.Join(home, "ansible.cfg")
	testtool.WriteFile(t, cfg, "[defaults]\n")
	return append(os.Environ(),
		"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
		"ANSIBLE_CONFIG="+cfg, "ANSIBLE_HOME="+home,
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(home, "tmp"), "ANSIBLE_REMOTE_TEMP="+filepath.Join(home, "tmp"),
		"ANSIBLE_LIBRARY="+abs(t, modules), "ANSIBLE_NOCOLOR=1", "ANSIBLE_FORCE_COLOR=0", "ANSIBLE_PIPELINING=1")
}

// build compiles hvnetconf into a directory of its own, which the
// playbook puts first on PATH.
func build(t *testing.T) string {
	t.Helper()
	testtool.Need(t, "go")
	bin, err := testtool.Build(filepath.Join(t.TempDir(), "bin"), repo+"/cmd/hvnetconf")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func hvnetconf(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	out, err := exec.Command(bin, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func abs(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDoc: ansible-doc renders the module's documentation, which
// documents exactly the options the module accepts.
func TestDoc(t *testing.T) {
	doc := testtool.Need(t, "ansible-doc")
	t.Parallel()
	env := ansibleEnv(t, t.TempDir())
	cmd := exec.Command(doc, "-M", modules, "hvnetconf")
	cmd.Env = env
	text, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible-doc: %v", err)
	}
	for _, want := range []string{"> HVNETCONF", "OPTIONS", "EXAMPLES:", "RETURN VALUES:", "choices: [rendered, applied, checked]"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("ansible-doc output lacks %q:\n%s", want, text)
		}
	}
	cmd = exec.Command(doc, "-M", modules, "--json", "hvnetconf")
	cmd.Env = env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ansible-doc --json: %v", err)
	}
	var parsed map[string]struct {
		Doc struct {
			Options map[string]any `json:"options"`
		} `json:"doc"`
		Examples string         `json:"examples"`
		Return   map[string]any `json:"return"`
	}
	if err := json.Unmarshal(out, &parsed); err != nil {
		t.Fatal(err)
	}
	m := parsed["hvnetconf"]
	documented := slices.Sorted(maps.Keys(m.Doc.Options))
	if spec := argumentSpec(t); !slices.Equal(documented, spec) {
		t.Errorf("DOCUMENTATION has options %q; argument_spec has %q", documented, spec)
	}
	if m.Examples == "" || len(m.Return) == 0 {
		t.Error("EXAMPLES or RETURN is empty")
	}
}

// argumentSpec lists the option names of the module's argument_spec.
func argumentSpec(t *testing.T) []string {
	src := readFile(t, filepath.Join(modules, "hvnetconf.py"))
	_, spec, _ := strings.Cut(src, "argument_spec=dict(")
	spec, _, _ = strings.Cut(spec, "\n        ),")
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s+([a-z_]+)=dict\(`).FindAllStringSubmatch(spec, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	if len(names) < 5 {
		t.Fatalf("argument_spec of hvnetconf.py: found %q; parse error?", names)
	}
	return names
}

// TestReadmePlaybook: the playbooks of the README's "Fleets" section (the
// short example) and of docs/ansible.md (the scale set) are ones
// ansible-playbook accepts, with this module.
func TestReadmePlaybook(t *testing.T) {
	playbook := testtool.Need(t, "ansible-playbook")
	t.Parallel()
	for _, doc := range []struct{ file, section string }{
		{"README.md", "\n## Fleets"},
		{"docs/ansible.md", "\n## Fleets"},
	} {
		text := readFile(t, repo+"/"+doc.file)
		_, fleets, _ := strings.Cut(text, doc.section)
		_, yaml, ok := strings.Cut(fleets, "```yaml\n")
		yaml, _, _ = strings.Cut(yaml, "```\n")
		if !ok || !strings.Contains(yaml, "hvnetconf:") {
			t.Fatalf(`%s: no yaml block with the hvnetconf module in "## Fleets"`, doc.file)
		}
		path := filepath.Join(t.TempDir(), "vmss-network.yml")
		testtool.WriteFile(t, path, yaml)
		cmd := exec.Command(playbook, "--syntax-check", "-i", "localhost,", path)
		cmd.Env = ansibleEnv(t, t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("ansible-playbook --syntax-check of the playbook in %s: %v\n%s", doc.file, err, out)
		}
	}
}

// TestWarningsEscaped: a finding's file name and message come from the
// managed host's tree; the module escapes control characters in them, as
// hvnetconf's own output does, before they reach the controller's terminal.
func TestWarningsEscaped(t *testing.T) {
	// The Python that runs ansible-playbook is the one with Ansible's
	// module_utils, which the module imports.
	head, _, _ := strings.Cut(readFile(t, testtool.Need(t, "ansible-playbook")), "\n")
	python, ok := strings.CutPrefix(head, "#!")
	if f := strings.Fields(python); !ok || len(f) == 0 {
		t.Fatalf("ansible-playbook: no interpreter line: %q", head)
	} else if python = f[0]; f[0] == "/usr/bin/env" && len(f) > 1 {
		python = testtool.Need(t, f[1])
	}
	script := `import importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
print(m.finding_line({"file": "/etc/rc.conf.d/a\x1b[2Jb", "line": 3, "severity": "warning", "message": "x\ny"}))
print(m.finding_line({"file": "/etc/rc.conf", "line": 4, "severity": "info", "message": "plain é"}))`
	out, err := exec.Command(python, "-c", script, repo+"/contrib/ansible/plugins/modules/hvnetconf.py").CombinedOutput()
	want := "/etc/rc.conf.d/a\\x1b[2Jb:3: warning: x\\ny\n/etc/rc.conf:4: info: plain é\n"
	if err != nil || string(out) != want {
		t.Errorf("finding_line: %v\n%q\nwant %q", err, out, want)
	}
}
