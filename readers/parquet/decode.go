package parquet

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/bits"
	"unsafe"

	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
)

// strDict is the dictionary of one String column across a read: the
// entries of every row group's Parquet dictionary, each distinct value once,
// appended in order of first appearance. Chunks hold prefixes of it, so
// frame.Concat keeps them encoded.
type strDict struct {
	ids  map[string]uint32
	offs []int64
	data []byte
	full bool // capped: row groups keep their own dictionaries from now on
	max  int  // entries at most
	snap *frame.Column
}

func newStrDict(max int) *strDict {
	return &strDict{ids: map[string]uint32{}, offs: []int64{0}, max: max}
}

// add returns b's code, adding it when new; false when the dictionary is full.
func (d *strDict) add(b []byte) (uint32, bool) {
	if id, ok := d.ids[string(b)]; ok {
		return id, true
	}
	id := len(d.offs) - 1
	if id >= d.max {
		d.full = true
		return 0, false
	}
	start := len(d.data)
	d.data = append(d.data, b...)
	d.offs = append(d.offs, int64(len(d.data)))
	// the key aliases the entry's bytes: appends never overwrite them (a
	// grown buffer leaves the old one to the keys that point into it)
	d.ids[unsafe.String(unsafe.SliceData(d.data[start:]), len(b))] = uint32(id)
	d.snap = nil
	return uint32(id), true
}

func (d *strDict) entry(id uint32) []byte { return d.data[d.offs[id]:d.offs[id+1]] }

// snapshot returns the dictionary as it is now as a String column; later
// additions append past its end (or move to new storage), so it stays valid.
func (d *strDict) snapshot() *frame.Column {
	if d.snap == nil {
		n := len(d.offs)
		e := d.offs[n-1]
		d.snap, _ = frame.AdoptStrings("", d.offs[:n:n], d.data[:e:e], nil, 0) // no bitmap, no nulls: cannot fail
	}
	return d.snap
}

// colState is what one column keeps across the chunks of a read.
type colState struct {
	c        *column
	dec      frame.Type // what the decoder produces (see column.dec)
	sdict    *strDict   // String columns read encoded; nil: plain (NoDict)
	lastData int        // bytes of the last plain String chunk, to size the next

	// the current column chunk's dictionary, decoded once per row group
	// into the decode's representation
	dsrc   source
	dints  []int64
	dflts  []float64
	dbools []bool
	doffs  []int64 // String: entry i is ddata[doffs[i]:doffs[i+1]]
	ddata  []byte
	dcol   *frame.Column // String: the entries as a column (the row group's own dictionary)
	remap  []uint32      // String: entry i's code in sdict; nil when sdict has no room
}

// String chunk modes.
const (
	strUndecided = iota // encoded, dictionary not chosen yet
	strShared           // codes into the read's shared dictionary
	strGroup            // codes into the row group's dictionary
	strPlain            // bytes
)

// colBuf is one chunk's column being filled.
type colBuf struct {
	n      int
	ints   []int64
	floats []float64
	bools  []bool
	codes  []uint32 // String, encoded
	offs   []int64  // String, plain: n+1 offsets into data
	data   []byte
	valid  []uint64 // nil until the first null
	nulls  int
	mode   int           // String chunk mode
	group  *frame.Column // strGroup: the dictionary
	gOffs  []int64       // strGroup: the dictionary's offsets and bytes
	gData  []byte
}

// cursor reads one column chunk (one column of one row group) page by page.
type cursor struct {
	st      *colState
	pr      *pageReader
	pg      page
	started bool
	rows    int     // rows in the page
	r       int     // next row of the page
	v       int     // next value (non-null) of the page
	def     []byte  // the page's definition levels (nil: none null or REQUIRED)
	src     source  // the page's values, unless indexed
	idx     []int32 // the page's dictionary indexes (non-null values), when indexed
	indexed bool
	sidx    []int32 // scratch for idx
	nvals   int
	hasDict bool // the chunk's dictionary page has been read
}

func newCursor(st *colState, r io.ReaderAt, size int64, md *format.ColumnMetaData, rows int64) (*cursor, error) {
	pr, err := newPageReader(st.c, r, size, md, rows)
	if err != nil {
		return nil, err
	}
	return &cursor{st: st, pr: pr}, nil
}

// close releases the page reader.
func (cu *cursor) close() {
	if cu.pr != nil {
		cu.pr.close()
		cu.pr = nil
	}
}

