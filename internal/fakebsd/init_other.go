//go:build !linux

package fakebsd

import (
	"fmt"
	"io"
)

// sandboxInit needs Linux namespaces (see init.go).
func sandboxInit(_ []string, _, stderr io.Writer, _ func(string) string) int {
	fmt.Fprintln(stderr, "init: fakebsd: the sandbox needs Linux namespaces")
	return 69
}
