package main

import (
	"context"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/fakebsd"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// The emulated rc.d scripts read rc.conf through package rcconf, the same
// evaluation hvnetconf itself uses; what differs is only who runs it.
func init() { fakebsd.LoadRC = loadRC }

type rcEnv struct{ env *rcconf.Env }

func loadRC(root string, services []string) (fakebsd.RCConf, error) {
	env, err := rcconf.Load(context.Background(), rcconf.Options{Root: root, Services: services})
	if err != nil {
		return nil, err
	}
	return rcEnv{env}, nil
}

func (e rcEnv) Get(name string) (string, bool) { return e.env.Get(name) }

func (e rcEnv) IfConfig(ifname string) (fakebsd.IfSpec, bool) {
	v, ok := e.env.IfConfig(ifname)
	return spec(v.Value), ok
}

func (e rcEnv) IfConfigIPv6(ifname string) (fakebsd.IfSpec, bool) {
	v, ok := e.env.IfConfigIPv6(ifname)
	return spec(v.Value), ok
}

func (e rcEnv) Aliases(ifname string) [][]string {
	var out [][]string
	for _, v := range e.env.Aliases(ifname) {
		out = append(out, strings.Fields(v.Value))
	}
	return out
}

func spec(value string) fakebsd.IfSpec {
	k := rcconf.ParseKeywords(value)
	return fakebsd.IfSpec{DHCP: k.DHCP, NoAuto: k.NoAuto, Args: k.Args}
}
