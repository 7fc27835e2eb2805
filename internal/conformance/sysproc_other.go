//go:build !linux

package conformance

import "syscall"

// sandboxOS: no Linux namespaces here, so no sandbox (Trees skips).
const sandboxOS = false

// dieWithParent: the sandbox is Linux-only (unshare); elsewhere Trees
// skips every test before a machine is built.
func dieWithParent() *syscall.SysProcAttr { return nil }
