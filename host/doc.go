// Package host talks to the running FreeBSD system: it runs ifconfig and
// service through a Runner (argv slices, never a shell string), parses
// ifconfig's output, reads kernel sysctls and takes the hvnetconf lock.
//
// It never decides anything: what to change is the caller's business. Every
// program name and system path it uses is a variable in paths.go, so that
// tests can point it at an emulated host (internal/fakebsd) through PATH
// without any hook in this package.
package host
