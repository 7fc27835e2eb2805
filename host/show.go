package host

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrNoInterface is returned (wrapped) by Show for an interface that does
// not exist; test with errors.Is.
var ErrNoInterface = errors.New("interface does not exist")

// List returns the names of all interfaces (`ifconfig -l`).
func List(ctx context.Context, r Runner) ([]string, error) {
	out, err := r.Run(ctx, Ifconfig, "-l")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}

// Show returns the parsed `ifconfig NAME`. A missing interface is
// (nil, an error wrapping ErrNoInterface): ifconfig then exits 1 with
// "ifconfig: interface NAME does not exist" (sbin/ifconfig/ifconfig.c).
func Show(ctx context.Context, r Runner, name string) (*Interface, error) {
	out, err := r.Run(ctx, Ifconfig, name)
	if err != nil {
		var ce *CmdError
		if errors.As(err, &ce) && ce.ExitCode == 1 &&
			strings.Contains(ce.Stderr, "interface "+name+" does not exist") {
			return nil, fmt.Errorf("%s: %w", name, ErrNoInterface)
		}
		return nil, err
	}
	ifc, err := ParseIfconfig(out)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", Ifconfig, name, err)
	}
	if ifc.Name != name {
		return nil, fmt.Errorf("%s %s: output is about %q", Ifconfig, name, ifc.Name)
	}
	return ifc, nil
}
