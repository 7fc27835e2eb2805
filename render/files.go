package render

import (
	"bytes"
	"fmt"
	"text/template"

	"github.com/hvnetconf/hvnetconf/rcconf"
	"github.com/hvnetconf/hvnetconf/templates"
)

var tmpl = template.Must(templates.Parse(template.FuncMap{"assign": rcconf.Assignment}))

// header is the first lines of every file. It names no version: a file
// rendered by another release must compare equal when nothing else
// changed (diff, check --golden); --json reports the version instead.
type header struct {
	Notes []string
}

// files executes the templates for every file the plan writes, in Targets
// order so that the output is stable.
func (b *builder) files() error {
	var h header
	add := func(path, name string, data any) error {
		var buf bytes.Buffer
		if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
			return fmt.Errorf("render %s: %w", path, err)
		}
		b.p.Files = append(b.p.Files, File{Path: path, Data: buf.Bytes()})
		return nil
	}
	var err error
	if len(b.loader) > 0 {
		note := header{Notes: []string{"Loader tunables take effect at the next boot."}}
		err = add(LoaderFile, "loader", struct {
			Header  header
			Assigns []assign
		}{note, b.loader})
	}
	if err == nil && len(b.p.Laggs) > 0 {
		err = add(DevdFile, "devd", struct {
			Header   header
			Priority int
			Binary   string
		}{h, b.in.Config.DevdPriority, Binary})
	}
	for _, svc := range rcOrder() {
		if secs := b.rc[svc]; err == nil && len(secs) > 0 {
			err = add(rcFiles[svc].Path, "rcconf", struct {
				Header   header
				Sections []section
			}{header{Notes: []string{rcFiles[svc].Note}}, secs})
		}
	}
	return err
}
