//go:build !linux

package conformance

import "syscall"

// dieWithParent: the sandbox is Linux-only (unshare); elsewhere New fails
// when unshare(1) is missing.
func dieWithParent() *syscall.SysProcAttr { return nil }
