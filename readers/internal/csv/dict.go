package csv

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
)

// Dictionary encoding of String columns.
//
// A String column whose inference sample repeats its values (at most one
// distinct value in dictMinRepeat) is read dictionary-encoded: every chunk's
// column holds a uint32 code per row into one dictionary the whole read
// shares, so a state or occupation title is stored once rather than once per
// row. The dictionary only grows by appending; each chunk's column refers to
// the entries that existed when it was built (a prefix), so chunks
// concatenate without re-encoding (frame.Concat keeps prefix-sharing
// dictionaries encoded). When a dictionary reaches dictMaxEntries the column
// is read plain from then on; chunks already built stay encoded, which is
// harmless: the values are the same and Concat decodes a mix.
//
// Workers look values up in a private map first and take the dictionary's
// lock only for values they have not seen, so the lock is taken about once
// per distinct value per worker.

// dictMaxEntries caps a column's dictionary (tests lower it per read).
const dictMaxEntries uint32 = 1 << 16

// dictMinRepeat: a column is encoded when its sample has at most one
// distinct value per dictMinRepeat non-null values, and at least
// dictMinSample of them.
const (
	dictMinRepeat = 4
	dictMinSample = 64
)

// strDict is the shared dictionary of one String column of a read.
type strDict struct {
	full atomic.Bool // capped: encode no more chunks
	max  uint32      // entries it may hold

	mu   sync.Mutex
	ids  map[string]uint32
	offs []int64 // entry i is data[offs[i]:offs[i+1]]
	data []byte
	snap *frame.Column // the latest snapshot (nil when stale)
}

func newStrDict(max uint32) *strDict {
	return &strDict{ids: map[string]uint32{}, offs: []int64{0}, max: max}
}

// Dicts shares String columns' dictionaries by column name across the
// reads of several files (readers.Files), so their chunks concatenate
// without re-encoding. The zero value is not usable; a nil *Dicts shares
// nothing.
type Dicts struct {
	mu sync.Mutex
	m  map[string]*strDict
}

// NewDicts returns an empty set of shared dictionaries.
func NewDicts() *Dicts { return &Dicts{m: map[string]*strDict{}} }

func (d *Dicts) get(name string) *strDict {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[name]
}

func (d *Dicts) put(name string, sd *strDict) {
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m[name] = sd
}

// Constant returns a String column of n copies of value, encoded with a
// dictionary shared by every call for the same column name (plain once it
// is full, or with a nil *Dicts).
func (d *Dicts) Constant(name, value string, n int) *frame.Column {
	if d != nil {
		key := "\x00const\x00" + name
		d.mu.Lock()
		sd := d.m[key]
		if sd == nil {
			sd = newStrDict(dictMaxEntries)
			d.m[key] = sd
		}
		d.mu.Unlock()
		if id, _, ok := sd.add([]byte(value)); ok {
			codes := make([]uint32, n)
			for i := range codes {
				codes[i] = id
			}
			if c, err := frame.AdoptDict(name, codes, sd.snapshot(), nil, 0); err == nil {
				return c
			}
		}
	}
	sb := frame.NewBuilder(frame.String, n).(*frame.StringBuilder)
	for range n {
		sb.Append(value)
	}
	return sb.Build(name)
}

// add returns the code of b, adding it when new; false when the dictionary
// is full. The string it returns aliases the dictionary's storage (stable:
// storage is never written below its length).
func (d *strDict) add(b []byte) (uint32, string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.ids[bstr(b)]; ok {
		return id, d.entry(id), true
	}
	id := uint32(len(d.offs) - 1)
	if id >= d.max {
		d.full.Store(true)
		return 0, "", false
	}
	d.data = append(d.data, b...)
	d.offs = append(d.offs, int64(len(d.data)))
	s := d.entry(id)
	d.ids[s] = id
	d.snap = nil
	return id, s, true
}

func (d *strDict) entry(id uint32) string {
	s, e := d.offs[id], d.offs[id+1]
	if s == e {
		return ""
	}
	return unsafe.String(&d.data[s], int(e-s))
}

// snapshot returns the dictionary as it is now, as a String column. Columns
// built from it stay valid as the dictionary grows: growth appends past the
// snapshot's end, or moves to new storage.
func (d *strDict) snapshot() *frame.Column {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.snap == nil {
		n := len(d.offs)
		e := d.offs[n-1]
		d.snap, _ = frame.AdoptStrings("", d.offs[:n:n], d.data[:e:e], nil, 0) // no bitmap, no nulls: cannot fail
	}
	return d.snap
}

// dictCache is one worker's view of one column's dictionary: an open
// addressing table of the values it has looked up (a Go map costs about
// three times as much per lookup here).
type dictCache struct {
	slots []dictSlot // power of two; at most half full
	n     int
}

// dictSlot holds a value's key words (see dictKey), which identify a value
// of up to 16 bytes without comparing its bytes.
type dictSlot struct {
	x, y uint64
	s    string // the value, in the dictionary's storage
	id   uint32
	n    int32 // len(s); -1: empty slot
}

func newDictCache() *dictCache { return newDictCacheSize(64) }

