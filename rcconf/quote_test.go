package rcconf

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// randomValue draws a string rich in what sh treats specially.
func randomValue(r *rand.Rand, alphabet []string) string {
	n := r.IntN(40)
	var s string
	for range n {
		s += alphabet[r.IntN(len(alphabet))]
	}
	return s
}

var specials = []string{`"`, `'`, `$`, `\`, "`", "\n", "\t", " ", "$(", "${", "}", "#", "*", "?", "[", "~", "!",
	"a", "Z", "0", "é", "世", "🙂", ";", "&", "|", "<", ">", "\\\n", "$a", "\r"}

// TestQuoteRoundTrip: Assignment's output, loaded back, gives the value.
func TestQuoteRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		// mvdan's parser reads CR LF as LF (see TestCRLF), so keep a CR away
		// from a following LF here.
		value := strings.ReplaceAll(randomValue(r, specials), "\r\n", "\r.\n")
		e, err := load(t, rcOnly("a=AAA\n"+Assignment("V", value)+"\n"))
		if err != nil {
			t.Fatalf("case %d %q: %v", i, value, err)
		}
		if got, _ := e.Get("V"); got != value {
			t.Fatalf("case %d: got %q, want %q (file %q)", i, got, value, Assignment("V", value))
		}
	}
}

// TestQuoteDash: dash reads Quote's output back byte for byte, any bytes
// but NUL (no sh variable can hold one) included.
func TestQuoteDash(t *testing.T) {
	dash := dashPath(t)
	r := rand.New(rand.NewPCG(3, 4))
	dir := t.TempDir()
	for i := range 200 {
		value := randomValue(r, specials)
		for range r.IntN(4) {
			value += string([]byte{byte(1 + r.IntN(255))})
		}
		file := filepath.Join(dir, "conf")
		if err := os.WriteFile(file, []byte(Assignment("V", value)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(dash, "-c", `. "$1"; printf %s "$V"`, "sh", file).Output()
		if err != nil || string(out) != value {
			t.Fatalf("case %d: dash gave %q (%v), want %q", i, out, err, value)
		}
	}
}

func dashPath(t *testing.T) string {
	t.Helper()
	return testtool.Need(t, "dash")
}

// TestCRLF: a file with CR LF line ends gets a finding, since sh would keep
// each CR in the values and rcconf does not.
func TestCRLF(t *testing.T) {
	e, err := load(t, rcOnly("a=1\r\nb=2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := e.Findings()
	if len(f) != 1 || f[0].File != "/etc/rc.conf" || f[0].Line != 1 || !strings.Contains(f[0].Message, "CR LF") {
		t.Errorf("findings %v", f)
	}
}

// TestCRLFSaysWhatShDoes: the finding speaks of FreeBSD's sh (the CR stays
// in the value, so DHCP is not DHCP), not of rcconf's parser.
func TestCRLFSaysWhatShDoes(t *testing.T) {
	e, err := load(t, rcOnly("ifconfig_hn0=\"DHCP\"\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := e.Findings()
	want := `CR LF line ends: FreeBSD's sh keeps each CR as part of the line, so values end in a CR ("DHCP\r" is not DHCP); first such line: ifconfig_hn0="DHCP"\r; save the file with LF line ends (hvnetconf vars shows the values as sh holds them)`
	if len(f) != 1 || f[0].Message != want || f[0].Severity != finding.Error {
		t.Errorf("findings %v, want an error %q", f, want)
	}
}

// TestCRLFValuesAsShHoldsThem: the CR before LF stays in a word, as
// FreeBSD's sh (bin/sh/parser.c, CR is no blank) leaves it; a CR after a
// blank or alone on a line sets nothing; a keyword with a CR is no
// keyword, so the file does not parse, as in sh.
func TestCRLFValuesAsShHoldsThem(t *testing.T) {
	e, err := load(t, rcOnly("a=DHCP\r\nb=\"DHCP\"\r\nc='x\r\ny'\r\n\r\nd=1 \r\n# note\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"a": "DHCP\r", "b": "DHCP\r", "c": "x\r\ny\r", "d": "1"} {
		if got, _ := e.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, err := load(t, rcOnly("if true; then a=1; fi\r\n")); err == nil {
		t.Error("fi<CR> parsed as fi")
	}
}
