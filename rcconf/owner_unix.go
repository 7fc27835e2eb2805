//go:build unix

package rcconf

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// ownerSys is the Sys() of every file the interpreter stats. Its test -O
// and -G (mvdan.cc/sh/v3/interp, os_unix.go) compare the *syscall.Stat_t
// owner with the current user and type-assert without checking, so a nil
// Sys() (an overlay file) panics. rc runs as root and the files of an image
// belong to root, so FreeBSD's sh answers both tests true for any file that
// exists; naming the current user as owner gives that answer on any host.
func ownerSys() any {
	st := &syscall.Stat_t{Uid: uint32(os.Getuid()), Gid: uint32(os.Getgid())}
	if u, err := user.Current(); err == nil {
		if uid, err := strconv.Atoi(u.Uid); err == nil {
			st.Uid = uint32(uid)
		}
		if gid, err := strconv.Atoi(u.Gid); err == nil {
			st.Gid = uint32(gid)
		}
	}
	return st
}