// nextPage moves to the next data page, reading the dictionary page on the
// way.
func (cu *cursor) nextPage() error {
	c := cu.st.c
	for {
		if err := cu.pr.next(&cu.pg); err != nil {
			return err
		}
		p := &cu.pg
		if !p.dict {
			break
		}
		if cu.hasDict {
			return errCorrupt("a second dictionary page in one column chunk")
		}
		if err := cu.st.loadDict(p); err != nil {
			return fmt.Errorf("dictionary page: %w", err)
		}
		cu.hasDict = true
	}
	p := &cu.pg
	cu.rows, cu.r, cu.v = p.numValues, 0, 0
	cu.def = p.def
	nonNull := cu.rows
	if cu.def != nil {
		if nonNull = countValid(cu.def, byte(c.maxDef)); nonNull == cu.rows {
			cu.def = nil
		}
	}
	cu.idx, cu.indexed = nil, false
	switch p.enc {
	//lint:ignore SA1019 PLAIN_DICTIONARY is deprecated for writers, but files written by parquet 1.0 writers still use it and must read
	case format.RLEDictionary, format.PlainDictionary:
		if !cu.hasDict {
			return errCorrupt("dictionary-encoded page without a dictionary page")
		}
		if nonNull > 0 {
			if len(p.data) == 0 {
				return errCorrupt("dictionary-encoded page without data")
			}
			cu.sidx = grow(cu.sidx, nonNull)
			if err := hybrid(cu.sidx, p.data[1:], uint(p.data[0])); err != nil {
				return errCorrupt("dictionary indexes: %v", err)
			}
		}
		cu.idx, cu.indexed = cu.sidx[:nonNull], true
		cu.nvals = nonNull
		return nil
	}
	if err := cu.src.decode(c, p.enc, p.data, nonNull); err != nil {
		return err
	}
	cu.nvals = nonNull
	return nil
}

// loadDict decodes the column chunk's dictionary page into the decode's
// representation.
func (st *colState) loadDict(p *page) error {
	c := st.c
	n := p.numValues
	if err := st.dsrc.decode(c, p.enc, p.data, n); err != nil {
		return err
	}
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		st.dints = grow(st.dints, n)
		return c.ints(st.dints, &st.dsrc, 0, n)
	case frame.Float64:
		st.dflts = grow(st.dflts, n)
		c.floats(st.dflts, &st.dsrc, 0, n)
	case frame.Bool:
		st.dbools = grow(st.dbools, n)
		c.bools(st.dbools, &st.dsrc, 0, n)
	case frame.String:
		// fresh storage: chunks of the row group may hold it as their
		// dictionary
		st.ddata = make([]byte, 0, len(p.data))
		st.doffs = make([]int64, 1, n+1)
		for i := range n {
			st.ddata = c.appendStr(st.ddata, &st.dsrc, i)
			st.doffs = append(st.doffs, int64(len(st.ddata)))
		}
		st.dcol = nil
		st.remap = nil
		if st.sdict != nil && n > st.sdict.max-len(st.sdict.ids) {
			// a dictionary larger than the room left would most likely
			// fill it up half-way: keep this and later row groups' own
			st.sdict.full = true
		}
		if st.sdict != nil && !st.sdict.full {
			remap := make([]uint32, n)
			for i := range n {
				id, ok := st.sdict.add(st.ddata[st.doffs[i]:st.doffs[i+1]])
				if !ok {
					remap = nil
					break
				}
				remap[i] = id
			}
			st.remap = remap
		}
		if st.remap == nil && st.sdict != nil {
			st.dcol, _ = frame.AdoptStrings("", st.doffs, st.ddata, nil, 0) // no bitmap, no nulls: cannot fail
		}
	}
	return nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func countValid(def []byte, maxDef byte) int {
	k := 0
	if maxDef == 1 {
		// levels of bit width 1 are 0 or 1 (hybrid masks them): count the
		// ones 8 at a time
		for len(def) >= 8 {
			k += bits.OnesCount64(binary.LittleEndian.Uint64(def))
			def = def[8:]
		}
	}
	for _, d := range def {
		if d == maxDef {
			k++
		}
	}
	return k
}

// newColBuf returns an empty buffer for n rows of the column.
func (cu *cursor) newColBuf(n int) *colBuf {
	st := cu.st
	b := &colBuf{n: n}
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		b.ints = make([]int64, n)
	case frame.Float64:
		b.floats = make([]float64, n)
	case frame.Bool:
		b.bools = make([]bool, n)
	case frame.String:
		if st.sdict != nil {
			b.mode = strUndecided
			b.codes = make([]uint32, n)
		} else {
			b.mode = strPlain
			b.offs = make([]int64, 1, n+1)
			b.data = make([]byte, 0, st.lastData+st.lastData/16)
		}
	}
	return b
}

