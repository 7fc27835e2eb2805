package fakebsd

import (
	"fmt"
	"io"
	"strings"
)

// netifStart is rc.d/netif start [IF] (network.subr clone_up, ifn_start,
// ifconfig_up): create the cloned interfaces that are missing (all of them,
// or only IF when IF is one), then configure IF (or every interface whose
// ifconfig_IF is not NOAUTO) from rc.conf.
func (s *State) netifStart(only []string, stdout, stderr io.Writer, root string) int {
	rc, err := loadRC(root, "network", "netif")
	if err != nil {
		fmt.Fprintf(stderr, "netif: %v\n", err)
		return 1
	}
	code := s.cloneUp(rc, only, stderr)
	targets := only
	if len(only) == 0 {
		targets = s.names()
	}
	for _, ifn := range targets {
		if s.Ifaces[ifn] == nil {
			fmt.Fprintf(stderr, "ifconfig: interface %s does not exist\n", ifn)
			code = 1
			continue
		}
		if c := s.ifnStart(rc, ifn, len(only) == 0, stdout, stderr); c != 0 {
			code = c
		}
	}
	return code
}

func (s *State) cloneUp(rc RCConf, only []string, stderr io.Writer) int {
	list, _ := rc.Get("cloned_interfaces")
	code := 0
	for _, c := range strings.Fields(list) {
		name, _, _ := strings.Cut(c, ":") // name:sticky
		if len(only) > 0 && only[0] != name || s.Ifaces[name] != nil {
			continue
		}
		if s.ifconfig([]string{name, "create"}, io.Discard, stderr) != 0 {
			code = 1
		}
	}
	return code
}

// ifnStart configures one interface the way ifconfig_up does.
func (s *State) ifnStart(rc RCConf, ifn string, boot bool, stdout, stderr io.Writer) int {
	spec, ok := rc.IfConfig(ifn)
	if boot && spec.NoAuto {
		return 0
	}
	code := 0
	run := func(words ...string) {
		if s.ifconfig(append([]string{ifn}, words...), stdout, stderr) != 0 {
			code = 1
		}
	}
	if ok && len(spec.Args) > 0 {
		run(spec.Args...)
	}
	if v6, ok := rc.IfConfigIPv6(ifn); ok && len(v6.Args) > 0 {
		run(v6.Args...)
	}
	for _, a := range rc.Aliases(ifn) {
		run(append(a, "alias")...)
	}
	if spec.DHCP {
		run("up")
		if s.startDhclient(ifn, stderr) != 0 {
			code = 1
		}
	}
	return code
}
