package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/render"
)

// openRoot opens the -R root for a command that reads its files: it takes
// the root's lock (held until the command returns, so that a render never
// reads a tree another run is changing) and finishes or undoes a change a
// killed run left half done (fsys.Root.Recover), saying so on stderr.
// before, when not nil, may refuse the run once the root is open and
// known to be an image or not, before anything is locked or changed.
func openRoot(ctx context.Context, inv *invocation, dir string, wait time.Duration, before func(image bool) error) (*fsys.Root, error) {
	root, release, err := lockRoot(ctx, inv, dir, wait, before)
	if err != nil {
		return nil, err
	}
	inv.onExit(release)
	return root, nil
}

// lockRoot is openRoot for a caller that lets go of the lock itself
// (vf-attach, which holds none while it waits for a VF): release unlocks
// and closes the root.
func lockRoot(ctx context.Context, inv *invocation, dir string, wait time.Duration, before func(image bool) error) (*fsys.Root, func(), error) {
	root, err := fsys.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	if before != nil {
		if err := before(root.IsImage()); err != nil {
			root.Close()
			return nil, nil, err
		}
	}
	unlock, err := root.Lock(ctx, wait)
	if err != nil {
		root.Close()
		return nil, nil, err
	}
	release := func() {
		unlock()
		root.Close()
	}
	did, err := root.Recover(render.Targets)
	for _, d := range did {
		fmt.Fprintln(inv.stderr, "hvnetconf: "+d)
	}
	if err != nil {
		release()
		return nil, nil, err
	}
	return root, release, nil
}

// isImage says whether dir is an image rather than this running system
// (see fsys.Root.IsImage), without locking anything.
func isImage(dir string) (bool, error) {
	root, err := fsys.Open(dir)
	if err != nil {
		return false, err
	}
	defer root.Close()
	return root.IsImage(), nil
}