// markNulls clears the validity bits of rows o+i where def[i] is not maxDef.
func (b *colBuf) markNulls(o int, def []byte, maxDef byte) {
	if b.valid == nil {
		b.valid = make([]uint64, (b.n+63)/64)
		for i := range b.valid {
			b.valid[i] = math.MaxUint64
		}
		if r := b.n % 64; r != 0 {
			b.valid[len(b.valid)-1] = 1<<r - 1
		}
	}
	for i, d := range def {
		if d != maxDef {
			j := o + i
			b.valid[j>>6] &^= 1 << (j & 63)
			b.nulls++
		}
	}
}

// spread moves the k dense values at the start of dst to the rows whose
// definition level is maxDef (the others get null), last to first.
func spread[T any](dst []T, k int, def []byte, maxDef byte, null T) {
	j := k - 1
	for i := len(dst) - 1; i >= 0; i-- {
		if def[i] == maxDef {
			dst[i] = dst[j]
			j--
		} else {
			dst[i] = null
		}
	}
}

// fill decodes rows [o, o+m) of b from the column chunk.
func (cu *cursor) fill(b *colBuf, o, m int) error {
	c := cu.st.c
	maxDef := byte(c.maxDef)
	for m > 0 {
		if !cu.started || cu.r == cu.rows {
			if err := cu.nextPage(); err != nil {
				return err
			}
			cu.started = true
			continue
		}
		s := min(m, cu.rows-cu.r)
		var def []byte
		k := s
		if cu.def != nil {
			def = cu.def[cu.r : cu.r+s]
			if k = countValid(def, maxDef); k == s {
				def = nil
			}
		}
		if cu.v+k > cu.nvals {
			return errCorrupt("page has %d values, its definition levels need %d", cu.nvals, cu.v+k)
		}
		if def != nil {
			b.markNulls(o, def, maxDef)
		}
		if err := cu.segment(b, o, s, k, def); err != nil {
			return err
		}
		cu.r += s
		cu.v += k
		o += s
		m -= s
	}
	return nil
}

// segment decodes s rows at o holding k values (the page's next ones);
// def is their definition levels, nil when none is null.
func (cu *cursor) segment(b *colBuf, o, s, k int, def []byte) error {
	st := cu.st
	c := st.c
	maxDef := byte(c.maxDef)
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		dst := b.ints[o : o+s]
		if cu.indexed {
			if err := gather(dst[:k], st.dints, cu.idx[cu.v:cu.v+k]); err != nil {
				return err
			}
		} else if err := c.ints(dst[:k], &cu.src, cu.v, k); err != nil {
			return err
		}
		if def != nil {
			spread(dst, k, def, maxDef, 0)
		}
	case frame.Float64:
		dst := b.floats[o : o+s]
		if cu.indexed {
			if err := gather(dst[:k], st.dflts, cu.idx[cu.v:cu.v+k]); err != nil {
				return err
			}
		} else {
			c.floats(dst[:k], &cu.src, cu.v, k)
		}
		if def != nil {
			spread(dst, k, def, maxDef, math.NaN())
		}
	case frame.Bool:
		dst := b.bools[o : o+s]
		if cu.indexed {
			if err := gather(dst[:k], st.dbools, cu.idx[cu.v:cu.v+k]); err != nil {
				return err
			}
		} else {
			c.bools(dst[:k], &cu.src, cu.v, k)
		}
		if def != nil {
			spread(dst, k, def, maxDef, false)
		}
	case frame.String:
		return cu.strings(b, o, s, k, def)
	}
	return nil
}

// gather sets dst[i] = dict[idx[i]].
func gather[T any](dst, dict []T, idx []int32) error {
	for i, x := range idx {
		if uint(x) >= uint(len(dict)) {
			return errCorrupt("dictionary index %d of %d entries", x, len(dict))
		}
		dst[i] = dict[x]
	}
	return nil
}

// copyCodes sets dst[i] = idx[i], checking them against a dictionary of n
// entries.
func copyCodes(dst []uint32, idx []int32, n int) error {
	for i, x := range idx {
		if uint(x) >= uint(n) {
			return errCorrupt("dictionary index %d of %d entries", x, n)
		}
		dst[i] = uint32(x)
	}
	return nil
}

