//go:build !freebsd

package hn

import "github.com/hvnetconf/hvnetconf/internal/sysexits"

// Live needs FreeBSD's hn(4) sysctls; elsewhere a snapshot file stands in.
func Live() (*Snapshot, error) {
	return nil, sysexits.Errorf(sysexits.Unavailable, "live hn state needs FreeBSD: use --state FILE")
}
