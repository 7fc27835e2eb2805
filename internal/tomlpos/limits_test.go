package tomlpos

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

func TestLimits(t *testing.T) {
	r := strings.Repeat
	nest := func(n int) string { return "x = " + r("{a=", n-1) + "1" + r("}", n-1) + "\n" }
	keys := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "k%d = 1\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name, src, want string // want "" = within the limits
	}{
		{"size", r("#", MaxSize+1), "f.toml: 1048577 bytes (limit: documents larger than 1048576 bytes)"},
		{"size at limit", r("#", MaxSize), ""},
		{"inline tables at limit", nest(32), ""},
		{"inline tables", nest(33), "f.toml:1: nested too deep (limit: nesting deeper than 32)"},
		{"the reported 10,000", "\n" + nest(10000), "f.toml:2: nested too deep (limit: nesting deeper than 32)"},
		{"arrays at limit", "x = " + r("[", 32) + r("]", 32), ""},
		{"arrays", "x = " + r("[", 33) + r("]", 33), "f.toml:1: nested too deep"},
		{"arrays over lines", "x = [\n" + r("[\n", 40) + r("]\n", 40) + "]", "f.toml:33: nested too deep"},
		{"dotted key at limit", r("a.", 31) + "a = 1", ""},
		{"dotted key", r("a.", 32) + "a = 1", "f.toml:1: nested too deep"},
		{"quoted dotted key", r(`"a".`, 32) + "'a' = 1", "f.toml:1: nested too deep"},
		{"header", "[" + r("a.", 32) + "a]", "f.toml:1: nested too deep"},
		{"array of tables header", "[[" + r("a.", 32) + "a]]", "f.toml:1: nested too deep"},
		{"header adds to keys", "[" + r("a.", 16) + "a]\n" + r("b.", 15) + "b = 1", "f.toml:2: nested too deep"},
		{"header does not last", "[" + r("a.", 31) + "a]\n[b]\n" + r("b.", 30) + "b = 1", ""},
		{"key in inline tables", "x = " + r("{a=", 31) + "{b.c=1}" + r("}", 31), "f.toml:1: nested too deep"},
		{"brackets in strings", `x = "` + r("{[", 100) + `"` + "\ny = '" + r("[", 100) + "'\n", ""},
		{"brackets in multi-line strings", "x = \"\"\"\n" + r("{[\n", 100) + "\\\"\"\"\"\"\"\ny = '''" + r("[", 100) + "''''\n", ""},
		{"brackets in comments", "x = 1 # " + r("[", 100) + "\n# " + r("{", 100) + "\ny = [ # [[[[\n1]\n", ""},
		{"escaped quote", `x = "\"` + r("[", 40) + `"`, ""},
		{"brackets after a multi-line string", "x = \"\"\"a\nb\"\"\"\ny = " + r("[", 40), "f.toml:3: nested too deep"},
		{"keys at limit", keys(MaxKeys), ""},
		{"keys", keys(MaxKeys + 1), "f.toml:1025: too many keys (limit: more than 1024 keys and tables)"},
		{"tables", r("[t]\n", MaxKeys+1), "f.toml:1025: too many keys"},
		{"inline keys", "x = {" + r("a=1,", MaxKeys) + "}", "f.toml:1: too many keys"},
		{"elements at limit", "x = [" + r("1,", MaxElements-1) + "1]", ""},
		{"elements", "x = [" + r("1,", MaxElements) + "1]", "f.toml:1: too many array elements (limit: more than 4096 array elements)"},
		{"key length at limit", r("k", MaxKey) + " = 1", ""},
		{"key length", r("k", MaxKey+1) + " = 1", "f.toml:1: key too long (limit: keys longer than 128 bytes)"},
		{"quoted key length", "\n\"" + r("k", MaxKey) + "\" = 1", "f.toml:2: key too long"},
		{"header key length", "[a.'" + r("k", MaxKey) + "']", "f.toml:1: key too long"},
		{"string at limit", "s = '" + r("v", MaxString-2) + "'", ""},
		{"string", "s = '" + r("v", MaxString-1) + "'", "f.toml:1: string too long (limit: strings longer than 1024 bytes)"},
		{"multi-line string", "\ns = \"\"\"\n" + r("v\n", MaxString) + "\"\"\"", "f.toml:2: string too long"},
	}
	// No clock here (a loaded machine made a 1 s bound fail at the limit
	// size): the bounds are the counted limits each case asserts.
	for _, tt := range tests {
		_, _, err := Parse("f.toml", []byte(tt.src), sysexits.DataErr)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || sysexits.Code(err) != sysexits.DataErr {
			t.Errorf("%s: got %v (code %d), want prefix %q, code 65", tt.name, err, sysexits.Code(err), tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: multi-line error %q", tt.name, err)
		}
	}
}
