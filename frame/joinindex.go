package frame

import (
	"fmt"
	"hash/maphash"
	"math"
)

// JoinIndex is a hash index over the key columns of one side of a join, the
// build side: built once, then probed by any number of frames of the other
// side (chunks of a stream), from many goroutines at once — probing never
// modifies it. It is the kernel streaming joins are made of: package
// parallel builds one on the smaller side and streams the other side's
// chunks through [JoinIndex.Probe].
//
// Keys compare as in [Join]: paired columns must have the same type, Float64
// keys compare by value (0 equals -0), String keys bytewise (plain and
// dictionary-encoded alike), and a null in any key column never matches.
//
// Memory: about 12 bytes a build row plus the distinct key values' bytes
// (strings longer than 7 bytes are copied once into the index).
type JoinIndex struct {
	build *Frame
	keys  []string
	cols  []*Column
	tabs  []keyTable
	comb  []*wordTable // comb[i-1] combines the running id with key column i's
	d     int          // distinct non-null build keys
	start []int32      // rows of key id g: byID[start[g]:start[g+1]], ascending
	byID  []int32
	ids   []int32 // key id of every build row (-1: a null in a key)
}

// keyTable numbers the values of one build key column.
type keyTable struct {
	typ   Type
	words *wordTable  // fixed-width values and short strings
	bytes *bytesTable // strings longer than 7 bytes
}

// NewJoinIndex indexes the rows of build by the key columns keys. The index
// keeps build (frames are immutable, so this is a reference, not a copy).
// It returns an error wrapping ErrNoColumn for an unknown key.
func NewJoinIndex(build *Frame, keys ...string) (*JoinIndex, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("frame: join index: no key columns")
	}
	cols, err := keyColumns(build, "join index", keys)
	if err != nil {
		return nil, err
	}
	if build.nrows > math.MaxInt32 {
		return nil, fmt.Errorf("frame: join index: more than %d rows", math.MaxInt32)
	}
	ix := &JoinIndex{build: build, keys: append([]string(nil), keys...), cols: cols}
	n := build.nrows
	var ids []int32
	for i, c := range cols {
		t := keyTable{typ: c.typ}
		var cid []int32
		switch {
		case c.typ == Bool:
			cid, _ = columnIDs(c, nil)
			cid = append([]int32(nil), cid...)
		case wordable(c, nil):
			t.words = newWordTable(n)
			cid = append([]int32(nil), wordIDs(t.words, c, nil, true)...)
		default:
			t.bytes = newBytesTable(n)
			cid = append([]int32(nil), bytesIDs(t.bytes, c, nil, true)...)
		}
		ix.tabs = append(ix.tabs, t)
		if i == 0 {
			ids = cid
			continue
		}
		ix.comb = append(ix.comb, newWordTable(n))
		// combine into the running ids (for three or more keys the running
		// id is itself a combined id: each level has its own table)
		for k := range ids {
			x, y := ids[k], cid[k]
			if x < 0 || y < 0 {
				ids[k] = -1
				continue
			}
			ids[k] = ix.combine(i, x, y, true)
		}
	}
	d := 0
	switch {
	case len(ix.comb) > 0:
		d = ix.comb[len(ix.comb)-1].n
	case cols[0].typ == Bool:
		d = 2
	case ix.tabs[0].words != nil:
		d = ix.tabs[0].words.n
	default:
		d = ix.tabs[0].bytes.count()
	}
	ix.d = d
	ix.ids = ids
	ix.start = make([]int32, d+1)
	for _, id := range ids {
		if id >= 0 {
			ix.start[id+1]++
		}
	}
	for g := 1; g <= d; g++ {
		ix.start[g] += ix.start[g-1]
	}
	ix.byID = make([]int32, ix.start[d])
	fill := append([]int32(nil), ix.start[:d]...)
	for r, id := range ids {
		if id >= 0 {
			ix.byID[fill[id]] = int32(r)
			fill[id]++
		}
	}
	return ix, nil
}

// combine maps the pair (running id x, id y of key column i) to one id.
func (ix *JoinIndex) combine(i int, x, y int32, insert bool) int32 {
	w := uint64(uint32(x))<<32 | uint64(uint32(y))
	if insert {
		return ix.comb[i-1].insert(w)
	}
	return ix.comb[i-1].lookup(w)
}

// Frame returns the build frame.
func (ix *JoinIndex) Frame() *Frame { return ix.build }

// Keys returns the build side's key column names.
func (ix *JoinIndex) Keys() []string { return append([]string(nil), ix.keys...) }

