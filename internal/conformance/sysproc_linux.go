package conformance

import "syscall"

// sandboxOS: the sandbox's namespaces (unshare, nsenter) are Linux's.
const sandboxOS = true

// dieWithParent: if the test process dies, unshare dies with it, and
// --kill-child ends the sandbox and every daemon in it.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
