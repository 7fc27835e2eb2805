package accel

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"syscall"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/render"
)

// Tunable is hw.hn.vf_transparent as the loader will set it at the next
// boot, and where from.
type Tunable struct {
	Set    bool
	Mode   render.Mode
	Origin string // FILE:LINE of the assignment that wins
}

var tunableLine = regexp.MustCompile(`^[ \t]*hw\.hn\.vf_transparent[ \t]*=[ \t]*"?([0-9]+)"?[ \t]*(#.*)?$`)

// NextBoot reads hw.hn.vf_transparent from the root's loader files in the
// order the loader reads them (stand/defaults/loader.conf:
// loader_conf_files, then each file of loader_conf_dirs in name order,
// then local_loader_conf_files); the last assignment wins.
func NextBoot(root *fsys.Root) (Tunable, error) {
	files := []string{"/boot/loader.conf"}
	entries, err := root.ReadDir("/boot/loader.conf.d")
	if err != nil && !isNotExist(err) {
		return Tunable{}, err
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".conf") && e.Type().IsRegular() {
			files = append(files, "/boot/loader.conf.d/"+e.Name())
		}
	}
	files = append(files, "/boot/loader.conf.local")
	var t Tunable
	for _, f := range files {
		data, ok, err := root.ReadFile(f)
		if err != nil || !ok {
			if err != nil {
				return Tunable{}, err
			}
			continue
		}
		for n, line := range strings.Split(string(data), "\n") {
			if m := tunableLine.FindStringSubmatch(line); m != nil {
				t = Tunable{Set: true, Mode: render.ModeLagg, Origin: fmt.Sprintf("%s:%d", f, n+1)}
				if m[1] != "0" {
					t.Mode = render.ModeTransparent
				}
			}
		}
	}
	return t, nil
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
