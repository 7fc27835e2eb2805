package rcconf

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// sessionCases add to cachedCases what a shared start could get wrong: a
// start that reads an rc.conf.d file (which an overlay replaces), $? and
// positional parameters left by the start, services that change
// local_startup for the next, a service directory, set -e.
var sessionCases = []map[string]string{
	{"/etc/rc.conf": "a=1\n. /usr/local/etc/rc.conf.d/network\n", "/usr/local/etc/rc.conf.d/network": "b=$a\n"},
	{"/etc/rc.conf": "a=1\nfalse\n", "/etc/rc.conf.d/network": "st=$?\n"},
	{"/etc/rc.conf": "set -- p q\nset -e\n", "/etc/rc.conf.d/network": "p=$2\nfalse\nnot=reached\n"},
	{"/etc/rc.conf": "x=1\n", "/etc/rc.conf.d/network": "local_startup=/opt/rc.d\n", "/opt/rc.conf.d/netif": "y=$x\n"},
	{"/etc/rc.conf": "f() { v=$1; }\n", "/etc/rc.conf.d/netif/a": "f a\n", "/etc/rc.conf.d/netif/b": "w=$v\nf b\n"},
	{"/etc/rc.conf": "set -x\nv=1\n", "/usr/local/etc/rc.conf.d/routing": "r=$v\n"},
}

// sessionOverlays: none, one the start never reads, one it reads.
var sessionOverlays = []map[string][]byte{
	nil,
	{"/usr/local/etc/rc.conf.d/network": []byte("n=1\n")},
	{"/usr/local/etc/rc.conf.d/network": nil, "/etc/rc.conf.local": []byte("l=1\n")},
}

// bareCases have no defaults/rc.conf: the start is rc.conf alone, so its
// last statement's status is the $? the first service file sees.
var bareCases = []map[string]string{
	{"/etc/rc.conf": "a=1\nfalse\n", "/etc/rc.conf.d/network": "st=$?\n"},
	{"/etc/rc.conf": "f() { return 7; }\nf\n", "/etc/rc.conf.d/netif": "st=$?\n"},
}

// TestSessionLoads: Loads that share a Session, for every service and
// overlay, give what each Load alone gives: values, origins, files,
// findings and errors.
func TestSessionLoads(t *testing.T) {
	services := [][]string{ServiceNetif, ServiceDhclient, ServiceRouting, {"natd"}}
	var roots []string
	for _, files := range append(append([]map[string]string{}, cachedCases...), sessionCases...) {
		roots = append(roots, writeRoot(t, withDefaults(t, files)))
	}
	for _, files := range bareCases {
		roots = append(roots, writeRoot(t, files))
	}
	for i, dir := range roots {
		root := testtool.OpenRoot(t, dir)
		for _, lenient := range []bool{false, true} {
			session := &Session{}
			want := map[string]string{} // each Load alone, once for both passes
			for pass := range 2 {
				for j, overlay := range sessionOverlays {
					for _, svc := range services {
						o := Options{Files: root, Services: svc, Lenient: lenient, Overlay: overlay, Timeout: 10 * time.Second}
						key := fmt.Sprint(j, svc)
						if pass == 0 {
							want[key] = sessionResult(o)
						}
						want := want[key]
						o.Session = session
						if got := sessionResult(o); got != want {
							t.Errorf("case %d lenient=%v pass %d overlay %v %v:\n got %s\nwant %s", i, lenient, pass, overlay, svc, got, want)
						}
					}
				}
			}
		}
	}
}

func sessionResult(o Options) string {
	e, err := Load(context.Background(), o)
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprint(e.Vars(), e.Files(), e.Findings())
}

// TestSessionStartsOnce: the start is evaluated once for overlays it does
// not read, and again for one that replaces a file it read.
func TestSessionStartsOnce(t *testing.T) {
	root := testtool.OpenRoot(t, writeRoot(t, withDefaults(t, map[string]string{"/etc/rc.conf": "a=1\n"})))
	session := &Session{}
	for i, overlay := range sessionOverlays {
		for _, svc := range [][]string{ServiceNetif, ServiceRouting} {
			if _, err := Load(context.Background(), Options{Files: root, Services: svc, Overlay: overlay, Session: session}); err != nil {
				t.Fatal(err)
			}
		}
		want := []int{1, 1, 2}[i]
		if got := len(session.starts); got != want {
			t.Errorf("after overlay %d: %d starts evaluated, want %d", i, got, want)
		}
	}
}

