package render

import (
	"slices"
	"testing"
)

// TestEveryRefServiceHasAFile: a service a reference rule writes for has
// its row in rcFiles, and Targets lists each row's file once.
func TestEveryRefServiceHasAFile(t *testing.T) {
	for _, svc := range RefServices() {
		if _, ok := rcFiles[svc]; !ok {
			t.Errorf("reference rules write for %s, which has no rcFiles row", svc)
		}
	}
	for svc, f := range rcFiles {
		if n := len(slices.DeleteFunc(slices.Clone(Targets), func(p string) bool { return p != f.Path })); n != 1 {
			t.Errorf("%s's file %s is in Targets %d times", svc, f.Path, n)
		}
	}
}
