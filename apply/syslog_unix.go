//go:build unix

package apply

import (
	"io"
	"log/syslog"
)

// Syslog returns a writer that sends each line to syslog(3) with the tag
// hvnetconf (facility daemon), or nil when there is no syslogd to talk to.
func Syslog() io.Writer {
	w, err := syslog.New(syslog.LOG_INFO|syslog.LOG_DAEMON, "hvnetconf")
	if err != nil {
		return nil
	}
	return w
}
