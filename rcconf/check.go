package rcconf

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// allowedBuiltins are the only commands a configuration file may run besides
// its own functions. Each one only touches the shell's own state: variables,
// positional parameters, control flow, or output that rcconf throws away.
// Left out on purpose: cd (would move relative paths), exit/exec/trap/kill/
// wait/umask/command/type/alias (leave the shell, run code later or run
// programs), declare/typeset/let/[[ (bash only).
var allowedBuiltins = map[string]bool{
	":": true, "true": true, "false": true, "test": true, "[": true,
	"echo": true, "printf": true,
	"export": true, "readonly": true, "local": true, "unset": true,
	"set": true, "shift": true, "read": true,
	"break": true, "continue": true, "return": true,
	".": true, "source": true, "eval": true,
}

// Internal commands that rcconf inserts into the syntax tree; the call
// handler answers them. The colon keeps them out of any name a file can
// define or call.
const (
	cmdTick  = "rcconf:tick"  // top of every loop body: steps, memory, time
	cmdEnter = "rcconf:enter" // top of every function body: nesting depth
	cmdLeave = "rcconf:leave" // end of every function body: nesting depth
	cmdMatch = "rcconf:match" // before every statement that matches: its cost
	cmdProbe = "rcconf:probe" // captures a live view of the global variables
	// cmdStatus N is a function that returns N, through cmdReturn: a tick
	// leaves $? as it found it (statusArgs).
	cmdStatus = "rcconf:status"
	cmdReturn = "rcconf:return"
)

// refusal is one construct rcconf will not run, in top-level statement stmt.
// A call of a command that is neither a builtin nor a function of the same
// file names it in unless: a function an earlier file defined makes the
// call good (see checked.refusalsWith).
type refusal struct {
	stmt   int
	pos    syntax.Pos
	msg    string
	unless string
}

// checker walks a parsed file (or eval text) and lists what is refused.
type checker struct {
	funcs    map[string]bool // functions the file declares
	stmt     int
	refusals []refusal
}

func (c *checker) refuse(pos syntax.Pos, format string, args ...any) {
	c.refusals = append(c.refusals, refusal{stmt: c.stmt, pos: pos, msg: fmt.Sprintf(format, args...)})
}

// checkFile returns the functions f declares and every refusal in f. It
// depends on nothing but f, so that its answer can be kept with the tree.
func checkFile(f *syntax.File) ([]string, []refusal) {
	c := &checker{funcs: map[string]bool{}}
	var funcs []string
	for n := range preorder(f) {
		if fd, ok := n.(*syntax.FuncDecl); ok && fd.Name != nil {
			c.funcs[fd.Name.Value] = true
			funcs = append(funcs, fd.Name.Value)
		}
	}
	for i, st := range f.Stmts {
		c.stmt = i
		c.walk(st, false)
	}
	return funcs, c.refusals
}

// walk checks node; inFunc says whether it sits inside a function body,
// where return is meaningful.
func (c *checker) walk(node syntax.Node, inFunc bool) {
	walk(node, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.FuncDecl:
			switch {
			case n.RsrvWord || !n.Parens:
				c.refuse(n.Pos(), "the function keyword is bash-only")
			case n.Name == nil || !validName(n.Name.Value):
				c.refuse(n.Pos(), "a function needs a plain name")
			}
			c.walk(n.Body, true)
			return false
		case *syntax.Stmt:
			c.stmtFlags(n)
		case *syntax.CallExpr:
			c.call(n, inFunc)
		case *syntax.CaseItem:
			for _, w := range n.Patterns {
				if msg := patternLimit(w); msg != "" {
					c.refuse(w.Pos(), "%s", msg)
				}
			}
		case *syntax.ParamExp:
			var pats []*syntax.Word
			if n.Exp != nil {
				switch n.Exp.Op {
				case syntax.RemSmallPrefix, syntax.RemLargePrefix, syntax.RemSmallSuffix, syntax.RemLargeSuffix:
					pats = append(pats, n.Exp.Word)
				}
			}
			if n.Repl != nil {
				pats = append(pats, n.Repl.Orig)
			}
			for _, w := range pats {
				if msg := patternLimit(w); msg != "" {
					c.refuse(n.Pos(), "%s", msg)
				}
			}
			if n.Param != nil && unstable[n.Param.Value] {
				c.refuse(n.Pos(), "$%s differs on every run (a process ID or a random number); a rendered value must not depend on it", n.Param.Value)
			}
			if msg := refusedNode(n); msg != "" {
				c.refuse(n.Pos(), "%s", msg)
			}
		case *syntax.Word:
			if tildeUser(n) {
				// sh looks the user up in the password database; the
				// interpreter would read the host's, not the image's.
				c.refuse(n.Pos(), "~user needs the password database, which hvnetconf does not read")
			}
		default:
			if msg := refusedNode(n); msg != "" {
				c.refuse(n.Pos(), "%s", msg)
			}
		}
		return true
	})
}