// NumKeys returns the number of distinct non-null keys of the build side.
func (ix *JoinIndex) NumKeys() int { return ix.d }

// Rows returns the build rows holding key id, ascending. The slice belongs
// to the index: do not modify it.
func (ix *JoinIndex) Rows(id int32) []int32 {
	if id < 0 || int(id) >= ix.d {
		return nil
	}
	return ix.byID[ix.start[id]:ix.start[id+1]]
}

// RowKey returns the key id of build row r (-1 when a key is null).
func (ix *JoinIndex) RowKey(r int) int32 { return ix.ids[r] }

// Size returns the index's own memory in bytes (the build frame excluded).
func (ix *JoinIndex) Size() int64 {
	s := int64(len(ix.start)+len(ix.byID)+len(ix.ids)) * 4
	for _, t := range ix.tabs {
		if t.words != nil {
			s += int64(len(t.words.slots)) * 16
		}
		if t.bytes != nil {
			s += int64(len(t.bytes.slots))*16 + int64(len(t.bytes.offs))*8 + int64(len(t.bytes.data))
		}
	}
	for _, t := range ix.comb {
		s += int64(len(t.slots)) * 16
	}
	return s
}

// Lookup returns, for every row of probe, the id of the build key its key
// columns (named keys, paired in order with the index's keys) hold, or -1
// when no build row has it or a key is null. It is safe for concurrent use.
func (ix *JoinIndex) Lookup(probe *Frame, keys ...string) ([]int32, error) {
	if len(keys) != len(ix.keys) {
		return nil, fmt.Errorf("frame: join index: %d probe keys for %d build keys", len(keys), len(ix.keys))
	}
	pcols, err := keyColumns(probe, "join probe", keys)
	if err != nil {
		return nil, err
	}
	for i, c := range pcols {
		if c.typ != ix.cols[i].typ {
			return nil, fmt.Errorf("frame: join: key %s=%s is %v on the build side, %v on the probe side: %w",
				ix.keys[i], keys[i], ix.cols[i].typ, c.typ, ErrType)
		}
	}
	n := probe.nrows
	var ids []int32
	for i, c := range pcols {
		cid := ix.tabs[i].lookup(c)
		if i == 0 {
			ids = cid
			continue
		}
		for k := range ids {
			x, y := ids[k], cid[k]
			if x < 0 || y < 0 {
				ids[k] = -1
				continue
			}
			ids[k] = ix.combine(i, x, y, false)
		}
	}
	if ids == nil {
		ids = make([]int32, n)
	}
	return ids, nil
}

// throughDict fills ids for dictionary column c by looking up each entry of
// its dictionary once (-1: absent or null) and returns it.
func (t keyTable) throughDict(c *Column, ids []int32) []int32 {
	eids := t.lookup(c.dict)
	for r := range ids {
		if !c.validAt(r) {
			ids[r] = -1
			continue
		}
		ids[r] = eids[c.codes[r]]
	}
	return ids
}

// lookup returns the ids of the values of probe column c (-1: absent or
// null). A dictionary-encoded column's entries are looked up once each.
func (t keyTable) lookup(c *Column) []int32 {
	n := c.n
	ids := make([]int32, n)
	if c.dict != nil && c.dict.n < n {
		return t.throughDict(c, ids)
	}
	switch {
	case t.typ == Bool:
		for r := range ids {
			switch {
			case !c.validAt(r):
				ids[r] = -1
			case c.bools[r]:
				ids[r] = 1
			}
		}
	case t.words != nil:
		if c.typ == String && c.dict == nil {
			for r := range ids {
				if !c.validAt(r) {
					ids[r] = -1
					continue
				}
				b := c.data[c.offs[r]:c.offs[r+1]]
				if len(b) > 7 {
					ids[r] = -1
					continue
				}
				ids[r] = t.words.lookup(packString(b))
			}
			return ids
		}
		words := keyWords(c, nil)
		for r, w := range words {
			if !c.validAt(r) {
				ids[r] = -1
				continue
			}
			if c.typ == String && w == tooLong {
				ids[r] = -1
				continue
			}
			ids[r] = t.words.lookup(w)
		}
	default:
		if c.dict != nil {
			return t.throughDict(c, ids)
		}
		for r := range ids {
			if !c.validAt(r) {
				ids[r] = -1
				continue
			}
			b := c.data[c.offs[r]:c.offs[r+1]]
			ids[r] = t.bytes.find(b, maphash.Bytes(hashSeed, b), false)
		}
	}
	return ids
}
