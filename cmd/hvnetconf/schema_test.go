package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const schemaFile = "../../docs/hvnetconf.schema.json"

// schemaScenarios are golden scenarios whose outputs between them reach
// every field: two laggs with a VF and an MTU, a renamed lagg (clone), transparent mode, a reboot
// pending, findings with and without a line, files created, modified,
// removed and unchanged.
var schemaScenarios = []string{
	"rename-hn-em0", "two-hn-two-vfs", "transparent-vf", "mode-mismatch-reboot", "firewall-and-rename",
	"skip-and-noauto", "static-ipv4-netmask-mtu9000", "lagg-to-transparent", "rerender-no-change",
}

// TestOutputsMatchSchema runs diff, render, apply and check with --json on
// the example and on golden scenarios, each output validated against its
// command's definition in docs/hvnetconf.schema.json twice: as published
// (objects open to fields added later), and closed, so that a field the
// program prints but the schema does not describe fails too.
func TestOutputsMatchSchema(t *testing.T) {
	open, closed := compileSchema(t, false), compileSchema(t, true)
	seen := map[string]bool{}
	validate := func(t *testing.T, def string, args ...string) {
		t.Helper()
		stdout, stderr, code := hvnetconf(t, append(args, "--json")...)
		if code > 1 {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		keys(inst, seen)
		for _, s := range []map[string]*jsonschema.Schema{open, closed} {
			if err := s[def].Validate(inst); err != nil {
				t.Errorf("%q does not match #/$defs/%s: %v\n%s", args, def, err, stdout)
			}
		}
	}
	validate(t, "version", "version")
	roots := [][3]string{{"example", "../../examples/azure", exampleState}}
	for _, name := range schemaScenarios {
		dir := filepath.Join("../../golden", name)
		roots = append(roots, [3]string{name, filepath.Join(dir, "root"), filepath.Join(dir, "state.toml")})
	}
	for _, in := range roots {
		t.Run(in[0], func(t *testing.T) {
			root, empty := testtool.CopyRoot(t, in[1], "../../golden/_defaults/rc.conf"), t.TempDir()
			flags := []string{"-R", root, "--state", in[2]}
			run := func(def string, args ...string) { t.Helper(); validate(t, def, append(args, flags...)...) }
			run("diff", "diff")
			run("apply", "apply", "--dry-run")
			run("check", "check")
			run("check", "check", "--golden", empty)
			run("render", "render")
			run("render", "render", "--out", filepath.Join(empty, "tree"))
			run("check", "check", "--golden", filepath.Join(empty, "tree"))
			run("apply", "apply")
			run("diff", "diff")
		})
	}
	t.Run("not-utf8", func(t *testing.T) {
		// An owned file edited with bytes that are not UTF-8: its old
		// text comes as old_content_base64.
		root := testtool.CopyRoot(t, "../../examples/azure", "../../golden/_defaults/rc.conf")
		flags := []string{"-R", root, "--state", exampleState}
		validate(t, "render", append([]string{"render"}, flags...)...)
		name := filepath.Join(root, "usr/local/etc/rc.conf.d/network")
		data := readFile(t, name)
		if err := os.WriteFile(name, append(data, "# caf\xe9\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		validate(t, "diff", append([]string{"diff"}, flags...)...)
	})
	for _, a := range []string{"create", "modify", "remove", "unchanged"} {
		if !seen["action="+a] {
			t.Errorf("no output has a file with action %q: add a scenario that does", a)
		}
	}
	// Only a live apply runs commands, which needs FreeBSD.
	// Rendered files are UTF-8 (rcconf refuses other bytes in its
	// inputs), so new_content_base64 is described but never printed.
	unseen := map[string]bool{"argv": true, "undo": true, "restored": true, "new_content_base64": true, "effect": true,
		// A change on probation, and revert, are the running system's
		// only (e2e: TestConfirmVFEvent reads check --json's).
		"confirmation": true, "state": true, "started": true, "deadline": true, "seconds_left": true, "reverted": true, "revert": true}
	// status reads the running system only: the e2e status tests
	// (e2e/status_test.go) validate what it prints.
	for _, name := range statusOnly {
		unseen[name] = true
	}
	var schema any
	if err := json.Unmarshal(readFile(t, schemaFile), &schema); err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	properties(schema, described)
	for name := range described {
		if !seen[name] && !unseen[name] {
			t.Errorf("no output printed %q: add a scenario that does", name)
		}
	}
}

// keys adds the name of every object member in v to seen, and each
// file's "action=VALUE".
func keys(v any, seen map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			seen[k] = true
			if a, ok := sub.(string); ok && k == "action" {
				seen["action="+a] = true
			}
			keys(sub, seen)
		}
	case []any:
		for _, sub := range v {
			keys(sub, seen)
		}
	}
}

// properties adds every property name the schema describes to out.
func properties(v any, out map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for name := range props {
				out[name] = true
			}
		}
		for _, sub := range v {
			properties(sub, out)
		}
	case []any:
		for _, sub := range v {
			properties(sub, out)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// compileSchema compiles each definition of the schema file (testtool.CompileSchema).
func compileSchema(t *testing.T, closed bool) map[string]*jsonschema.Schema {
	t.Helper()
	return testtool.CompileSchema(t, schemaFile, closed)
}

// statusOnly are the properties only status --json prints.
var statusOnly = []string{"boot_time", "orphans", "direct_vfs", "drift", "accelerated", "notes", "running", "next_boot",
	"next_boot_from", "family", "attached", "up", "port", "active", "verdict", "history", "arrivals", "departures",
	"events", "last_join_seconds", "without_vf_seconds", "time", "event", "selector", "vendor", "device", "lagg"}