func (c *checker) stmtFlags(st *syntax.Stmt) {
	if st.Background {
		c.refuse(st.Pos(), "background commands (&) are not allowed")
	}
	if st.Coprocess {
		c.refuse(st.Pos(), "coprocesses are not allowed")
	}
	for _, r := range st.Redirs {
		if msg := refusedRedirect(r); msg != "" {
			c.refuse(r.Pos(), "%s", msg)
		}
	}
}

// refusedNode names the constructs refused wherever they appear.
func refusedNode(n syntax.Node) string {
	switch n := n.(type) {
	case *syntax.CmdSubst:
		if n.Backquotes {
			return "command substitution (backticks) is not allowed"
		}
		return "command substitution is not allowed"
	case *syntax.ProcSubst:
		return "process substitution is not allowed"
	case *syntax.Subshell:
		return "subshells are not allowed (they cannot set variables)"
	case *syntax.BinaryCmd:
		if n.Op == syntax.Pipe || n.Op == syntax.PipeAll {
			return "pipelines are not allowed (they cannot set variables)"
		}
	case *syntax.DeclClause:
		switch n.Variant.Value {
		case "export", "readonly", "local":
		default:
			return n.Variant.Value + " is bash-only"
		}
	case *syntax.TestClause:
		return "[[ is bash-only"
	case *syntax.ArithmCmd:
		return "(( is bash-only"
	case *syntax.LetClause:
		return "let is bash-only"
	case *syntax.TimeClause:
		return "time is not allowed"
	case *syntax.CoprocClause:
		return "coprocesses are not allowed"
	case *syntax.TestDecl:
		return "@test is not shell"
	case *syntax.ExtGlob:
		return "extended globs are bash-only"
	}
	return ""
}

// refusedRedirect allows reading anything (under the root) and writing
// only to /dev/null or to another descriptor.
func refusedRedirect(r *syntax.Redirect) string {
	switch r.Op {
	case syntax.RdrIn, syntax.Hdoc, syntax.DashHdoc, syntax.DplIn:
		return ""
	case syntax.DplOut:
		if w := r.Word.Lit(); w == "-" || isDigits(w) || w == "/dev/null" {
			return ""
		}
	case syntax.RdrOut, syntax.AppOut, syntax.RdrClob, syntax.RdrAll, syntax.AppAll:
		if r.Word.Lit() == "/dev/null" {
			return ""
		}
	}
	return fmt.Sprintf("redirection %s %s is not allowed (nothing may be written)", r.Op, wordText(r.Word))
}

