// Package packaging holds no code: its tests check what ships. They run
// `make install` into a temporary DESTDIR and check the tree, lint the
// manual pages with mandoc(1), hold the FreeBSD port's pkg-plist against
// the installed tree, and build the `make dist` release binaries.
package packaging
