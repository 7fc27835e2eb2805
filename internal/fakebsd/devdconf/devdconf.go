package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"

	"sort"
	"strconv"
	"strings"
)

// Rule is one devd.conf(5) notify statement.
type Rule struct {
	File     string // where it was read, e.g. /etc/devd/hyperv.conf:12
	Priority int
	Matches  []Match
	Media    string // media-type, "" if none
	Action   string
}

// Match is `match "VAR" "RE"`: RE is anchored, and a leading ! negates.
type Match struct {
	Var    string
	Negate bool
	RE     *regexp.Regexp
}

// Devd is devd's configuration as devd(8) reads it: /etc/devd.conf, then
// every *.conf in each `directory` it names, notify rules sorted by
// priority, highest first (sbin/devd/devd.cc config::parse, sort_vector;
// rules of equal priority keep the order read, as a stable sort does).
type Devd struct {
	Rules []Rule
	Vars  map[string]string // options { set NAME "VALUE"; }
}

// loadDevd reads the devd configuration under root.
func loadDevd(root string) (*Devd, error) {
	d := &Devd{Vars: map[string]string{}}
	dirs, err := d.parseFile(root, "/etc/devd.conf")
	if err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		ents, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			continue // devd skips a directory it cannot open
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".conf") {
				if _, err := d.parseFile(root, filepath.Join(dir, e.Name())); err != nil {
					return nil, err
				}
			}
		}
	}
	sort.SliceStable(d.Rules, func(a, b int) bool { return d.Rules[a].Priority > d.Rules[b].Priority })
	return d, nil
}

// Select is the rule devd runs for a notify event: the first match in
// priority order; nil if none (devd.cc config::find_and_execute).
func (d *Devd) Select(vars map[string]string, media func(ifname string) string) *Rule {
	for k := range d.Rules {
		r := &d.Rules[k]
		if r.matches(vars, media) {
			return r
		}
	}
	return nil
}

func (r *Rule) matches(vars map[string]string, media func(string) string) bool {
	for _, m := range r.Matches {
		if m.RE.MatchString(vars[m.Var]) == m.Negate {
			return false
		}
	}
	if r.Media != "" {
		// devd.cc media::do_match asks SIOCGIFMEDIA of device-name (or,
		// for IFNET events, subsystem).
		name := vars["device-name"]
		if name == "" {
			name = vars["subsystem"]
		}
		if !strings.EqualFold(media(name), r.Media) {
			return false
		}
	}
	return true
}

// Expand substitutes $var in an action as devd.cc expand_string does:
// $$ is $, names are letters, digits, _ and -, unknown names are empty.
func Expand(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; {
		case c == '$':
			b.WriteByte('$')
		case !isAlpha(c):
			b.WriteByte('$')
			b.WriteByte(c)
		default:
			j := i
			for j < len(s) && (isAlpha(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '_' || s[j] == '-') {
				j++
			}
			b.WriteString(vars[s[i:j]])
			i = j - 1
		}
	}
	return b.String()
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parseFile reads one devd.conf(5) file and returns the directories its
// options name.
func (d *Devd) parseFile(root, name string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		return nil, err
	}
	p := &devdParser{toks: tokenize(string(b)), file: name}
	var dirs []string
	for !p.done() {
		t := p.next()
		switch t.s {
		case "options":
			ds, err := p.options(d)
			if err != nil {
				return nil, err
			}
			dirs = append(dirs, ds...)
		case "notify", "attach", "detach", "nomatch":
			r, err := p.statement(d, t)
			if err != nil {
				return nil, err
			}
			if t.s == "notify" {
				d.Rules = append(d.Rules, r)
			}
		default:
			return nil, p.errorf(t, "unexpected %q", t.s)
		}
	}
	return dirs, nil
}

type token struct {
	s      string
	quoted bool
	line   int
}

