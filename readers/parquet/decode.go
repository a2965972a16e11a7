package parquet

import (
	"errors"
	"fmt"
	"io"
	"math"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// dictMaxEntries caps a column's dictionary across a read, as the CSV
// reader does (a variable for tests).
var dictMaxEntries = 1 << 16

// strDict is the dictionary of one String column across a read: the
// entries of every row group's Parquet dictionary, each distinct value once,
// appended in order of first appearance. Chunks hold prefixes of it, so
// frame.Concat keeps them encoded.
type strDict struct {
	ids  map[string]uint32
	offs []int64
	data []byte
	full bool // capped: the column is read plain from now on
	snap *frame.Column
}

func newStrDict() *strDict { return &strDict{ids: map[string]uint32{}, offs: []int64{0}} }

// add returns b's code, adding it when new; false when the dictionary is full.
func (d *strDict) add(b []byte) (uint32, bool) {
	if id, ok := d.ids[string(b)]; ok {
		return id, true
	}
	id := len(d.offs) - 1
	if id >= dictMaxEntries {
		d.full = true
		return 0, false
	}
	d.data = append(d.data, b...)
	d.offs = append(d.offs, int64(len(d.data)))
	d.ids[string(b)] = uint32(id)
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
		d.snap = frame.AdoptStrings("", d.offs[:n:n], d.data[:e:e], nil, 0)
	}
	return d.snap
}

// colState is what one column keeps across the chunks of a read.
type colState struct {
	c     *column
	dec   frame.Type // what the decoder produces (see column.dec)
	sdict *strDict   // String columns read encoded; nil: plain

	// the last Parquet dictionary seen, decoded once per row group (a
	// column chunk has at most one) into the decode's representation
	pdict  pq.Dictionary
	dsrc   source
	dints  []int64
	dflts  []float64
	dbools []bool
	doffs  []int64 // String: entry i is ddata[doffs[i]:doffs[i+1]]
	ddata  []byte
	remap  []uint32 // String read encoded: entry i's code in sdict; nil when sdict filled up
}

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
	coded  bool
}

// cursor reads one column chunk (one column of one row group) page by page.
type cursor struct {
	st      *colState
	pages   pq.Pages
	page    pq.Page
	def     []byte // definition levels of the page (nil: REQUIRED column)
	rows    int    // rows in the page
	r       int    // next row of the page
	v       int    // next value (non-null) of the page
	src     source // the page's values, unless indexed
	idx     []int32
	nvals   int
	hasDict bool // the column chunk has a dictionary page
}

func newCursor(st *colState, cc *pq.FileColumnChunk, md *format.ColumnMetaData) *cursor {
	cu := &cursor{st: st, pages: cc.Pages()}
	cu.hasDict = md.DictionaryPageOffset != 0
	for _, e := range md.Encoding {
		if e == format.RLEDictionary || e == format.PlainDictionary {
			cu.hasDict = true
		}
	}
	return cu
}

// close releases the page and the page reader.
func (cu *cursor) close() {
	if cu.page != nil {
		pq.Release(cu.page)
		cu.page = nil
	}
	if cu.pages != nil {
		cu.pages.Close()
		cu.pages = nil
	}
}

// errShortColumn: a column chunk ended before its row group's rows.
var errShortColumn = errors.New("column chunk has fewer rows than its row group")

// nextPage moves to the next data page.
func (cu *cursor) nextPage() error {
	c := cu.st.c
	if cu.page != nil {
		pq.Release(cu.page)
		cu.page = nil
	}
	p, err := cu.pages.ReadPage()
	if err == io.EOF {
		return fmt.Errorf("%w: %w", errShortColumn, readers.ErrFormat)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", readers.ErrFormat, err)
	}
	cu.page = p
	cu.rows = int(p.NumValues())
	cu.r, cu.v = 0, 0
	cu.def = nil
	if c.maxDef > 0 {
		cu.def = p.DefinitionLevels()
		if len(cu.def) != cu.rows {
			return fmt.Errorf("page of %d rows has %d definition levels: %w", cu.rows, len(cu.def), readers.ErrFormat)
		}
	}
	cu.idx = nil
	if d := p.Dictionary(); d != nil {
		if err := cu.st.loadDict(d); err != nil {
			return err
		}
		data := p.Data()
		cu.idx = data.Int32()
		cu.nvals = len(cu.idx)
		return nil
	}
	nonNull := cu.rows
	if cu.def != nil {
		nonNull = countValid(cu.def, byte(c.maxDef))
	}
	if err := cu.src.load(c, p.Data(), nonNull); err != nil {
		return err
	}
	cu.nvals = cu.src.n
	return nil
}

