package plan

// Every test binary accepts -update, so that `go test ./... -update` works;
// only the golden tests act on it.
import _ "github.com/hvnetconf/hvnetconf/internal/updateflag"
