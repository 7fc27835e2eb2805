// Package finding describes a problem or notice found in the inputs that does
// not stop hvnetconf, but that the user must see: a setting that would reach a
// VF, a rule that cannot be moved safely, a statement skipped in lenient mode.
package finding

import (
	"fmt"

	"github.com/hvnetconf/hvnetconf/internal/termsafe"
)

// Severity says how much a finding matters.
type Severity string

// Severities, from least to most serious.
const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Finding is one observation, located where the user can fix it.
type Finding struct {
	File     string   `json:"file,omitempty"` // logical path, e.g. /etc/rc.conf
	Line     int      `json:"line,omitempty"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

// String renders the finding as one line: "file:line: severity: message".
func (f Finding) String() string {
	file, msg := termsafe.Path(f.File), termsafe.Line(f.Message)
	switch {
	case f.File != "" && f.Line > 0:
		return fmt.Sprintf("%s:%d: %s: %s", file, f.Line, f.Severity, msg)
	case f.File != "":
		return fmt.Sprintf("%s: %s: %s", file, f.Severity, msg)
	default:
		return fmt.Sprintf("%s: %s", f.Severity, msg)
	}
}
