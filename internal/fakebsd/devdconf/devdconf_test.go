package devdconf

import "testing"

// devd.conf's lexer (token.l): a backslash-newline joins lines and drops
// the indentation after it; other backslashes stay.
func TestDevdStrings(t *testing.T) {
	toks := tokenize("set re \"(ath|\\\n\t\trun)[0-9]+\"; match \"x\" \"a\\.b\";")
	var got []string
	for _, tk := range toks {
		if tk.quoted {
			got = append(got, tk.s)
		}
	}
	if len(got) != 3 || got[0] != "(ath|run)[0-9]+" || got[2] != `a\.b` {
		t.Errorf("strings %q", got)
	}
	m, err := newMatch("subsystem", "!(usbus|wlan)[0-9]+", nil)
	if err != nil || !m.Negate || !m.RE.MatchString("wlan0") || m.RE.MatchString("xwlan0") {
		t.Errorf("negated match: %+v %v", m, err)
	}
}

// devd.cc's expansion of an action: $$, $(...) passed through, a $ before
// anything but a name stays, names of letters, digits, _ and -, unset
// names empty, and every value one shell word ($'...', ' and \\ escaped).
func TestExpand(t *testing.T) {
	vars := map[string]string{"x-y": "V", "q": `it's a \ b`, "*": "!ev"}
	cases := []struct{ in, want string }{
		{"a $$ b $x-y ${z} $1", "a $ b $'V' ${z} $1"},
		{"$(echo (x)) $q", "$(echo (x)) $'it\\'s a \\\\ b'"},
		{"$* $unset end$", "$'!ev' $'' end$"},
	}
	for _, c := range cases {
		if got := Expand(c.in, vars); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// process_event's variables for a notify event: the pairs (a quoted value
// with \" in it), *, _ and timestamp, and nothing else.
func TestEvent(t *testing.T) {
	v := Event(`system=IFNET subsystem=hn0 type=LINK_UP note="a \"b\" c" bad word=x`)
	want := map[string]string{"system": "IFNET", "subsystem": "hn0", "type": "LINK_UP", "note": `a "b" c`,
		"*": `!system=IFNET subsystem=hn0 type=LINK_UP note="a \"b\" c" bad word=x`,
		"_": `system=IFNET subsystem=hn0 type=LINK_UP note="a \"b\" c" bad word=x`}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("$%s = %q, want %q", k, v[k], w)
		}
	}
	if _, ok := v["word"]; ok {
		t.Errorf("chop_var goes on after a word without =: %q", v)
	}
	if v["timestamp"] == "" || len(v) != len(want)+1 {
		t.Errorf("variables %q", v)
	}
}