// loadDict decodes a Parquet dictionary into the decode's representation,
// once per dictionary (once per row group).
func (st *colState) loadDict(d pq.Dictionary) error {
	if d == st.pdict {
		return nil
	}
	st.pdict = nil
	c := st.c
	dp := d.Page()
	n := d.Len()
	if err := st.dsrc.load(c, dp.Data(), n); err != nil {
		return fmt.Errorf("dictionary: %w", err)
	}
	if st.dsrc.n < n {
		return fmt.Errorf("dictionary of %d entries holds %d values: %w", n, st.dsrc.n, readers.ErrFormat)
	}
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		st.dints = grow(st.dints, n)
		if err := c.ints(st.dints, &st.dsrc, 0, n); err != nil {
			return err
		}
	case frame.Float64:
		st.dflts = grow(st.dflts, n)
		c.floats(st.dflts, &st.dsrc, 0, n)
	case frame.Bool:
		st.dbools = grow(st.dbools, n)
		c.bools(st.dbools, &st.dsrc, 0, n)
	case frame.String:
		st.ddata = st.ddata[:0]
		st.doffs = append(st.doffs[:0], 0)
		for i := range n {
			st.ddata = c.appendStr(st.ddata, &st.dsrc, i)
			st.doffs = append(st.doffs, int64(len(st.ddata)))
		}
		// remap stays nil unless every entry has a code
		remap := st.remap[:0]
		if remap == nil {
			remap = []uint32{}
		}
		st.remap = nil
		if st.sdict != nil && !st.sdict.full {
			for i := range n {
				id, ok := st.sdict.add(st.ddata[st.doffs[i]:st.doffs[i+1]])
				if !ok {
					remap = nil
					break
				}
				remap = append(remap, id)
			}
			st.remap = remap
		}
	}
	st.pdict = d
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
		if st.sdict != nil && !st.sdict.full && cu.hasDict {
			b.coded = true
			b.codes = make([]uint32, n)
		} else {
			b.offs = make([]int64, 1, n+1)
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
		if cu.page == nil || cu.r == cu.rows {
			if err := cu.nextPage(); err != nil {
				return err
			}
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
			return fmt.Errorf("page has %d values, its definition levels need %d: %w", cu.nvals, cu.v+k, readers.ErrFormat)
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
		if cu.idx != nil {
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
		if cu.idx != nil {
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
		if cu.idx != nil {
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
			return fmt.Errorf("dictionary index %d of %d entries: %w", x, len(dict), readers.ErrFormat)
		}
		dst[i] = dict[x]
	}
	return nil
}

// strings decodes a segment of a String column: into codes while the
// chunk is encoded (falling back to plain when the dictionary fills up),
// else into bytes.
func (cu *cursor) strings(b *colBuf, o, s, k int, def []byte) error {
	st := cu.st
	c := st.c
	maxDef := byte(c.maxDef)
	if b.coded {
		dst := b.codes[o : o+s]
		ok := true
		switch {
		case cu.idx != nil && st.remap != nil:
			if err := gather(dst[:k], st.remap, cu.idx[cu.v:cu.v+k]); err != nil {
				return err
			}
		case cu.idx != nil:
			ok = false
		default:
			var buf []byte
			for i := range k {
				buf = c.appendStr(buf[:0], &cu.src, cu.v+i)
				if dst[i], ok = st.sdict.add(buf); !ok {
					break
				}
			}
		}
		if ok {
			if def != nil {
				spread(dst, k, def, maxDef, 0)
			}
			return nil
		}
		b.toPlain(st.sdict, o)
	}
	// plain: append bytes row by row
	v := cu.v
	for i := range s {
		if def == nil || def[i] == maxDef {
			if cu.idx != nil {
				x := cu.idx[v]
				if uint(x) >= uint(len(st.doffs)-1) {
					return fmt.Errorf("dictionary index %d of %d entries: %w", x, len(st.doffs)-1, readers.ErrFormat)
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
// a plain one (its dictionary filled up).
func (b *colBuf) toPlain(d *strDict, o int) {
	b.coded = false
	b.offs = make([]int64, 1, b.n+1)
	for i, id := range b.codes[:o] {
		if b.valid == nil || b.valid[i>>6]&(1<<(i&63)) != 0 {
			b.data = append(b.data, d.entry(id)...)
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
	switch st.dec {
	case frame.Int64, frame.Date, frame.Datetime:
		col = frame.AdoptInt64s(c.name, st.dec, b.ints, valid, b.nulls)
	case frame.Float64:
		col = frame.AdoptFloat64s(c.name, b.floats, valid, b.nulls)
	case frame.Bool:
		col = frame.AdoptBools(c.name, b.bools, valid, b.nulls)
	case frame.String:
		if b.coded {
			col = frame.AdoptDict(c.name, b.codes, st.sdict.snapshot(), valid, b.nulls)
		} else {
			col = frame.AdoptStrings(c.name, b.offs, b.data, valid, b.nulls)
		}
	}
	if c.typ != st.dec {
		return convert(col, c.typ)
	}
	return col, nil
}
