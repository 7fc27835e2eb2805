package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hvnetconf/hvnetconf/fsys"
	"github.com/hvnetconf/hvnetconf/render"
)

// openRoot is the one way a command opens a root it reads: it takes the
// root's lock (so that a render never reads a tree another run is
// changing) and finishes or undoes a change a killed run left half done
// (fsys.Root.Recover), saying so on stderr. Each of refuse, in order, may
// refuse the run once the root is open and known to be an image or not,
// before anything is locked or changed. The lock is held until the
// command returns, or until release, for a caller that lets go of it
// earlier (apply before its deferred steps, vf-attach while it waits);
// release may be called more than once.
func openRoot(ctx context.Context, inv *invocation, dir string, wait time.Duration, refuse ...func(image bool) error) (*fsys.Root, func(), error) {
	root, err := fsys.Open(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range refuse {
		if err := r(root.IsImage()); err != nil {
			root.Close()
			return nil, nil, err
		}
	}
	unlock, err := root.Lock(ctx, wait)
	if err != nil {
		root.Close()
		return nil, nil, err
	}
	release := sync.OnceFunc(func() {
		unlock()
		root.Close()
	})
	inv.onExit(release)
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