// tokenize splits devd.conf text into words, quoted strings (a backslash
// before a newline continues the string), and { } ; with # and //
// comments to the end of the line and /* */ comments.
func tokenize(s string) []token {
	var toks []token
	line := 1
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#' || strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				end = len(s) - i - 2
			}
			line += strings.Count(s[i:i+2+end], "\n")
			i += end + 4
		case c == '{' || c == '}' || c == ';':
			toks = append(toks, token{s: string(c), line: line})
			i++
		case c == '"':
			// token.l: a string runs to the next quote (no escapes); a
			// backslash-newline and the blanks after it are dropped, any
			// other backslash is kept.
			var b strings.Builder
			start := line
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' && i+1 < len(s) && s[i+1] == '\n' {
					line++
					i += 2
					for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
						i++
					}
					continue
				}
				if s[i] == '\n' {
					line++
				}
				b.WriteByte(s[i])
				i++
			}
			i++
			toks = append(toks, token{s: b.String(), quoted: true, line: start})
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n{};\"#", rune(s[j])) {
				j++
			}
			toks = append(toks, token{s: s[i:j], line: line})
			i = j
		}
	}
	return toks
}

type devdParser struct {
	toks []token
	k    int
	file string
}

func (p *devdParser) done() bool { return p.k >= len(p.toks) }

func (p *devdParser) next() token {
	if p.done() {
		return token{s: "<EOF>"}
	}
	p.k++
	return p.toks[p.k-1]
}

func (p *devdParser) errorf(t token, format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, t.line, fmt.Sprintf(format, a...))
}

func (p *devdParser) expect(s string) error {
	if t := p.next(); t.s != s || t.quoted {
		return p.errorf(t, "want %q, got %q", s, t.s)
	}
	return nil
}

// options { directory "D"; pid-file "F"; set NAME "V"; };
func (p *devdParser) options(d *Devd) ([]string, error) {
	var dirs []string
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	for {
		t := p.next()
		switch t.s {
		case "}":
			return dirs, p.expect(";")
		case "directory", "pid-file":
			v := p.next()
			if t.s == "directory" {
				dirs = append(dirs, v.s)
			}
		case "set":
			name, v := p.next(), p.next()
			d.Vars[name.s] = v.s
		default:
			return nil, p.errorf(t, "unknown option %q", t.s)
		}
		if err := p.expect(";"); err != nil {
			return nil, err
		}
	}
}

// notify N { match "V" "RE"; media-type "T"; action "CMD"; ... };
func (p *devdParser) statement(d *Devd, head token) (Rule, error) {
	r := Rule{File: fmt.Sprintf("%s:%d", p.file, head.line)}
	prio := p.next()
	n, err := strconv.Atoi(prio.s)
	if err != nil {
		return r, p.errorf(prio, "priority %q is not a number", prio.s)
	}
	r.Priority = n
	if err := p.expect("{"); err != nil {
		return r, err
	}
	for {
		t := p.next()
		switch t.s {
		case "}":
			return r, p.expect(";")
		case "match", "device-name", "class", "subdevice":
			// devd.y: device-name, class and subdevice are matches on the
			// variable of that name.
			v := t
			if t.s == "match" {
				v = p.next()
			}
			re := p.next()
			m, err := newMatch(v.s, re.s, d.Vars)
			if err != nil {
				return r, p.errorf(re, "%v", err)
			}
			r.Matches = append(r.Matches, m)
		case "media-type":
			r.Media = p.next().s
		case "action":
			r.Action = p.next().s
		default:
			return r, p.errorf(t, "unknown statement %q", t.s)
		}
		if err := p.expect(";"); err != nil {
			return r, err
		}
	}
}

// newMatch is devd.cc's match constructor: a leading ! on the raw pattern
// negates, the rest is expanded and anchored as "^" + RE + "$" (without a
// group, as devd does: a top-level | binds looser than the anchors).
func newMatch(v, raw string, vars map[string]string) (Match, error) {
	m := Match{Var: v}
	if m.Negate = strings.HasPrefix(raw, "!"); m.Negate {
		raw = raw[1:]
	}
	re, err := regexp.Compile("^" + Expand(raw, vars) + "$")
	if err != nil {
		return m, fmt.Errorf("bad regex %q: %v", raw, err)
	}
	m.RE = re
	return m, nil
}

// devdEvent is the variables of one notify event line
// ("system=IFNET subsystem=hn0 type=LINK_UP").
func devdEvent(line string) map[string]string {
	vars := map[string]string{}
	for _, kv := range strings.Fields(line) {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	return vars
}
