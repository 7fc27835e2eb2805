package testtool

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/version"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaDefs are the definitions of docs/hvnetconf.schema.json a command's
// --json output is validated against.
var SchemaDefs = []string{"diff", "render", "apply", "check", "status", "version"}

// CompileSchema compiles each definition of the schema file; closed adds
// unevaluatedProperties: false to every object schema but the shared
// report, whose users (diff, render, apply, check) close it themselves,
// so that a field printed but not described fails too. The $id must end
// in version.JSON: the two are raised together.
func CompileSchema(tb testing.TB, file string, closed bool) map[string]*jsonschema.Schema {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	id, _ := doc.(map[string]any)["$id"].(string)
	if want := ":" + strconv.Itoa(version.JSON); !strings.HasSuffix(id, want) {
		tb.Fatalf("%s: $id %q does not end in %q (version.JSON): raise both together", file, id, want)
	}
	if closed {
		closeObjects(doc, true)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		tb.Fatal(err)
	}
	out := map[string]*jsonschema.Schema{}
	for _, def := range SchemaDefs {
		if out[def], err = c.Compile(id + "#/$defs/" + def); err != nil {
			tb.Fatalf("%s: %v", def, err)
		}
	}
	if _, err := c.Compile(id); err != nil {
		tb.Fatal(err)
	}
	return out
}

// ValidateJSON checks one --json output against def, open and closed.
func ValidateJSON(tb testing.TB, file, def, out string) {
	tb.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		tb.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, closed := range []bool{false, true} {
		if err := CompileSchema(tb, file, closed)[def].Validate(inst); err != nil {
			tb.Errorf("does not match #/$defs/%s (closed: %v): %v\n%s", def, closed, err, out)
		}
	}
}

func closeObjects(v any, top bool) {
	switch v := v.(type) {
	case map[string]any:
		_, props := v["properties"]
		_, ref := v["$ref"]
		if props || ref {
			v["unevaluatedProperties"] = false
		}
		for k, sub := range v {
			if top && k == "$defs" {
				defs := sub.(map[string]any)
				for name, d := range defs {
					closeObjects(d, false)
					if name == "report" {
						delete(d.(map[string]any), "unevaluatedProperties")
					}
				}
				continue
			}
			closeObjects(sub, false)
		}
	case []any:
		for _, sub := range v {
			closeObjects(sub, false)
		}
	}
}
