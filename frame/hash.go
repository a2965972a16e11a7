package frame

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"unsafe"
	"weak"
)

// Key machinery shared by Join, GroupBy and Distinct.
//
// Every key column is turned into dense int32 ids (equal values, equal ids;
// -1 for null) by an id table: a pointer-free open-addressing table of 64-bit
// words for fixed-width values (int64, date, datetime, bool, float64 bits and
// strings of at most 7 bytes packed into a word), or of hashed byte strings
// for longer strings. Dictionary-encoded columns are mapped through their
// dictionary, so each distinct entry is hashed once. Several key columns are
// combined by packing two ids into one word and assigning ids again, so
// every operator ends up with one dense id per row.
//
// Row subsets: the functions take rows []int32 (ascending or not; nil means
// every row 0..n-1) and return position-aligned results: result k belongs to
// row rows[k].

// hashSeed is the process-wide seed of string hashes. Hash values are never
// visible in results: output order is defined without them.
var hashSeed = maphash.MakeSeed()

// mixWord is a 64-bit finaliser (murmur3's fmix64): every input bit affects
// every output bit.
func mixWord(w uint64) uint64 {
	w ^= w >> 33
	w *= 0xff51afd7ed558ccd
	w ^= w >> 33
	w *= 0xc4ceb9fe1a85ec53
	w ^= w >> 33
	return w
}

// MixHash is the 64-bit finaliser frame's hash tables and [HashKeys] use
// (murmur3's fmix64): a bijection in which every input bit affects every
// output bit. It is for
// engine code that derives further hashes from HashKeys values (a deeper
// level of hash partitioning remixes h+level·φ), so that the project has one
// mixer and its quality is tested once, here.
func MixHash(w uint64) uint64 { return mixWord(w) }

// rowAt maps position k to its row.
func rowAt(rows []int32, k int) int {
	if rows == nil {
		return k
	}
	return int(rows[k])
}

// numPositions is the number of positions of a row subset of an n-row column.
func numPositions(rows []int32, n int) int {
	if rows == nil {
		return n
	}
	return len(rows)
}

// ------------------------------------------------------------------ scratch

// scratchPool recycles big per-row scratch vectors (group ids, gathered
// values, join key ids) between the partitions of a parallel group-by and
// between calls. It holds them by weak pointers only: a vector put back is
// garbage to the collector, which frees it at its next cycle unless get hands
// it out again first, so the pool never keeps memory alive. get returns a
// vector with arbitrary contents: callers overwrite every entry. put must
// only be given a vector that nothing references any more.
type scratchPool[T any] struct {
	mu   sync.Mutex
	free []weak.Pointer[[]T]
}

// minScratch is the smallest vector worth recycling; maxFree the most
// vectors a pool remembers.
const (
	minScratch = 1 << 12
	maxFree    = 8
)

// get returns a vector of n entries, a recycled one if one has room for n
// and is at most twice as big.
func (s *scratchPool[T]) get(n int) []T {
	if n >= minScratch {
		s.mu.Lock()
		for i := 0; i < len(s.free); i++ {
			b := s.free[i].Value()
			if b == nil { // collected
				s.free = append(s.free[:i], s.free[i+1:]...)
				i--
				continue
			}
			if c := cap(*b); c >= n && c/2 <= n {
				s.free = append(s.free[:i], s.free[i+1:]...)
				s.mu.Unlock()
				return (*b)[:n]
			}
		}
		s.mu.Unlock()
	}
	return make([]T, n)
}

func (s *scratchPool[T]) put(b []T) {
	if cap(b) < minScratch {
		return
	}
	s.mu.Lock()
	if len(s.free) == maxFree {
		s.free = append(s.free[:0], s.free[1:]...)
	}
	s.free = append(s.free, weak.Make(&b))
	s.mu.Unlock()
}

var (
	idScratch  scratchPool[int32]
	valScratch scratchPool[float64]
)

// ---------------------------------------------------------------- word table

type wordSlot struct {
	key uint64
	val int32 // id+1; 0 = empty
}

// wordTable assigns dense ids to distinct uint64 words (open addressing,
// linear probing, load factor at most 1/2).
type wordTable struct {
	slots []wordSlot
	shift uint // 64 - log2(len(slots))
	n     int
}

