package main

import (
	"context"

	"github.com/hvnetconf/hvnetconf/devd"
	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/vfhistory"
)

func vfDetachCommand() *command {
	f := &handlerFlags{}
	return &command{
		name:    "vf-detach",
		holds:   true,
		args:    "IF",
		summary: "devd handler for ETHERNET/IFDETACH: record a VF's departure in the VF history (status shows it)",
		flags:   f.register,
		run: func(ctx context.Context, inv *invocation) error {
			name, err := handlerArg(inv.args, devd.ValidAttachName)
			if err != nil {
				return err
			}
			if err := f.refuseImage("vf-detach"); err != nil {
				return err
			}
			h := f.handler(ctx, inv)
			return logged(h, h.Detach(name))
		},
	}
}

// rootHistory is the VF history under the root dir, opened for each use:
// a handler records at most two events.
type rootHistory struct{ dir string }

func (r rootHistory) Read() ([]vfhistory.Event, error) {
	root, err := fsys.Open(r.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	ev, _, err := vfhistory.Read(root)
	return ev, err
}

func (r rootHistory) Append(e vfhistory.Event) error {
	root, err := fsys.Open(r.dir)
	if err != nil {
		return err
	}
	defer root.Close()
	return vfhistory.Append(root, e)
}
