package render

import (
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

// refs is what the reference pass decides.
type refs struct {
	renames map[string]section  // service -> the renamed variables for its rc.conf.d file
	renamed map[refKey]bool     // assignments whose rendered value names no managed hn any more
	needs   map[string][]string // lagg -> clones created with it as vlandev
}

// references renames hnN to its lagg in every rc variable whose value names
// a managed hn, where refRules knows every reader. It runs once every lagg
// is decided and the routes are rendered (laggFor: routes), and leaves a
// variable already rendered into a service's file as it is; what it cannot
// rename, reportRefs reports with file:line. Nothing may keep pointing at a
// port that no longer carries traffic.
func (b *builder) references() refs {
	r := refs{renames: map[string]section{}, renamed: map[refKey]bool{}, needs: map[string][]string{}}
	if len(b.p.Laggs) == 0 {
		return r
	}
	for _, svc := range RefServices() {
		b.rewriteRefs(svc, &r)
	}
	return r
}

// rewriteRefs decides, for svc's rc.conf.d file, every variable svc reads
// (per refRules) with each managed hn renamed to its lagg.
func (b *builder) rewriteRefs(svc string, r *refs) {
	env := rcFiles[svc].Env(b.in)
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
			r.renamed[key] = b.namedHN(cur) == "" // routes() got there first
			continue
		}
		value := v.Value
		for _, l := range b.p.Laggs {
			nv, changed := rule.rewrite(value, l.HN, l.Name)
			if changed && strings.HasPrefix(v.Name, "create_args_") {
				r.needs[l.Name] = append(r.needs[l.Name], strings.TrimPrefix(v.Name, "create_args_"))
			}
			value = nv
		}
		if value == v.Value {
			continue
		}
		s.Assigns = append(s.Assigns, assign{Name: v.Name, Value: value, Comments: []string{from(v)}})
		r.renamed[key] = b.namedHN(value) == ""
	}
	r.renames[svc] = s
}

// allEnvs lists netif's, routing's and each service's configuration in
// that order, each once: services without rc.conf.d files of their own
// share one (rcconf.Session), and a second pass over it finds nothing the
// first did not (what it reports is marked reported or seen).
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

// reportRefs warns, once, about every assignment, in any file
// load_rc_config reads for any service, that still names a managed hn after
// the renames.
func (b *builder) reportRefs(renamed map[refKey]bool) {
	if len(b.p.Laggs) == 0 {
		return // no hn is a port
	}
	reported := map[refKey]bool{}
	envs := b.allEnvs()
	for _, env := range envs {
		if env == nil {
			continue
		}
		for _, v := range env.Vars() {
			key := refKey{v.Name, v.Origin}
			hn := b.namedHN(v.Value)
			if hn == "" || renamed[key] || reported[key] {
				continue
			}
			reported[key] = true // once, whichever service sees it
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
	if hn, ok := b.named[value]; ok {
		return hn
	}
	hn := ""
	for _, l := range b.p.Laggs {
		if strings.Contains(value, l.HN) && b.word(l.HN).MatchString(value) {
			hn = l.HN
			break
		}
	}
	if b.named == nil {
		b.named = map[string]string{}
	}
	b.named[value] = hn
	return hn
}

// word is hn's ifWord, compiled once per render.
func (b *builder) word(hn string) *regexp.Regexp {
	if b.words[hn] == nil {
		if b.words == nil {
			b.words = map[string]*regexp.Regexp{}
		}
		b.words[hn] = ifWord(hn)
	}
	return b.words[hn]
}

func (b *builder) laggOf(hn string) string {
	for _, l := range b.p.Laggs {
		if l.HN == hn {
			return l.Name
		}
	}
	return ""
}

// cloneOrder puts the added lagg before the first clone created on top of
// it (needs, from the references): network.subr clone_up creates
// cloned_interfaces in order, and "ifconfig vlan0 create vlandev lagg0"
// fails while lagg0 does not exist.
func cloneOrder(words []string, lagg string, needs []string) []string {
	for i, w := range words {
		if slices.Contains(needs, strings.SplitN(w, ":", 2)[0]) {
			return slices.Insert(words, i, lagg)
		}
	}
	return append(words, lagg)
}
