//go:build freebsd

package host

// live: FreeBSD's own sysctls and programs are there.
const live = true
