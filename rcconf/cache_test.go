package rcconf

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hvnetconf/hvnetconf/internal/testtool"
)

// TestParseCacheKey: a file is parsed again unless both its name and its
// bytes are the same; errors are not kept.
func TestParseCacheKey(t *testing.T) {
	pc := &ParseCache{}
	prep := func(name, src string) *checked {
		t.Helper()
		c, err := pc.prepare(name, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a := prep("/etc/rc.conf", "a=1\n")
	if prep("/etc/rc.conf", "a=1\n") != a {
		t.Error("same name and bytes parsed again")
	}
	if prep("/etc/rc.conf.local", "a=1\n") == a {
		t.Error("another name shares the tree (its name is in the tree)")
	}
	if prep("/etc/rc.conf", "a=2\n") == a {
		t.Error("other bytes share the tree")
	}
	for range 2 {
		if _, err := pc.prepare("/etc/rc.conf", []byte("v=\"open\n")); err == nil || !strings.HasPrefix(err.Error(), "/etc/rc.conf:1:3: ") {
			t.Errorf("err = %v", err)
		}
	}
	if n := pc.lru.Len(); n != 3 {
		t.Errorf("%d files kept, want 3", n)
	}
	var none *ParseCache
	if c, err := none.prepare("/etc/rc.conf", []byte("a=1\n")); err != nil || c == a {
		t.Errorf("nil cache: %v, shared %v", err, c == a)
	}
}

// TestParseCacheBounds: over either bound the least recently used files go
// first; a file over the byte bound is not kept at all.
func TestParseCacheBounds(t *testing.T) {
	src := func(i int) []byte { return fmt.Appendf(nil, "v%d=%s\n", i, strings.Repeat("x", 10)) }
	size := len("/f") + len(src(0)) // what a file counts against the byte bound
	tests := []struct {
		name                 string
		maxEntries, maxBytes int
	}{
		{"entries", 3, 1000},
		{"bytes", 1000, 3*size + size/2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pc := &ParseCache{maxEntries: tt.maxEntries, maxBytes: tt.maxBytes}
			for _, i := range []int{0, 1, 0, 2, 3} { // 0 is used again after 1
				if _, err := pc.prepare("/f", src(i)); err != nil {
					t.Fatal(err)
				}
			}
			if got := keptFirstNames(pc); !reflect.DeepEqual(got, []string{"v3", "v2", "v0"}) {
				t.Errorf("kept %v, want v3 v2 v0 (v1 least recently used)", got)
			}
			if _, err := pc.prepare("/f", []byte("big="+strings.Repeat("x", 1000))); err != nil {
				t.Fatal(err)
			}
			if got := keptFirstNames(pc); len(got) != 3 || got[0] != "v3" || len(pc.byKey) != 3 || pc.bytes != 3*size {
				t.Errorf("after a file over the bound: kept %v (%d keys, %d bytes)", got, len(pc.byKey), pc.bytes)
			}
		})
	}
}

// keptFirstNames lists the first variable each cached file assigns, most
// recently used first.
func keptFirstNames(pc *ParseCache) []string {
	var out []string
	for e := pc.lru.Front(); e != nil; e = e.Next() {
		f := e.Value.(*cacheEntry).file.file
		out = append(out, plainNames(f.Stmts[0])[0].Name.Value)
	}
	return out
}

// cachedCases are roots whose Loads must not depend on the cache: set -x
// traces (they show the tick numbers of one evaluation), functions that an
// earlier file defines, lenient skips, refusals, limits, a file read
// twice, and errors.
var cachedCases = []map[string]string{
	{"/etc/rc.conf": "set -x\nfor i in a b; do v=$v$i; done\nf() { :; }\nf\n", "/etc/rc.conf.d/network": "f\nf() { w=1; }\nf\n"},
	{"/etc/rc.conf": "g() { v=$1; }\n", "/etc/rc.conf.d/network": "set -x\ng x\nwhile [ -z \"$u\" ]; do u=1; done\n"},
	{"/etc/rc.conf": "early\nv=$(x)\nlate() { :; }\nlate\nc=rm\n$c\nw=2\n"},
	{"/etc/rc.conf": "rc_conf_files=\"/etc/rc.conf /etc/rc.conf.local\"\nk() { for i in 1; do :; done; }\nk\n"},
	{"/etc/rc.conf": "a=x\nwhile :; do a=$a$a; done\n"},
	{"/etc/rc.conf": "y=a\nz=${y%%" + strings.Repeat("*a", 3000) + "}\n"},
	{"/etc/rc.conf": "v=\"open\n"},
	{"/etc/rc.conf": "a=1\r\nb=2\r\n", "/etc/rc.conf.d/network": "eval 'for i in 1; do e=$i; done'\n"},
}

// loadResult is everything a Load gives, as text.
func loadResult(t *testing.T, root string, lenient bool, cache *ParseCache) string {
	t.Helper()
	e, err := Load(context.Background(), Options{Files: testtool.OpenRoot(t, root), Services: ServiceNetif, Lenient: lenient,
		Timeout: 10 * time.Second, Cache: cache})
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprint(e.Vars(), e.Files(), e.Findings())
}

// TestCachedLoads: Loads that share a cache, one after another and at
// once, give what a Load without one gives.
func TestCachedLoads(t *testing.T) {
	cache := &ParseCache{}
	for i, files := range cachedCases {
		root := writeRoot(t, withDefaults(t, files))
		for _, lenient := range []bool{false, true} {
			want := loadResult(t, root, lenient, nil)
			for pass := range 2 {
				if got := loadResult(t, root, lenient, cache); got != want {
					t.Errorf("case %d lenient=%v pass %d:\n got %s\nwant %s", i, lenient, pass, got, want)
				}
			}
		}
	}
	if cache.lru.Len() == 0 {
		t.Fatal("nothing cached")
	}
	root := writeRoot(t, withDefaults(t, cachedCases[0]))
	want := loadResult(t, root, true, nil)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if got := loadResult(t, root, true, cache); got != want {
				t.Errorf("concurrent Load:\n got %s\nwant %s", got, want)
			}
		})
	}
	wg.Wait()
}