// strings decodes a segment of a String column: as codes while the chunk
// is encoded (into the read's shared dictionary while it has room, else
// into the row group's own), else as bytes. A chunk falls back to bytes
// when its pages switch from dictionary to plain encoding (or, sharing the
// read's dictionary, when that fills up).
func (cu *cursor) strings(b *colBuf, o, s, k int, def []byte) error {
	st := cu.st
	c := st.c
	maxDef := byte(c.maxDef)
	if b.mode != strPlain {
		dst := b.codes[o : o+s]
		done := false
		switch {
		case cu.indexed:
			want := strShared
			if st.remap == nil {
				want = strGroup
			}
			if b.mode == strUndecided {
				b.mode = want
				if want == strGroup {
					b.group, b.gOffs, b.gData = st.dcol, st.doffs, st.ddata
				}
			}
			switch {
			case b.mode == strShared && want == strShared:
				if err := gather(dst[:k], st.remap, cu.idx[cu.v:cu.v+k]); err != nil {
					return err
				}
				done = true
			case b.mode == strGroup && want == strGroup && b.group == st.dcol:
				if err := copyCodes(dst[:k], cu.idx[cu.v:cu.v+k], len(st.doffs)-1); err != nil {
					return err
				}
				done = true
			}
		case b.mode != strGroup && !st.sdict.full:
			b.mode = strShared
			var buf []byte
			done = true
			for i := range k {
				buf = c.appendStr(buf[:0], &cu.src, cu.v+i)
				var ok bool
				if dst[i], ok = st.sdict.add(buf); !ok {
					done = false
					break
				}
			}
		}
		if done {
			if def != nil {
				spread(dst, k, def, maxDef, 0)
			}
			return nil
		}
		b.toPlain(st, o)
	}
	// plain: append bytes row by row
	v := cu.v
	for i := range s {
		if def == nil || def[i] == maxDef {
			if cu.indexed {
				x := cu.idx[v]
				if uint(x) >= uint(len(st.doffs)-1) {
					return errCorrupt("dictionary index %d of %d entries", x, len(st.doffs)-1)
				}
				b.data = append(b.data, st.ddata[st.doffs[x]:st.doffs[x+1]]...)
			} else {
				b.data = c.appendStr(b.data, &cu.src, v)
			}
			v++
		}
		b.offs = append(b.offs, int64(len(b.data)))
	}
	return nil
}

// toPlain turns an encoded chunk column whose first o rows are filled into
// a plain one.
func (b *colBuf) toPlain(st *colState, o int) {
	mode := b.mode
	b.mode = strPlain
	b.offs = make([]int64, 1, b.n+1)
	b.data = make([]byte, 0, st.lastData+st.lastData/16)
	for i, id := range b.codes[:o] {
		if b.valid == nil || b.valid[i>>6]&(1<<(i&63)) != 0 {
			if mode == strShared {
				b.data = append(b.data, st.sdict.entry(id)...)
			} else {
				b.data = append(b.data, b.gData[b.gOffs[id]:b.gOffs[id+1]]...)
			}
		}
		b.offs = append(b.offs, int64(len(b.data)))
	}
	b.codes = nil
}

// column builds the frame column, converted to the asked type.
func (b *colBuf) column(st *colState) (*frame.Column, error) {
	c := st.c
	valid := b.valid
	if b.nulls == 0 {
		valid = nil
	}
	var col *frame.Column
	var err error
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		col, err = frame.AdoptInt64s(c.name, st.dec, b.ints, valid, b.nulls)
	case frame.Float64:
		col, err = frame.AdoptFloat64s(c.name, b.floats, valid, b.nulls)
	case frame.Bool:
		col, err = frame.AdoptBools(c.name, b.bools, valid, b.nulls)
	case frame.String:
		switch b.mode {
		case strShared:
			col, err = frame.AdoptDict(c.name, b.codes, st.sdict.snapshot(), valid, b.nulls)
		case strGroup:
			col, err = frame.AdoptDict(c.name, b.codes, b.group, valid, b.nulls)
		case strUndecided: // no rows
			col, err = frame.AdoptStrings(c.name, nil, nil, valid, b.nulls)
		default:
			st.lastData = len(b.data)
			col, err = frame.AdoptStrings(c.name, b.offs, b.data, valid, b.nulls)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("column %s: %w", c.name, err)
	}
	if c.typ != st.dec {
		return convert(col, c.typ)
	}
	return col, nil
}
