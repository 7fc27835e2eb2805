package rcconf

import (
	"context"
	"fmt"
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