func newDictCacheSize(size int) *dictCache {
	c := &dictCache{slots: make([]dictSlot, size)}
	for i := range c.slots {
		c.slots[i].n = -1
	}
	return c
}

// dictKey returns a value's key words: its first and last eight bytes (four
// and four, or the first, middle and last byte, for shorter values). With
// the length they determine a value of up to 16 bytes.
func dictKey(b []byte) (x, y uint64) {
	n := len(b)
	switch {
	case n >= 8:
		return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[n-8:])
	case n >= 4:
		return uint64(binary.LittleEndian.Uint32(b)), uint64(binary.LittleEndian.Uint32(b[n-4:]))
	case n > 0:
		return uint64(b[0]) | uint64(b[n/2])<<8 | uint64(b[n-1])<<16, 0
	}
	return 0, 0
}

// dictHash mixes a value's key words and length (values that share them
// only cost a longer probe: the table compares whole values).
func dictHash(x, y uint64, n int) uint64 {
	h := (x ^ uint64(n)<<56) * 0x9E3779B97F4A7C15
	h ^= (y + h>>29) * 0xC2B2AE3D27D4EB4F
	return h ^ h>>32
}

// get returns the code of v, or false when the worker has not seen it.
func (c *dictCache) get(v []byte) (uint32, bool) {
	x, y := dictKey(v)
	n := len(v)
	mask := uint64(len(c.slots) - 1)
	for i := dictHash(x, y, n) & mask; ; i = (i + 1) & mask {
		sl := &c.slots[i]
		if sl.n < 0 {
			return 0, false
		}
		if int(sl.n) == n && sl.x == x && sl.y == y && (n <= 16 || sl.s == bstr(v)) {
			return sl.id, true
		}
	}
}

// lookup returns the code of v, from the cache or the shared dictionary;
// false when v is new and the dictionary is full.
func (c *dictCache) lookup(d *strDict, v []byte) (uint32, bool) {
	if id, ok := c.get(v); ok {
		return id, true
	}
	id, s, ok := d.add(v)
	if !ok {
		return 0, false
	}
	c.put(s, id)
	return id, true
}

func (c *dictCache) put(s string, id uint32) {
	if 2*(c.n+1) > len(c.slots) {
		old := c.slots
		*c = *newDictCacheSize(2 * len(old))
		for _, sl := range old {
			if sl.n >= 0 {
				c.put(sl.s, sl.id)
			}
		}
	}
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	x, y := dictKey(b)
	mask := uint64(len(c.slots) - 1)
	i := dictHash(x, y, len(s)) & mask
	for c.slots[i].n >= 0 {
		i = (i + 1) & mask
	}
	c.slots[i] = dictSlot{x: x, y: y, s: s, id: id, n: int32(len(s))}
	c.n++
}

// encode returns the codes of the n values in offs/data (nulls: 0), or
// false when the dictionary filled up (the column is then read plain).
// codes, if long enough, is used for the result.
func (d *strDict) encode(cache *dictCache, offs []int64, data []byte, valid []uint64, n int, codes []uint32) ([]uint32, bool) {
	if cap(codes) < n {
		codes = make([]uint32, n)
	}
	codes = codes[:n]
	offs = offs[:n+1]
	for i := range codes {
		if valid != nil && valid[i>>6]&(1<<(uint(i)&63)) == 0 {
			codes[i] = 0
			continue
		}
		id, ok := cache.lookup(d, data[offs[i]:offs[i+1]])
		if !ok {
			return nil, false
		}
		codes[i] = id
	}
	return codes, true
}

// dictColumn encodes a chunk's plain String column with the shared
// dictionary d, or returns nil when d is full.
func dictColumn(d *strDict, cache *dictCache, name string, offs []int64, data []byte, valid []uint64, nulls, n int) *frame.Column {
	if d.full.Load() {
		return nil
	}
	codes, ok := d.encode(cache, offs, data, valid, n, nil)
	if !ok {
		return nil
	}
	return orNil(frame.AdoptDict(name, codes, d.snapshot(), valid, nulls))
}

// dictCaches returns worker w's cache for each column (nil for plain
// columns), creating them on first use.
func (rd *reader) dictCaches(w *worker) []*dictCache {
	if w.dicts == nil {
		w.dicts = make([]*dictCache, len(rd.cols))
		for k, c := range rd.cols {
			if c.dict != nil {
				w.dicts[k] = newDictCache()
			}
		}
	}
	return w.dicts
}

// encodeFrame dictionary-encodes the encodable plain String columns of a
// frame built by the general path.
func (rd *reader) encodeFrame(w *worker, f *frame.Frame) *frame.Frame {
	if !rd.hasDict {
		return f
	}
	caches := rd.dictCaches(w)
	cols := f.Columns()
	changed := false
	for k, c := range rd.cols {
		if c.dict == nil || k >= len(cols) {
			continue
		}
		col := cols[k]
		offs, data := col.StringBuffers()
		if offs == nil {
			continue
		}
		if dc := dictColumn(c.dict, caches[k], col.Name(), offs, data, col.Validity(), col.NullCount(), col.Len()); dc != nil {
			cols[k] = dc
			changed = true
		}
	}
	if !changed {
		return f
	}
	g, err := frame.New(cols...)
	if err != nil {
		return f
	}
	return g
}
