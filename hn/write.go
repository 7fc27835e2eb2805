package hn

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/sysexits"
)

// WriteTOML writes s in the snapshot format (package doc): keys in a fixed
// order, unknown values left out, no timestamps, so that the same state
// always gives the same bytes and Parse reads back an equal snapshot. A
// snapshot that Parse would reject is not written.
func (s *Snapshot) WriteTOML(w io.Writer) error {
	c := *s
	c.HN, c.Interfaces = slices.Clone(s.HN), slices.Clone(s.Interfaces) // normalize sorts
	c.normalize()
	if is := c.check(); is != nil {
		return sysexits.Errorf(sysexits.DataErr, "%s: %s: %s", s.Source, strings.Join(is.key, "."), is.msg)
	}
	b := bufio.NewWriter(w)
	c.writeTop(b)
	for _, i := range c.HN {
		i.write(b)
	}
	return b.Flush()
}

func (s *Snapshot) writeTop(b *bufio.Writer) {
	b.WriteString("# hvnetconf hn snapshot\n")
	if s.TransparentKnown {
		v := 0
		if s.Transparent {
			v = 1
		}
		fmt.Fprintf(b, "vf_transparent = %d\n", v)
	}
	if s.VFListKnown {
		fmt.Fprintf(b, "vflist = %s\n", quoteList(s.VFList))
	}
	if len(s.VFMap) > 0 {
		pairs := make([]string, 0, len(s.VFMap))
		for _, vf := range slices.Sorted(maps.Keys(s.VFMap)) {
			pairs = append(pairs, vf+" = "+strconv.Quote(s.VFMap[vf]))
		}
		fmt.Fprintf(b, "vfmap = { %s }\n", strings.Join(pairs, ", "))
	}
	if s.Interfaces != nil {
		fmt.Fprintf(b, "interfaces = %s\n", quoteList(s.Interfaces))
	}
}

func (i Iface) write(b *bufio.Writer) {
	fmt.Fprintf(b, "\n[hn.%s]\n", i.Name)
	if i.VF != "" {
		fmt.Fprintf(b, "vf = %q\n", i.VF)
	}
	if i.MAC != "" {
		fmt.Fprintf(b, "mac = %q\n", strings.ToLower(i.MAC))
	}
	if i.MTU != 0 {
		fmt.Fprintf(b, "mtu = %d\n", i.MTU)
	}
	if i.Link != "" {
		fmt.Fprintf(b, "link = %q\n", i.Link)
	}
}

// quoteList writes a TOML array of strings. Every string here has passed
// check (printable ASCII, no quote or backslash can reach it unescaped), so
// Go's quoting is also valid TOML.
func quoteList(l []string) string {
	q := make([]string, len(l))
	for k, s := range l {
		q[k] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
