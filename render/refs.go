package render

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hvnetconf/hvnetconf/internal/finding"
	"github.com/hvnetconf/hvnetconf/rcconf"
)

// refKey identifies one assignment in the rc.conf family: every service
// that loads its file sees the same statement.
type refKey struct {
	name   string
	origin rcconf.Origin
}

// refState is what the reference pass learns: assignments fully renamed,
// and the clones whose creation needs a lagg to exist first.
type refState struct {
	done  map[refKey]bool
	needs map[string][]string       // lagg -> clones created with it as vlandev
	words map[string]*regexp.Regexp // hn -> its whole-word matcher
	named map[string]string         // value -> namedHN's answer: the same values recur in every service's Env
}

// references accounts for every rc variable whose value names a managed hn,
// after every lagg is decided: renamed where refRules knows every reader,
// otherwise reported with file:line. Nothing may keep pointing at a port
// that no longer carries traffic.
func (b *builder) references() {
	if len(b.p.Laggs) == 0 {
		return
	}
	b.refs = refState{done: map[refKey]bool{}, needs: map[string][]string{}, words: map[string]*regexp.Regexp{},
		named: map[string]string{}}
	for _, l := range b.p.Laggs {
		b.refs.words[l.HN] = ifWord(l.HN)
	}
	for _, svc := range RefServices() {
		b.rewriteRefs(svc)
	}
	b.reportRefs()
	b.reportNames()
}

// serviceEnv is the configuration load_rc_config svc sees; nil when the
// plan did not load it.
func (b *builder) serviceEnv(svc string) *rcconf.Env {
	switch svc {
	case "network":
		return b.in.Netif
	case "routing":
		return b.in.Routing
	}
	return b.in.Services[svc]
}

// rewriteRefs renders, into svc's rc.conf.d file, every variable svc reads
// (per refRules) with each managed hn renamed to its lagg.
func (b *builder) rewriteRefs(svc string) {
	env := b.serviceEnv(svc)
	if env == nil {
		return
	}
	s := section{Title: "interface names: every hn that is now a lagg port is replaced by its lagg"}
	for _, v := range env.Vars() {
		if b.namedHN(v.Value) == "" {
			continue // most values name no hn: the cheaper test first
		}
		rule, ok := refRuleFor(v.Name)
		if !ok || !slices.Contains(rule.Services, svc) {
			continue
		}
		key := refKey{v.Name, v.Origin}
		if cur, ok := b.rendered(svc, v.Name); ok {
			b.refs.done[key] = b.namedHN(cur) == "" // routes() got there first
			continue
		}
		value := v.Value
		for _, l := range b.p.Laggs {
			nv, changed := rule.rewrite(value, l.HN, l.Name)
			if changed && strings.HasPrefix(v.Name, "create_args_") {
				b.refs.needs[l.Name] = append(b.refs.needs[l.Name], strings.TrimPrefix(v.Name, "create_args_"))
			}
			value = nv
		}
		if value == v.Value {
			continue
		}
		s.Assigns = append(s.Assigns, assign{Name: v.Name, Value: value, Comments: []string{from(v)}})
		b.refs.done[key] = b.namedHN(value) == ""
	}
	b.addService(svc, s)
}

// allEnvs lists netif's, routing's and each service's configuration in
// that order, each once: services without rc.conf.d files of their own
// share one (rcconf.Session), and a second pass over it finds nothing the
// first did not (what it reports is marked done or seen).
func (b *builder) allEnvs() []*rcconf.Env {
	envs := []*rcconf.Env{b.in.Netif, b.in.Routing}
	for _, svc := range slices.Sorted(maps.Keys(b.in.Services)) {
		envs = append(envs, b.in.Services[svc])
	}
	seen := map[*rcconf.Env]bool{nil: true}
	return slices.DeleteFunc(envs, func(e *rcconf.Env) bool {
		dup := seen[e]
		seen[e] = true
		return dup
	})
}

