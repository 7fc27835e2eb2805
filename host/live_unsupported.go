//go:build !freebsd && !fakebsd

package host

// live: no FreeBSD here; every live operation exits 69 (see RequireLive).
const live = false