// TestSessionConcurrentLoads: Loads sharing a Session at the same time
// give what each gives alone, though they share the kept start and the
// spare Runner.Vars maps (takeVars; with more Loads than spare maps, some
// copies start without one).
func TestSessionConcurrentLoads(t *testing.T) {
	root := testtool.OpenRoot(t, writeRoot(t, withDefaults(t, sessionCases[3])))
	services := [][]string{ServiceNetif, ServiceDhclient, ServiceRouting, {"natd"}}
	want := map[int]string{}
	for i, svc := range services {
		want[i] = sessionResult(Options{Files: root, Services: svc, Timeout: 10 * time.Second})
	}
	session := &Session{}
	var wg sync.WaitGroup
	got := make([]string, 8*len(services))
	for i := range got {
		wg.Go(func() {
			svc := services[i%len(services)]
			got[i] = sessionResult(Options{Files: root, Services: svc, Timeout: 10 * time.Second, Session: session})
		})
	}
	wg.Wait()
	for i, g := range got {
		if w := want[i%len(services)]; g != w {
			t.Errorf("load %d %v:\n got %s\nwant %s", i, services[i%len(services)], g, w)
		}
	}
}

// TestSessionSingles: a Load that would read the same files after the same
// start as a kept one, and nothing after them, gets the kept result (the
// same Env); one whose later services do find a file, given what the first
// file set, is evaluated, and either way the result is the Load's alone.
func TestSessionSingles(t *testing.T) {
	for _, tc := range []struct {
		files  map[string]string
		shared bool
	}{
		{map[string]string{"/etc/rc.conf": "a=1\n", "/usr/local/etc/rc.conf.d/network": "n=$a\n"}, true},
		{map[string]string{"/etc/rc.conf": "a=1\n", "/etc/rc.conf.d/network": "n=1\n", "/etc/rc.conf.d/netif": "i=1\n"}, false},
		// network moves local_startup: netif's file then exists for
		// [network netif] (read after network), not for [dhclient network].
		{map[string]string{"/etc/rc.conf": "a=1\n", "/etc/rc.conf.d/network": "local_startup=/opt/rc.d\n", "/opt/rc.conf.d/netif": "i=1\n"}, false},
	} {
		root := testtool.OpenRoot(t, writeRoot(t, withDefaults(t, tc.files)))
		session := &Session{}
		var envs []*Env
		for _, svc := range [][]string{ServiceDhclient, ServiceNetif} {
			o := Options{Files: root, Services: svc, Timeout: 10 * time.Second}
			want := sessionResult(o)
			o.Session = session
			e, err := Load(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(e.Vars(), e.Files(), e.Findings()); got != want {
				t.Errorf("%v %v:\n got %s\nwant %s", tc.files, svc, got, want)
			}
			envs = append(envs, e)
		}
		if shared := envs[0] == envs[1]; shared != tc.shared {
			t.Errorf("%v: the two Loads share their result: %v, want %v", tc.files, shared, tc.shared)
		}
	}
}

// TestSessionAsksTheDiskOnce: within a Session each stat and read of a
// path is answered once (the root must not change during one), so a file
// removed between two Loads is still read by the second; a new Session
// asks again.
func TestSessionAsksTheDiskOnce(t *testing.T) {
	dir := writeRoot(t, withDefaults(t, map[string]string{"/etc/rc.conf": "a=1\n", "/etc/rc.conf.d/routing": "r=1\n"}))
	root := testtool.OpenRoot(t, dir)
	session := &Session{}
	value := func(s *Session) string {
		e, err := Load(context.Background(), Options{Files: root, Services: ServiceRouting, Session: s})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := e.Get("r")
		return v
	}
	if got := value(session); got != "1" {
		t.Fatalf("r = %q, want 1", got)
	}
	if err := os.Remove(filepath.Join(dir, "etc/rc.conf.d/routing")); err != nil {
		t.Fatal(err)
	}
	if got := value(session); got != "1" {
		t.Errorf("same Session after the file went: r = %q, want the answer kept (1)", got)
	}
	if got := value(&Session{}); got != "" {
		t.Errorf("new Session: r = %q, want unset", got)
	}
}