// reportRefs warns about every assignment, in any file load_rc_config reads
// for any service, that still names a managed hn after the rewrites.
func (b *builder) reportRefs() {
	envs := b.allEnvs()
	for _, env := range envs {
		if env == nil {
			continue
		}
		for _, v := range env.Vars() {
			key := refKey{v.Name, v.Origin}
			hn := b.namedHN(v.Value)
			if hn == "" || b.refs.done[key] {
				continue
			}
			b.refs.done[key] = true // once, whichever service sees it
			rule, known := refRuleFor(v.Name)
			l := b.laggOf(hn)
			switch {
			case known && rule.Keep != "":
			case known && rule.Advice != "":
				b.finding(finding.Warning, v.Origin, "%s names %s, now a port of %s: %s", v.Name, hn, l, strings.NewReplacer("hnN", hn, "laggN", l).Replace(rule.Advice))
			case known && rule.rewrite != nil:
				b.finding(finding.Warning, v.Origin, "%s names %s in a place hvnetconf does not rewrite (it rewrites %s as read by %s); traffic now flows over %s: change it by hand", v.Name, hn, rule.Var, strings.Join(rule.Services, ", "), l)
			default:
				b.finding(finding.Warning, v.Origin, "%s names %s, now a port of %s; hvnetconf does not know what reads %s: change it to %s if it means %s's traffic", v.Name, hn, l, v.Name, l, hn)
			}
		}
	}
}

// ifWord matches an interface name as a whole word: hn0, hn0.100, %hn0,
// never hn01. The same boundaries as firewallFindings.
func ifWord(hn string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[^A-Za-z0-9_.])` + regexp.QuoteMeta(hn) + `($|[^A-Za-z0-9_])`)
}

// namedHN returns the first managed hn the value names, or "".
func (b *builder) namedHN(value string) string {
	if hn, ok := b.refs.named[value]; ok {
		return hn
	}
	hn := ""
	for _, l := range b.p.Laggs {
		if strings.Contains(value, l.HN) && b.refs.words[l.HN].MatchString(value) {
			hn = l.HN
			break
		}
	}
	b.refs.named[value] = hn
	return hn
}

func (b *builder) laggOf(hn string) string {
	for _, l := range b.p.Laggs {
		if l.HN == hn {
			return l.Name
		}
	}
	return ""
}

// rendered returns the value this render already gives name in svc's file.
func (b *builder) rendered(svc, name string) (string, bool) {
	var secs []section
	switch svc {
	case "network":
		secs = b.network
	case "routing":
		secs = b.routing
	default:
		secs = b.services[svc]
	}
	for _, s := range secs {
		for _, a := range s.Assigns {
			if a.Name == name {
				return a.Value, true
			}
		}
	}
	return "", false
}

// addService adds a section to svc's rc.conf.d file; the self-check then
// requires load_rc_config svc to see every value in it.
func (b *builder) addService(svc string, s section) {
	switch {
	case len(s.Assigns) == 0:
		return
	case svc == "network":
		b.addNetwork(s)
		return
	case svc == "routing":
		b.addRouting(s)
		return
	}
	if b.services == nil {
		b.services = map[string][]section{}
	}
	b.services[svc] = append(b.services[svc], s)
	for _, a := range s.Assigns {
		b.expect(ServiceFile(svc), a, []string{svc})
	}
}

// serviceFiles renders the rc.conf.d files of other services, in Targets
// order.
func (b *builder) serviceFiles(add func(path, name string, data any) error, h header) error {
	type rcFile struct {
		Header   header
		Sections []section
	}
	for _, svc := range RefServices() {
		secs := b.services[svc]
		if len(secs) == 0 {
			continue
		}
		note := header{Notes: []string{fmt.Sprintf("Sourced by %s after rc.conf.", serviceReaders[svc])}}
		if err := add(ServiceFile(svc), "rcconf", rcFile{note, secs}); err != nil {
			return err
		}
	}
	return nil
}

// cloneOrder puts each added lagg before the first clone created on top of
// it: network.subr clone_up creates cloned_interfaces in order, and
// "ifconfig vlan0 create vlandev lagg0" fails while lagg0 does not exist.
func (b *builder) cloneOrder(words []string, lagg string) []string {
	for i, w := range words {
		if slices.Contains(b.refs.needs[lagg], strings.SplitN(w, ":", 2)[0]) {
			return slices.Insert(words, i, lagg)
		}
	}
	return append(words, lagg)
}
