//go:build race

package testtool

// race says whether this binary was built with the race detector.
const race = true