func newWordTable(hint int) *wordTable {
	size := 16
	for size < 2*hint && size < 1<<16 {
		size *= 2
	}
	t := &wordTable{}
	t.alloc(size)
	return t
}

func (t *wordTable) alloc(size int) {
	t.slots = make([]wordSlot, size)
	t.shift = uint(64 - log2(size))
}

func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

func (t *wordTable) grow() {
	old := t.slots
	t.alloc(2 * len(old))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.val == 0 {
			continue
		}
		h := mixWord(s.key) >> t.shift
		for t.slots[h].val != 0 {
			h = (h + 1) & mask
		}
		t.slots[h] = s
	}
}

// insert returns the id of w, assigning the next id if w is new.
func (t *wordTable) insert(w uint64) int32 {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	h := mixWord(w) >> t.shift
	for {
		s := &t.slots[h]
		if s.val == 0 {
			t.n++
			s.key, s.val = w, int32(t.n)
			return int32(t.n - 1)
		}
		if s.key == w {
			return s.val - 1
		}
		h = (h + 1) & mask
	}
}

// lookup returns the id of w or -1.
func (t *wordTable) lookup(w uint64) int32 {
	mask := uint64(len(t.slots) - 1)
	h := mixWord(w) >> t.shift
	for {
		s := &t.slots[h]
		if s.val == 0 {
			return -1
		}
		if s.key == w {
			return s.val - 1
		}
		h = (h + 1) & mask
	}
}

// --------------------------------------------------------------- bytes table

type bytesSlot struct {
	hash uint64
	val  int32 // id+1; 0 = empty
}

// bytesTable assigns dense ids to distinct byte strings. Distinct values are
// copied into one buffer (offs/data), so the table never points into the
// columns it was fed and holds no Go pointers per entry.
type bytesTable struct {
	slots []bytesSlot
	shift uint
	offs  []int64
	data  []byte
}

func newBytesTable(hint int) *bytesTable {
	size := 16
	for size < 2*hint && size < 1<<16 {
		size *= 2
	}
	t := &bytesTable{offs: []int64{0}}
	t.slots = make([]bytesSlot, size)
	t.shift = uint(64 - log2(size))
	return t
}

func (t *bytesTable) count() int { return len(t.offs) - 1 }

func (t *bytesTable) value(id int32) []byte { return t.data[t.offs[id]:t.offs[id+1]] }

func (t *bytesTable) grow() {
	old := t.slots
	t.slots = make([]bytesSlot, 2*len(old))
	t.shift = uint(64 - log2(len(t.slots)))
	mask := uint64(len(t.slots) - 1)
	for _, s := range old {
		if s.val == 0 {
			continue
		}
		h := mixWord(s.hash) >> t.shift
		for t.slots[h].val != 0 {
			h = (h + 1) & mask
		}
		t.slots[h] = s
	}
}

