//go:build !linux

package fakebsd

// stateChanges polls where inotify(7) is missing (the sandbox needs Linux
// anyway; this keeps the package building elsewhere).
func stateChanges(string) (<-chan struct{}, func()) { return tickChanges() }
