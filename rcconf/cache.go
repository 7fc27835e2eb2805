package rcconf

import (
	"container/list"
	"crypto/sha256"
	"sync"
)

// Bounds of a ParseCache. A real configuration is a few files of a few KiB
// (FreeBSD's /etc/defaults/rc.conf, the largest, is about 40 KiB); a
// cached tree takes several times its text in memory.
const (
	maxCacheEntries = 256
	maxCacheBytes   = 4 << 20 // of file text
)

// ParseCache keeps files parsed and checked, keyed by their name and exact
// content, so that the evaluations of one run parse each file once:
// plan.Prepare calls Load once per service that has an rc.conf.d file,
// and every load_rc_config reads /etc/defaults/rc.conf and rc.conf first
// (rc.subr load_rc_config). Evaluations share a cached tree without
// changing it (see checked), so a Load gives the same result, findings and
// errors with a cache or without; the limits apply to each Load as ever.
//
// The zero value is ready for use. A ParseCache is safe for concurrent
// use; it holds at most 256 files and 4 MiB of their text, and drops the
// least recently used file first.
type ParseCache struct {
	mu    sync.Mutex
	byKey map[cacheKey]*list.Element
	lru   list.List // of *cacheEntry, most recently used first
	bytes int
	// Bounds; zero means maxCacheEntries and maxCacheBytes (tests set
	// small ones).
	maxEntries, maxBytes int
}

// cacheKey names a file's content by its hash and the file's name, which
// the parsed tree and its parse errors carry.
type cacheKey struct {
	name string
	sum  [sha256.Size]byte
}

type cacheEntry struct {
	key  cacheKey
	size int
	file *checked
}

// prepare is prepare(name, src) through the cache. A nil cache prepares
// every time; so does one for text over its byte bound. Errors are not
// kept: the next Load reports them again the same way.
func (pc *ParseCache) prepare(name string, src []byte) (*checked, error) {
	if pc == nil || len(name)+len(src) > pc.byteBound() {
		return prepare(name, src)
	}
	key := cacheKey{name: name, sum: sha256.Sum256(src)}
	if c := pc.get(key); c != nil {
		return c, nil
	}
	c, err := prepare(name, src)
	if err != nil {
		return nil, err
	}
	pc.put(&cacheEntry{key: key, size: len(name) + len(src), file: c})
	return c, nil
}

func (pc *ParseCache) get(key cacheKey) *checked {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	e, ok := pc.byKey[key]
	if !ok {
		return nil
	}
	pc.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).file
}

// put adds e, unless another Load added the same file meanwhile, and
// drops the least recently used files while over a bound.
func (pc *ParseCache) put(e *cacheEntry) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if _, ok := pc.byKey[e.key]; ok {
		return
	}
	if pc.byKey == nil {
		pc.byKey = map[cacheKey]*list.Element{}
	}
	pc.byKey[e.key] = pc.lru.PushFront(e)
	pc.bytes += e.size
	for pc.lru.Len() > pc.entryBound() || pc.bytes > pc.byteBound() {
		old := pc.lru.Remove(pc.lru.Back()).(*cacheEntry)
		delete(pc.byKey, old.key)
		pc.bytes -= old.size
	}
}

func (pc *ParseCache) entryBound() int {
	if pc.maxEntries > 0 {
		return pc.maxEntries
	}
	return maxCacheEntries
}

func (pc *ParseCache) byteBound() int {
	if pc.maxBytes > 0 {
		return pc.maxBytes
	}
	return maxCacheBytes
}
