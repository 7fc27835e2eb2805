package plan

import (
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/hn"
	"github.com/hvnetconf/hvnetconf/imageready"
	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// imageFindings reads what imageready needs from an image root: the
// module files and the kernel's embedded configuration. A root without
// a kernel (a configuration tree, not a whole image) says nothing; a
// kernel that cannot be read as ELF counts as one without embedded
// configuration.
func imageFindings(root *fsys.Root, netif *rcconf.Env, s *hn.Snapshot) ([]finding.Finding, error) {
	in := imageready.Input{Netif: netif}
	for _, i := range s.HN {
		if i.VF != "" {
			in.VFs = append(in.VFs, i.VF)
		}
	}
	if len(in.VFs) == 0 || !root.IsImage() {
		return nil, nil
	}
	kernel, ok, err := root.OpenRegular(imageready.KernelDir + "/kernel")
	if err != nil || !ok {
		return nil, err
	}
	defer kernel.Close()
	in.KernelConf, _ = imageready.KernelConf(kernel)
	entries, err := root.ReadDir(imageready.KernelDir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		in.Modules = append(in.Modules, e.Name())
	}
	return imageready.Check(in), nil
}