func (c *checker) call(ce *syntax.CallExpr, inFunc bool) {
	if len(ce.Args) == 0 {
		return
	}
	name := ce.Args[0].Lit()
	if n := len(ce.Assigns); name == "" && n > 0 && ce.Assigns[n-1].Value == nil && !ce.Assigns[n-1].Append {
		// NAME= "v": sh runs v with NAME empty; say what was meant.
		first := wordText(ce.Args[0])
		c.refuse(ce.Pos(), "%s", notAllowed(first)+assignHint([]string{first}, ce.Assigns[n-1].Name.Value))
		return
	}
	if name == "" {
		return // computed name: the call handler checks it when it runs
	}
	switch {
	case name == "return" && !inFunc:
		c.refuse(ce.Pos(), "return outside a function is not supported")
	case strings.HasPrefix(name, "rcconf:"):
		c.refuse(ce.Pos(), "command %s is not allowed", name)
	case allowedBuiltins[name], c.funcs[name]:
	default:
		words := make([]string, len(ce.Args))
		for i, w := range ce.Args {
			words[i] = wordText(w)
		}
		emptied := ""
		if n := len(ce.Assigns); n > 0 && ce.Assigns[n-1].Value == nil && !ce.Assigns[n-1].Append {
			emptied = ce.Assigns[n-1].Name.Value
		}
		c.refuse(ce.Pos(), "%s", notAllowed(name)+assignHint(words, emptied))
		c.refusals[len(c.refusals)-1].unless = name
	}
}

// assignHint is "; did you mean NAME=VALUE?" for a command that is an
// assignment mistyped, as sh reads it: NAME ="v" (runs NAME), NAME= "v"
// (sets NAME empty and runs v: emptied names NAME) and "NAME "=v (a name
// with a space is no name, so the word is a command).
func assignHint(words []string, emptied string) string {
	const tail = " (sh takes no space around = and no quotes in a name)"
	switch {
	case emptied != "" && len(words) > 0:
		return "; did you mean " + emptied + "=" + words[0] + "?" + tail
	case len(words) > 2 && validName(words[0]) && words[1] == "=":
		return "; did you mean " + words[0] + "=" + words[2] + "?" + tail
	case len(words) > 1 && validName(words[0]) && strings.HasPrefix(words[1], "="):
		return "; did you mean " + words[0] + words[1] + "?" + tail
	}
	if lhs, rhs, ok := strings.Cut(words[0], "="); ok {
		if name := strings.Trim(strings.TrimSpace(lhs), `"'`); name != lhs && validName(name) {
			return "; did you mean " + name + "=" + rhs + "?" + tail
		}
	}
	return ""
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// wordText prints a word for a message, without risking a huge line.
func wordText(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	var sb strings.Builder
	syntax.NewPrinter().Print(&sb, w)
	s := sb.String()
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// notAllowed explains why a command name is refused.
func notAllowed(name string) string {
	if interp.IsBuiltin(name) {
		return "builtin " + name + " is not allowed"
	}
	return "command " + name + " is not allowed (rcconf runs no programs)"
}

// validName is a POSIX name: what sh accepts for variables and functions.
func validName(s string) bool {
	for i, r := range s {
		if r != '_' && !(r >= 'a' && r <= 'z') && !(r >= 'A' && r <= 'Z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return s != ""
}

// tildeUser reports a tilde-prefix naming a user (~name, also after a
// colon as in PATH-like assignments): sh(1) "Tilde Expansion". A bare ~ or
// ~/ is $HOME, which the evaluation sets itself.
func tildeUser(w *syntax.Word) bool {
	for i, part := range w.Parts {
		lit, ok := part.(*syntax.Lit)
		if !ok {
			continue
		}
		v := lit.Value
		if i == 0 && named(v) {
			return true
		}
		for j := strings.Index(v, ":~"); j >= 0; j = strings.Index(v, ":~") {
			v = v[j+1:]
			if named(v) {
				return true
			}
			v = v[1:]
		}
	}
	return false
}

// named: v starts with ~ and a user name (anything but / or the end).
func named(v string) bool {
	return strings.HasPrefix(v, "~") && len(v) > 1 && v[1] != '/' && v[1] != ':'
}

// unstable are the parameters whose value changes from run to run: the
// interpreter provides bash's RANDOM and SRANDOM (FreeBSD's sh has neither)
// and this process's IDs.
var unstable = map[string]bool{"RANDOM": true, "SRANDOM": true, "PPID": true, "$": true, "!": true, "BASHPID": true}
