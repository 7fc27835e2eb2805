package render

import (
	"slices"

	"github.com/hvnetconf/hvnetconf/rcconf"
)

// rcFile is one rc.conf.d file render may write, by the name
// load_rc_config reads it under: where it goes, who reads it (its header),
// the load_rc_config views in which the self-check requires every rendered
// value to win, and the evaluation the reference pass reads.
type rcFile struct {
	Path  string
	Note  string                  // the header's note: which scripts source it
	Views [][]string              // the self-check's rcconf.Load services, one per view
	Env   func(Input) *rcconf.Env // what load_rc_config NAME sees; nil when not loaded
}

// rcFiles holds one row per rendered rc.conf.d file. network and routing
// are hvnetconf's own; every other service a reference rule (refRules)
// writes for needs a row here, and nothing else: TestEveryRefServiceHasAFile.
// Each file is the last one load_rc_config NAME reads (rc.subr
// load_rc_config: /etc/rc.conf.d/NAME, then ${local_startup%/rc.d}/rc.conf.d/NAME
// for each local_startup directory).
var rcFiles = map[string]rcFile{
	"network": {NetworkFile, "Sourced by netif and dhclient after rc.conf (rc.subr load_rc_config network).",
		[][]string{rcconf.ServiceNetif, rcconf.ServiceDhclient}, func(in Input) *rcconf.Env { return in.Netif }},
	"routing": {RoutingFile, "Sourced by rc.d/routing after rc.conf (load_rc_config routing).",
		[][]string{rcconf.ServiceRouting}, func(in Input) *rcconf.Env { return in.Routing }},
	"natd":   service("natd", "rc.d/natd (load_rc_config natd)"),
	"ipfw":   service("ipfw", "rc.d/ipfw and rc.firewall (load_rc_config ipfw)"),
	"dhcpd":  service("dhcpd", "the isc-dhcpd port's rc.d script (load_rc_config dhcpd)"),
	"dhcpd6": service("dhcpd6", "the isc-dhcpd port's rc.d script run as isc-dhcpd6 (load_rc_config dhcpd6)"),
	"rtadvd": service("rtadvd", "rc.d/rtadvd (load_rc_config rtadvd)"),
}

// service is the row of another service's file: load_rc_config NAME alone
// reads it, and readers says which scripts call that.
func service(name, readers string) rcFile {
	return rcFile{"/usr/local/etc/rc.conf.d/" + name, "Sourced by " + readers + " after rc.conf.", [][]string{{name}},
		func(in Input) *rcconf.Env { return in.Services[name] }}
}

// rcOrder lists the services of rcFiles in Targets order: network,
// routing, then the others sorted.
func rcOrder() []string {
	out := []string{"network", "routing"}
	for _, s := range RefServices() {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ServiceFile is the rc.conf.d file render writes for load_rc_config NAME.
func ServiceFile(name string) string { return rcFiles[name].Path }

// add adds a section to svc's rc.conf.d file, the one place a rendered
// line chooses its file; the self-check then requires every view of that
// file to see each value in it.
func (b *builder) add(svc string, s section) {
	if len(s.Assigns) == 0 {
		return
	}
	f, ok := rcFiles[svc]
	if !ok {
		panic("render: no rcFiles row for " + svc) // TestEveryRefServiceHasAFile
	}
	if b.rc == nil {
		b.rc = map[string][]section{}
	}
	b.rc[svc] = append(b.rc[svc], s)
	for _, a := range s.Assigns {
		for _, services := range f.Views {
			b.p.Expect = append(b.p.Expect, Expectation{Services: services, Name: a.Name, Value: a.Value, File: f.Path})
		}
	}
}

// rendered returns the value this render already gives name in svc's file.
func (b *builder) rendered(svc, name string) (string, bool) {
	for _, s := range b.rc[svc] {
		for _, a := range s.Assigns {
			if a.Name == name {
				return a.Value, true
			}
		}
	}
	return "", false
}

// rcTargets are the rc.conf.d files render may write, in Targets order.
func rcTargets() []string {
	var out []string
	for _, s := range rcOrder() {
		out = append(out, ServiceFile(s))
	}
	return out
}
