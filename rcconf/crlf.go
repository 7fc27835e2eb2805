package rcconf

import (
	"bytes"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/internal/termsafe"
)

// crMark stands in for a CR of a CR LF line end while a file is parsed.
// FreeBSD's sh (bin/sh/parser.c) treats CR as an ordinary character, so
// ifconfig_hn0="DHCP"<CR> sets "DHCP\r"; mvdan.cc/sh drops a CR before
// LF. A character of the private use area parses as sh parses the CR (a
// word character), and values get their CR back (origins.vars). A file
// holding crMark itself is refused (checkText).
const crMark = "\uE00D"

// keepCR marks each CR that ends a word (the CR sh keeps in the value, or
// in a keyword, which then fails to parse as in sh). A CR after a blank or
// alone on its line would be a command named CR to sh ("not found", the
// script goes on): it is dropped, as nothing is set by it.
func keepCR(data []byte) []byte {
	if !bytes.Contains(data, []byte("\r\n")) {
		return data
	}
	var b bytes.Buffer
	for i := 0; i < len(data); i++ {
		if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
			if i > 0 && !strings.ContainsRune(" \t\n", rune(data[i-1])) {
				b.WriteString(crMark)
			}
			continue
		}
		b.WriteByte(data[i])
	}
	return b.Bytes()
}

// crlfFinding is the error a file with CR LF line ends gets: the render
// refuses it (every value on such a line carries a CR netif would pass to
// ifconfig), naming the first such line as it is.
func crlfFinding(file string, data []byte) (finding.Finding, bool) {
	i := bytes.Index(data, []byte("\r\n"))
	if i < 0 {
		return finding.Finding{}, false
	}
	start := bytes.LastIndexByte(data[:i], '\n') + 1
	line := string(data[start : i+1])
	return finding.Finding{File: file, Line: 1 + bytes.Count(data[:i], []byte("\n")), Severity: finding.Error,
		Message: "CR LF line ends: FreeBSD's sh keeps each CR as part of the line, so values end in a CR (\"DHCP\\r\" is not DHCP); first such line: " +
			termsafe.Line(line) + "; save the file with LF line ends (hvnetconf vars shows the values as sh holds them)"}, true
}