// find returns the id of b (hash hb), inserting it when insert is set, or -1.
func (t *bytesTable) find(b []byte, hb uint64, insert bool) int32 {
	if insert && 2*(t.count()+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	h := mixWord(hb) >> t.shift
	for {
		s := &t.slots[h]
		if s.val == 0 {
			if !insert {
				return -1
			}
			t.data = append(t.data, b...)
			t.offs = append(t.offs, int64(len(t.data)))
			s.hash, s.val = hb, int32(t.count())
			return s.val - 1
		}
		if s.hash == hb && bytes.Equal(t.value(s.val-1), b) {
			return s.val - 1
		}
		h = (h + 1) & mask
	}
}

// --------------------------------------------------------------- key words

// tooLong marks a string that cannot be packed into a word; it never equals
// a packed word (whose top byte is a length of at most 7).
const tooLong = ^uint64(0)

// packString packs a string of at most 7 bytes into a word: bytes in the
// low 56 bits, the length in the top byte.
func packString(b []byte) uint64 {
	if len(b) > 7 {
		return tooLong
	}
	var w uint64
	for i, c := range b {
		w |= uint64(c) << (8 * i)
	}
	return w | uint64(len(b))<<56
}

// floatWord maps a float to a word such that equal floats (0 == -0) give
// equal words.
func floatWord(v float64) uint64 {
	if v == 0 {
		return 0
	}
	return math.Float64bits(v)
}

// maxStrLen returns the length of the longest non-null string at rows of a
// String column (for a dictionary column, of its longest entry).
func maxStrLen(c *Column, rows []int32) int {
	if c.dict != nil {
		return maxStrLen(c.dict, nil)
	}
	m := int64(0)
	if rows == nil {
		for i := 0; i < c.n; i++ {
			m = max(m, c.offs[i+1]-c.offs[i])
		}
		return int(m)
	}
	for _, r := range rows {
		m = max(m, c.offs[r+1]-c.offs[r])
	}
	return int(m)
}

// wordable reports whether the values of c at rows can be keyed by words.
func wordable(c *Column, rows []int32) bool {
	return c.typ != String || maxStrLen(c, rows) <= 7
}

// keyWords returns one word per position (null slots hold arbitrary words;
// callers check validity). For an Int64/Date/Datetime column and nil rows the
// result aliases the column's values and must not be modified.
func keyWords(c *Column, rows []int32) []uint64 {
	n := numPositions(rows, c.n)
	switch c.typ {
	case Int64, Date, Datetime:
		if rows == nil {
			if len(c.ints) == 0 {
				return nil
			}
			return unsafe.Slice((*uint64)(unsafe.Pointer(&c.ints[0])), len(c.ints))
		}
		w := make([]uint64, n)
		for k, r := range rows {
			w[k] = uint64(c.ints[r])
		}
		return w
	}
	w := make([]uint64, n)
	switch c.typ {
	case Float64:
		for k := range w {
			w[k] = floatWord(c.floats[rowAt(rows, k)])
		}
	case Bool:
		for k := range w {
			if c.bools[rowAt(rows, k)] {
				w[k] = 1
			}
		}
	case String:
		if c.dict != nil {
			ew := keyWords(c.dict, nil)
			for k := range w {
				if r := rowAt(rows, k); c.validAt(r) {
					w[k] = ew[c.codes[r]]
				}
			}
			return w
		}
		for k := range w {
			r := rowAt(rows, k)
			w[k] = packString(c.data[c.offs[r]:c.offs[r+1]])
		}
	}
	return w
}

// wordIDs assigns (insert) or looks up ids of the words of c at rows; null
// positions get -1.
func wordIDs(t *wordTable, c *Column, rows []int32, insert bool) []int32 {
	if c.typ.isIntBacked() && rows != nil {
		// no word vector: read the values in place
		ids := idScratch.get(len(rows))
		for k, r := range rows {
			if c.valid != nil && !c.valid.get(int(r)) {
				ids[k] = -1
				continue
			}
			if w := uint64(c.ints[r]); insert {
				ids[k] = t.insert(w)
			} else {
				ids[k] = t.lookup(w)
			}
		}
		return ids
	}
	words := keyWords(c, rows)
	ids := idScratch.get(len(words))
	valid := c.valid
	for k, w := range words {
		if valid != nil && !valid.get(rowAt(rows, k)) {
			ids[k] = -1
			continue
		}
		if insert {
			ids[k] = t.insert(w)
		} else {
			ids[k] = t.lookup(w)
		}
	}
	return ids
}

// bytesIDs is wordIDs for strings of any length. A dictionary column's
// entries are looked up once each.
func bytesIDs(t *bytesTable, c *Column, rows []int32, insert bool) []int32 {
	n := numPositions(rows, c.n)
	ids := idScratch.get(n)
	if c.dict != nil {
		eids := bytesIDs(t, c.dict, nil, insert)
		for k := range ids {
			r := rowAt(rows, k)
			if !c.validAt(r) {
				ids[k] = -1
				continue
			}
			ids[k] = eids[c.codes[r]]
		}
		return ids
	}
	for k := range ids {
		r := rowAt(rows, k)
		if !c.validAt(r) {
			ids[k] = -1
			continue
		}
		b := c.data[c.offs[r]:c.offs[r+1]]
		ids[k] = t.find(b, maphash.Bytes(hashSeed, b), insert)
	}
	return ids
}

// columnIDs returns dense ids of the values of c at rows (-1 for null), in an
// unspecified order, and the number of ids.
func columnIDs(c *Column, rows []int32) ([]int32, int) {
	n := numPositions(rows, c.n)
	if c.typ == Bool {
		ids := make([]int32, n)
		for k := range ids {
			r := rowAt(rows, k)
			switch {
			case !c.validAt(r):
				ids[k] = -1
			case c.bools[r]:
				ids[k] = 1
			}
		}
		return ids, 2
	}
	if c.dict != nil {
		// Codes are already dense ids, unless the dictionary repeats a value
		// (it never does when built by DictEncode, but check cheaply).
		eids, d := columnIDs(c.dict, nil)
		ids := make([]int32, n)
		for k := range ids {
			r := rowAt(rows, k)
			if !c.validAt(r) {
				ids[k] = -1
				continue
			}
			ids[k] = eids[c.codes[r]]
		}
		return ids, d
	}
	if wordable(c, rows) {
		t := newWordTable(n)
		return wordIDs(t, c, rows, true), t.n
	}
	t := newBytesTable(n)
	return bytesIDs(t, c, rows, true), t.count()
}

// pairColumnIDs returns ids of the values of a build column b at brows and
// of a probe column p at prows, drawn from one numbering of b's values: a
// probe value absent from b, or null, gets -1; a null build value gets -1.
// The columns must have the same type.
func pairColumnIDs(b, p *Column, brows, prows []int32) (bids, pids []int32, d int) {
	switch {
	case b.typ == Bool:
		bids, _ = columnIDs(b, brows)
		pids, _ = columnIDs(p, prows)
		return bids, pids, 2
	case b.dict != nil && b.dict == p.dict:
		eids, d := columnIDs(b.dict, nil)
		m := func(c *Column, rows []int32) []int32 {
			ids := make([]int32, numPositions(rows, c.n))
			for k := range ids {
				r := rowAt(rows, k)
				if !c.validAt(r) {
					ids[k] = -1
				} else {
					ids[k] = eids[c.codes[r]]
				}
			}
			return ids
		}
		return m(b, brows), m(p, prows), d
	case wordable(b, brows):
		t := newWordTable(numPositions(brows, b.n))
		bids = wordIDs(t, b, brows, true)
		return bids, wordIDs(t, p, prows, false), t.n
	}
	t := newBytesTable(numPositions(brows, b.n))
	bids = bytesIDs(t, b, brows, true)
	return bids, bytesIDs(t, p, prows, false), t.count()
}

// combineIDs packs two id vectors (same positions; -1 = null) into one.
// With nullIsValue, -1 is treated as a value of its own (group-by keeps
// null keys); otherwise a null in either makes the result -1.
func combineIDs(a, b []int32, nullIsValue bool) ([]int32, int) {
	t := newWordTable(len(a))
	out := idScratch.get(len(a))
	for k := range a {
		x, y := a[k], b[k]
		if !nullIsValue && (x < 0 || y < 0) {
			out[k] = -1
			continue
		}
		out[k] = t.insert(uint64(uint32(x))<<32 | uint64(uint32(y)))
	}
	return out, t.n
}

// combinePairIDs combines the ids of two key columns of a join: build side
// ids are assigned, probe side ids looked up.
func combinePairIDs(ba, bb, pa, pb []int32) (bids, pids []int32, d int) {
	t := newWordTable(len(ba))
	bids = make([]int32, len(ba))
	for k := range ba {
		x, y := ba[k], bb[k]
		if x < 0 || y < 0 {
			bids[k] = -1
			continue
		}
		bids[k] = t.insert(uint64(uint32(x))<<32 | uint64(uint32(y)))
	}
	pids = make([]int32, len(pa))
	for k := range pa {
		x, y := pa[k], pb[k]
		if x < 0 || y < 0 {
			pids[k] = -1
			continue
		}
		pids[k] = t.lookup(uint64(uint32(x))<<32 | uint64(uint32(y)))
	}
	return bids, pids, t.n
}

// groupIDs returns the group id of each position of rows for the key
// columns cols: dense, numbered in order of first appearance, null keys
// forming groups of their own. first[g] is the row (not position) where
// group g first appears.
func groupIDs(cols []*Column, rows []int32) (ids []int32, first []int32) {
	var d int
	for i, c := range cols {
		cid, cd := columnIDs(c, rows)
		// null becomes a value of its own
		for k, v := range cid {
			if v < 0 {
				cid[k] = int32(cd)
			}
		}
		if i == 0 {
			ids, d = cid, cd+1
			continue
		}
		prev := ids
		ids, d = combineIDs(ids, cid, true)
		idScratch.put(prev)
		idScratch.put(cid)
	}
	// renumber by first appearance
	remap := make([]int32, d)
	for g := range remap {
		remap[g] = -1
	}
	next := int32(0)
	for k, g := range ids {
		m := remap[g]
		if m < 0 {
			m = next
			remap[g] = m
			next++
			first = append(first, int32(rowAt(rows, k)))
		}
		ids[k] = m
	}
	return ids, first
}

// keyColumns resolves key names to columns.
func keyColumns(f *Frame, op string, names []string) ([]*Column, error) {
	cols := make([]*Column, len(names))
	for i, n := range names {
		c, err := f.Column(n)
		if err != nil {
			return nil, fmt.Errorf("frame: %s: %w", op, err)
		}
		cols[i] = c
	}
	return cols, nil
}

// ---------------------------------------------------------------- HashKeys

// nullHash is the hash contribution of a null key value.
const nullHash = 0x5bd1e9955bd1e995

// partSalt makes HashKeys' hash of a word independent of mixWord(word),
// which the id tables index with: partitions taken from the top bits of
// HashKeys must not leave each partition's keys in one region of its table.
const partSalt = 0x2545f4914f6cdd1d

// HashKeys writes into dst one 64-bit hash per row of f computed from the
// named key columns: rows with equal keys get equal hashes, also across
// frames and across plain and dictionary-encoded string columns, and a null
// key value hashes to a fixed value. dst must have f.NumRows() entries.
// Hashes are stable within one process only (strings use a per-process
// hash/maphash seed); they serve hash partitioning (package parallel) and are
// never part of a result.
//
// Float64 keys hash by value (0 and -0 alike). It returns an error wrapping
// ErrNoColumn for an unknown key, ErrLength for a wrong dst length.
func HashKeys(dst []uint64, f *Frame, keys ...string) error {
	if len(dst) != f.nrows {
		return fmt.Errorf("frame: hash keys: dst has %d entries for %d rows: %w", len(dst), f.nrows, ErrLength)
	}
	if len(keys) == 0 {
		return fmt.Errorf("frame: hash keys: no key columns")
	}
	cols, err := keyColumns(f, "hash keys", keys)
	if err != nil {
		return err
	}
	for i, c := range cols {
		hashColumn(dst, c, i > 0)
	}
	return nil
}

// hashColumn writes (or, with combine, mixes in) the hashes of c's values.
func hashColumn(dst []uint64, c *Column, combine bool) {
	put := func(i int, h uint64) {
		if combine {
			dst[i] = mixWord(dst[i]*0x9E3779B97F4A7C15 ^ h)
		} else {
			dst[i] = h
		}
	}
	var entry []uint64 // per dictionary entry
	if c.dict != nil {
		entry = make([]uint64, c.dict.n)
		for e := range entry {
			entry[e] = maphash.Bytes(hashSeed, c.dict.strBytes(e))
		}
	}
	for i := 0; i < c.n; i++ {
		if !c.validAt(i) {
			put(i, nullHash)
			continue
		}
		var h uint64
		switch c.typ {
		case Int64, Date, Datetime:
			h = mixWord(uint64(c.ints[i]) ^ partSalt)
		case Float64:
			h = mixWord(floatWord(c.floats[i]) ^ partSalt)
		case Bool:
			h = mixWord((uint64(b2i(c.bools[i])) + 1) ^ partSalt)
		case String:
			if entry != nil {
				h = entry[c.codes[i]]
			} else {
				h = maphash.Bytes(hashSeed, c.data[c.offs[i]:c.offs[i+1]])
			}
			h = mixWord(h ^ partSalt)
		}
		put(i, h)
	}
}
