//go:build !unix

package apply

import "io"

// Syslog: there is no syslog(3) here.
func Syslog() io.Writer { return nil }
