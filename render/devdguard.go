package render

import (
	"regexp"
	"strings"
)

// DevdBaseFile is the base system's devd rule file whose priority-10
// rules the rendered ones preempt (sbin/devd/hyperv.conf, installed in
// /etc/devd).
const DevdBaseFile = "/etc/devd/hyperv.conf"

// Guard is one extra `match` of the base ETHERNET/IFATTACH rule.
type Guard struct{ Var, Re string }

// notifyBlock is one `notify N { ... };` statement of a devd file.
var (
	notifyBlock = regexp.MustCompile(`(?s)notify\s+\d+\s*\{(.*?)\};`)
	matchLine   = regexp.MustCompile(`(?m)^\s*match\s+"([^"]*)"\s+"([^"]*)"\s*;`)
	// What a guard may hold to be copied into the rendered file: a
	// variable name as devd reads one (devd.cc is_id_char) and a plain
	// regex, nothing that could end the string or the statement.
	guardVar = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]{0,63}$`)
	guardRe  = regexp.MustCompile(`^[A-Za-z0-9_.|()*+?\[\]^$!-]{1,128}$`)
)

// devdGuards returns the matches of the base system's own
// ETHERNET/IFATTACH rule besides system and type, so that the rendered
// rule that preempts it fires exactly where it would. FreeBSD 12.1's
// hyperv.conf has none; main's (sbin/devd/hyperv.conf @ 47e79d7ffbdd)
// matches "vm_guest" "hv". devd and hyperv.conf ship together in one base
// system, so a variable the base rule matches on is one that system's
// devd sets: copying the root's own guard never matches on a variable
// the running devd lacks (an unset one reads as "", devd.cc
// get_variable, and the rule would never fire). No file: no guard.
func devdGuards(base []byte) []Guard {
	var out []Guard
	for _, m := range notifyBlock.FindAllSubmatch(base, -1) {
		var guards []Guard
		var system, typ string
		for _, l := range matchLine.FindAllSubmatch(stripComments(m[1]), -1) {
			switch v, re := string(l[1]), string(l[2]); v {
			case "system":
				system = re
			case "type":
				typ = re
			default:
				if guardVar.MatchString(v) && guardRe.MatchString(re) {
					guards = append(guards, Guard{v, re})
				}
			}
		}
		if system == "ETHERNET" && typ == "IFATTACH" && strings.Contains(string(m[1]), "hyperv_vfattach") {
			out = append(out, guards...)
		}
	}
	return out
}

// stripComments drops devd.conf's # comments (to the end of the line).
func stripComments(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if j := strings.IndexByte(l, '#'); j >= 0 {
			lines[i] = l[:j]
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
