// Package devdconf is devd(8)'s configuration and event handling, as
// sbin/devd/devd.cc and token.l/parse.y do them, for the emulated devd
// (internal/fakebsd) and the conformance harness. Versions read: devd.cc
// of the 12 branch (the TrueOS 12-CURRENT snapshot maxsteciuk/trueos@782da3ae,
// which FreeBSD 12.1 shipped unchanged in these functions) and of main
// (fel1x-developer/freebsd-src@2d614aa2, a FreeBSD 15-era fork of main);
// where they differ it says so. It never runs anything.
package devdconf

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Rule is one devd.conf(5) notify statement.
type Rule struct {
	File     string // where it was read, e.g. /etc/devd/hyperv.conf:12
	Priority int
	Matches  []Match
	Media    string   // media-type, "" if none
	Actions  []string // run in order (event_proc::run)
}

// Match is `match "VAR" "RE"`: RE is anchored, and a leading ! negates.
type Match struct {
	Var    string
	Negate bool
	RE     *regexp.Regexp
}

// Config is devd's configuration as devd(8) reads it: /etc/devd.conf, then
// every *.conf in each `directory` it names, notify rules sorted by
// priority, highest first (devd.cc config::parse, sort_vector: a
// stable_sort, so rules of equal priority keep the order read).
type Config struct {
	Rules []Rule
	Vars  map[string]string // options { set NAME "VALUE"; }
}

// Load reads the devd configuration under root ("/" inside a sandbox).
func Load(root string) (*Config, error) {
	d := &Config{Vars: map[string]string{}}
	dirs, err := d.parseFile(root, "/etc/devd.conf")
	if err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		ents, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			continue // parse_files_in_dir skips a directory it cannot open
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
// priority order; nil if none (config::find_and_execute).
func (d *Config) Select(vars map[string]string, media func(ifname string) string) *Rule {
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
		// media::do_match asks SIOCGIFMEDIA of device-name, or, when that
		// is empty (notify events), of subsystem.
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

// Event is the variables devd sets for one notify event, given as the
// kernel queues it without the leading '!' ("system=IFNET subsystem=hn0
// type=LINK_UP"): process_event sets $* (the whole line, '!' included),
// $_ (the line without it) and $timestamp, then each k=v pair
// (config::set_vars, chop_var). Nothing else: no vm_guest, no sysctl; an
// unset name reads as "" (config::get_variable). Both versions read.
func Event(line string) map[string]string {
	now := time.Now()
	vars := map[string]string{
		"*":         "!" + line,
		"_":         line,
		"timestamp": fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000),
	}
	for rest := line; ; {
		k, v, next, ok := chopVar(rest)
		if !ok {
			return vars
		}
		vars[k], rest = v, next
	}
}

// chopVar is config::chop_var: NAME (letters, digits, _ and -) '=' then a
// value up to the next blank, or a "quoted" value in which \" stands for
// a quote (var_list::fix_value drops the backslash). It stops at the
// first word that is not NAME=.
func chopVar(s string) (k, v, rest string, ok bool) {
	i := 0
	for i < len(s) && isIDChar(s[i]) {
		i++
	}
	if s == "" || i >= len(s) || s[i] != '=' {
		return "", "", "", false
	}
	k, s = s[:i], s[i+1:]
	if strings.HasPrefix(s, `"`) {
		j := 1
		for j < len(s) && s[j] != '"' {
			if s[j] == '\\' && j+1 < len(s) && s[j+1] == '"' {
				j++
			}
			j++
		}
		if j >= len(s) {
			return "", "", "", false
		}
		v, s = strings.ReplaceAll(s[1:j], `\"`, `"`), s[j+1:]
	} else {
		j := strings.IndexAny(s, " \t\n")
		if j < 0 {
			j = len(s)
		}
		v, s = s[:j], s[j:]
	}
	return k, v, strings.TrimLeft(s, " \t\n"), true
}

// Expand is an action after config::expand_string: each $name is
// replaced by its value shell-quoted as config::shell_quote does
// ($'...' with ' and \ escaped), so a value is one word whatever it
// holds. Both versions read quote (the 12 branch already did).
func Expand(s string, vars map[string]string) string {
	return expand(s, vars, shellQuote)
}

func shellQuote(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "$'" + r.Replace(v) + "'"
}

// expand is config::expand_one over s: $$ is $; $( ... ) passes through
// to the balanced ) (main; the 12 branch's loop differs only there, and
// no rule run here uses it); a $ before anything but a letter, _, - or *
// stays; a name is that first character then letters, digits, _ and -.
func expand(s string, vars map[string]string, quote func(string) string) string {
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
		case c == '(':
			depth, j := 0, i
			for ; j < len(s); j++ {
				if s[j] == '(' {
					depth++
				} else if s[j] == ')' {
					depth--
				}
				if depth == 0 {
					break
				}
			}
			j = min(j, len(s)-1)
			b.WriteString("$" + s[i:j+1])
			i = j
		case !isAlpha(c) && c != '_' && c != '-' && c != '*':
			b.WriteByte('$')
			b.WriteByte(c)
		default:
			j := i + 1
			for j < len(s) && isIDChar(s[j]) {
				j++
			}
			b.WriteString(quote(vars[s[i:j]]))
			i = j - 1
		}
	}
	return b.String()
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isIDChar(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' || c == '_' || c == '-' }

// parseFile reads one devd.conf(5) file and returns the directories its
// options name.
func (d *Config) parseFile(root, name string) ([]string, error) {
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
func (p *devdParser) options(d *Config) ([]string, error) {
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
func (p *devdParser) statement(d *Config, head token) (Rule, error) {
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
			r.Actions = append(r.Actions, p.next().s)
		default:
			return r, p.errorf(t, "unknown statement %q", t.s)
		}
		if err := p.expect(";"); err != nil {
			return r, err
		}
	}
}

// newMatch is devd.cc's match constructor: a leading ! on the raw pattern
// negates, the rest is expanded (unquoted: expand_string with a prefix)
// and anchored as "^" + RE + "$" (without a group, as devd does: a
// top-level | binds looser than the anchors), compiled REG_EXTENDED |
// REG_NOSUB | REG_ICASE: case-insensitive, in both versions read.
func newMatch(v, raw string, vars map[string]string) (Match, error) {
	m := Match{Var: v}
	if m.Negate = strings.HasPrefix(raw, "!"); m.Negate {
		raw = raw[1:]
	}
	re, err := regexp.Compile("(?i)^" + expand(raw, vars, func(v string) string { return v }) + "$")
	if err != nil {
		return m, fmt.Errorf("bad regex %q: %v", raw, err)
	}
	m.RE = re
	return m, nil
}
