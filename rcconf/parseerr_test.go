package rcconf

import (
	"strings"
	"testing"
)

// TestParseErrorAtTheOpeningQuote: a quote never closed is reported where
// it opens, not where the parser gave up inside the runaway string.
func TestParseErrorAtTheOpeningQuote(t *testing.T) {
	head := "a=1\nb=2\nc=3\nd=4\ne=5\nf=6\ng=7\nifconfig_hn0=\"DHCP\nx=1\n"
	tests := []struct {
		name, files, want string
	}{
		{"runs into $(", head + "y=$(ls\n",
			"/etc/rc.conf:8:14: quote `\"` opened here is never closed (the parser read on to line 10: reached EOF without matching `$(` with `)`)"},
		{"runs into ${", head + "y=${x\n",
			"/etc/rc.conf:8:14: quote `\"` opened here is never closed (the parser read on to line 10: not a valid parameter expansion operator: \"\\n\")"},
		{"plain", head, "/etc/rc.conf:8:14: reached EOF without closing quote `\"`"},
		// The string opened on line 8 runs over x=1 and closes at line
		// 10's first quote; its second quote is the one left open.
		{"opened lines before", head + "y=\"z\"\n", "/etc/rc.conf:10:5: reached EOF without closing quote `\"`; the quoted string opened on line 8 runs on to this line: is its closing quote missing on line 8?"},
		{"closed later, real error", "a=\"x\ny\"\nb=$(x\n", "/etc/rc.conf:3:3: reached EOF without matching `$(` with `)`"},
		{"quote in a comment", "a=1 # don't\nb=$(x\n", "/etc/rc.conf:2:3: reached EOF without matching `$(` with `)`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, rcOnly(tt.files))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant  %s", err, tt.want)
			}
		})
	}
	// The same through `.`.
	files := rcOnly("a=1\n. /etc/inc.conf\n")
	files["/etc/inc.conf"] = head + "y=$(ls\n"
	_, err := load(t, files)
	if err == nil || !strings.HasPrefix(err.Error(), "/etc/inc.conf:8:14: quote") {
		t.Errorf(". file: err = %v", err)
	}
}

// TestFileNamesEscaped: names from rc.conf.d directories reach origins,
// findings and errors escaped, never as raw control characters.
func TestFileNamesEscaped(t *testing.T) {
	files := rcOnly("a=1\n")
	files["/etc/rc.conf.d/network/a\x1b[31mred"] = "x=1\n"
	files["/etc/rc.conf.d/network/b\nc"] = "y=\"1\"\r\n"
	e, err := load(t, files, "network")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Lookup("x"); v.Origin.String() != `"/etc/rc.conf.d/network/a\x1b[31mred":1` {
		t.Errorf("origin %s", v.Origin)
	}
	if f := e.Findings(); len(f) != 1 || !strings.HasPrefix(f[0].String(), `"/etc/rc.conf.d/network/b\nc":1: error: CR LF`) {
		t.Errorf("findings %v", f)
	}
	files["/etc/rc.conf.d/network/b\nc"] = "y=$(ls)\n"
	_, err = load(t, files, "network")
	if err == nil || err.Error() != `"/etc/rc.conf.d/network/b\nc":1:3: command substitution is not allowed` {
		t.Errorf("err = %v", err)
	}
}
