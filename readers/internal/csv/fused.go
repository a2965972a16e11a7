package csv

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
)

// The fused path: one pass over a chunk that tokenizes each record and
// converts every projected field straight into exact-size typed slices
// (column slices of the chunk's record count, a validity bitmap made only on
// the first null), which the chunk's columns then adopt without copying.
//
// It handles clean input only: strict quoting (no LazyQuotes, no Comment),
// records with exactly the header's field count. Plain unquoted integers and
// decimals (up to 18 / 15 digits) are parsed inline; every other field takes
// the generic route (the tokenizer's field rules, trimming, NA matching and
// the same parse functions as the general path), so values are identical. On
// anything else — a ragged record, a quoting error or stray quote, a value
// that breaks its column's type — it gives up and the chunk is re-parsed by
// the general path, which reports errors exactly as before.

// Column kinds of the fused and block paths.
const (
	kInt uint8 = iota
	kFloat
	kBool
	kDate
	kDatetime
	kString
	kRaw
)

// fusedPlan is the per-reader setup of the fused path (shared, read only).
type fusedPlan struct {
	fplan   []int32 // per field of a record: output column, or -1 (skipped)
	kinds   []uint8 // per output column
	seps    []byte  // per output column: thousands separator (0: none)
	fastNum bool    // inline parsing of plain numbers is exact for these options
	term    [256]bool
	special [256]bool // delimiter, quote, CR, LF
	fails   atomic.Int32
	// blockFails counts chunks the block path gave up on (see block.go)
	blockFails atomic.Int32
	delims     uint64 // the delimiter in every byte
}

// newFusedPlan returns the plan, or nil when the fused path does not apply.
func newFusedPlan(rd *reader) *fusedPlan {
	opt := &rd.cfg
	if opt.LazyQuotes || rd.comment != nil || rd.nfields <= 0 || rd.nfields > rd.hdrFields {
		// stray quotes and comments need the tokenizer; records wider
		// than the header (RaggedExtend) are counted by the general path
		return nil
	}
	fp := &fusedPlan{fplan: make([]int32, rd.nfields), kinds: make([]uint8, len(rd.cols)), seps: make([]byte, len(rd.cols))}
	for i := range fp.fplan {
		fp.fplan[i] = -1
	}
	for k, c := range rd.cols {
		if c.src >= rd.nfields || fp.fplan[c.src] >= 0 {
			return nil // the same field projected twice: leave it to the general path
		}
		fp.fplan[c.src] = int32(k)
		fp.seps[k] = c.nf.thousands
		switch {
		case opt.Raw:
			fp.kinds[k] = kRaw
		case c.typ == frame.Int64:
			fp.kinds[k] = kInt
		case c.typ == frame.Float64:
			fp.kinds[k] = kFloat
		case c.typ == frame.Bool:
			fp.kinds[k] = kBool
		case c.typ == frame.Date:
			fp.kinds[k] = kDate
		case c.typ == frame.Datetime:
			fp.kinds[k] = kDatetime
		default:
			fp.kinds[k] = kString
		}
	}
	// inline number parsing is only exact when no NA token looks like a
	// plain number and the decimal mark is '.'
	fp.fastNum = !opt.DecimalComma
	for _, t := range rd.na.toks {
		if _, ok := parseFloat([]byte(t), numFmt{decimal: '.'}); ok {
			fp.fastNum = false
		}
	}
	for _, c := range []byte{rd.delim, '\n', '\r'} {
		fp.term[c] = true
		fp.special[c] = true
	}
	fp.special['"'] = true
	fp.delims = uint64(rd.delim) * 0x0101010101010101
	return fp
}

// colOut accumulates one output column of a chunk.
type colOut struct {
	ints   []int64
	floats []float64
	bools  []bool
	offs   []int64
	data   []byte
	valid  []uint64 // nil until the first null
	nulls  int
	// a dictionary-encoded String column: the codes, written row by row
	// (coded: by the block path) or, else, encoded from offs and data when
	// the chunk is built
	codes []uint32
	coded bool
}

func (o *colOut) setNull(r, capRows int) {
	if o.valid == nil {
		o.valid = make([]uint64, (capRows+63)/64)
		for i := range o.valid {
			o.valid[i] = ^uint64(0)
		}
	}
	o.valid[r>>6] &^= 1 << (uint(r) & 63)
	o.nulls++
}

// worker is one parsing goroutine's scratch space.
type worker struct {
	// nullToks are the NAAuto tokens read as null in the chunk being
	// parsed, as "column\x00token"
	nullToks []string
	esc      []byte
	key      []byte
	lines    int // line breaks inside the quoted fields of genericField
	block    *blockScratch
	sdata    [][]byte  // per output column: reused string bytes
	soffs    [][]int64 // per output column: reused string offsets (dictionary columns)
	dicts    []*dictCache
}

var nan = math.NaN()

var pow10f = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fusedChunk parses a chunk of whole records; ok is false when the general path
// must parse it instead.
//
// With coll non-nil, hint is the chunk's record count and the chunk's
// numeric columns start as views of the collector's arrays at row off.
func (rd *reader) fusedChunk(w *worker, chunk []byte, hint int, coll *collector, off int) (pc piece, ok bool) {
	fp := rd.fused
	n := len(chunk)
	delim := rd.delim
	nf := rd.nfields
	ncol := len(rd.cols)
	capRows := max(hint, 8)
	kp := rd.keep
	keyField := -1
	if kp != nil {
		// most records may be dropped: start small, grow by doubling
		capRows = max(hint/8, 64)
		keyField = kp.field
	}
	outs := make([]colOut, ncol)
	if len(w.sdata) < ncol {
		w.sdata = make([][]byte, ncol)
	}
	for k := range outs {
		rd.allocOut(w, &outs[k], k, capRows, coll, off, coll != nil && hint == capRows)
	}
	fplan, kinds, term, special := fp.fplan, fp.kinds, &fp.term, &fp.special
	fastNum := fp.fastNum
	naEmpty := rd.na.empty
	naFirst := &rd.na.first
	seps := fp.seps
	r := 0
	p := 0
	// line breaks are counted as the records are parsed (terminators,
	// blank lines, breaks inside quoted fields), not by another pass
	lines := 0
	w.lines = 0
records:
	for p < n {
		if c := chunk[p]; c == '\n' || c == '\r' {
			// blank line
			lines++
			p++
			if c == '\r' && p < n && chunk[p] == '\n' {
				p++
			}
			continue
		}
		if r == capRows {
			outs, capRows = rd.growOuts(w, outs, capRows)
		}
		dropped := false // the record's key did not match: skip its other fields
		for fi := 0; fi < nf; fi++ {
			k := fplan[fi]
			if k < 0 || dropped {
				// skipped field
				if p < n && chunk[p] == '"' {
					q := p + 1
					for {
						e := bytes.IndexByte(chunk[q:], '"')
						if e < 0 {
							return pc, false
						}
						q += e + 1
						if q < n && chunk[q] == '"' {
							q++
							continue
						}
						break
					}
					if q < n && !term[chunk[q]] {
						return pc, false
					}
					lines += quotedBreaks(chunk[p:q])
					p = q
				} else {
					p = fp.plainEnd(chunk, p)
					if p < n && chunk[p] == '"' {
						return pc, false // stray quote
					}
				}
			} else {
				o := &outs[k]
				switch kinds[k] {
				case kInt:
					if fastNum && p+9 <= n {
						// up to 7 digits, 8 bytes at a time
						if m, e, fr, neg, ok := signedDecimal(chunk, p); ok && fr < 0 && term[chunk[e]] {
							v := int64(m)
							if neg {
								v = -v
							}
							o.ints[r] = v
							p = e
							break
						}
					}
					if fastNum {
						s, neg := signAt(chunk, p)
						u, q := digitsFrom(chunk, s, 0)
						if d := q - s; d > 0 && d <= 18 && (q == n || term[chunk[q]]) {
							v := int64(u)
							if neg {
								v = -v
							}
							o.ints[r] = v
							p = q
							break
						}
						if q == p && q < n && chunk[q] == '"' {
							// "132,588,810": strictly grouped digits in quotes
							if q+9 < n {
								if v, l, ok := swarQuotedInt(binary.LittleEndian.Uint64(chunk[q+1:]), seps[k]); ok {
									if e := q + l + 2; e == n || term[chunk[e]] {
										o.ints[r] = int64(v)
										p = e
										break
									}
								}
							}
							if v, e, ok := quotedInt(chunk, q+1, seps[k]); ok && (e == n || term[chunk[e]]) {
								o.ints[r] = v
								p = e
								break
							}
						}
					}
					if p, ok = rd.genericField(w, o, kInt, k, chunk, p, r, capRows); !ok {
						return pc, false
					}
				case kFloat:
					if fastNum && p+9 <= n {
						// up to 7 digits and a dot, 8 bytes at a time
						if m, e, fr, neg, ok := signedDecimal(chunk, p); ok && term[chunk[e]] {
							f := float64(m)
							if fr > 0 {
								f /= pow10f[fr]
							}
							if neg {
								f = -f
							}
							o.floats[r] = f
							p = e
							break
						}
					}
					if fastNum {
						s, neg := signAt(chunk, p)
						m, q := digitsFrom(chunk, s, 0)
						id := q - s
						fr := 0
						if q < n && chunk[q] == '.' && id <= 15 {
							s2 := q + 1
							m, q = digitsFrom(chunk, s2, m)
							fr = q - s2
						}
						if id+fr > 0 && id+fr <= 15 && (q == n || term[chunk[q]]) {
							f := float64(m) / pow10f[fr]
							if neg {
								f = -f
							}
							o.floats[r] = f
							p = q
							break
						}
					}
					if p, ok = rd.genericField(w, o, kFloat, k, chunk, p, r, capRows); !ok {
						return pc, false
					}
				case kRaw:
					if q, ok := plainRun(chunk, p, special); ok {
						o.data = append(o.data, chunk[p:q]...)
						o.offs[r+1] = int64(len(o.data))
						p = q
						break
					}
					if p, ok = rd.genericField(w, o, kRaw, k, chunk, p, r, capRows); !ok {
						return pc, false
					}
				case kString:
					// plain unquoted text that cannot be NA and needs no
					// trimming goes straight in
					if q, ok := plainRun(chunk, p, special); ok {
						if c0, c1 := chunk[p], chunk[q-1]; !naFirst[c0] && c0 != ' ' && c0 != '\t' && c1 != ' ' && c1 != '\t' {
							o.data = append(o.data, chunk[p:q]...)
							o.offs[r+1] = int64(len(o.data))
							p = q
							break
						}
					}
					if p, ok = rd.genericField(w, o, kString, k, chunk, p, r, capRows); !ok {
						return pc, false
					}
				default:
					if naEmpty && (p == n || term[chunk[p]]) && kinds[k] != kRaw {
						// empty field, an NA token: null
						o.setNull(r, capRows)
						break
					}
					if p, ok = rd.genericField(w, o, kinds[k], k, chunk, p, r, capRows); !ok {
						return pc, false
					}
				}
			}
			if fi == keyField && !dropped && !kp.match(w, outs, r) {
				undoRow(outs, r)
				if q, ok := fp.skipRest(chunk, p, nf-1-fi); ok {
					if c := chunk[q-1]; c == '\n' || c == '\r' {
						lines++
					}
					p = q
					continue records
				}
				dropped = true
			}
			if fi < nf-1 {
				if p >= n || chunk[p] != delim {
					return pc, false // short record (or a quoting problem)
				}
				p++
			}
		}
		if p < n {
			lines++
			switch chunk[p] {
			case '\n':
				p++
			case '\r':
				p++
				if p < n && chunk[p] == '\n' {
					p++
				}
			default:
				return pc, false // long record
			}
		}
		if !dropped {
			r++
		}
	}
	f, ok := rd.buildFrame(w, outs, r, capRows, coll)
	if !ok {
		return pc, false
	}
	pc.f = f
	pc.rows = r
	pc.lines = lines + w.lines
	return pc, true
}

// plainRun returns the end of the run of ordinary bytes (not special: no
// delimiter, quote or line end) at b[p], and whether it is a whole plain
// field: not empty, and not stopped by a quote.
func plainRun(b []byte, p int, special *[256]bool) (int, bool) {
	q := p
	for q < len(b) && !special[b[q]] {
		q++
	}
	return q, q > p && (q == len(b) || b[q] != '"')
}

// quotedBreaks counts the line breaks in a quoted field like countLines,
// looking at short fields byte by byte.
func quotedBreaks(b []byte) int {
	if len(b) > 32 {
		return countLines(b)
	}
	for _, c := range b {
		if c == '\n' || c == '\r' {
			return countLines(b)
		}
	}
	return 0
}

// allocOut sets up output column k of a chunk with room for rows; with view,
// numeric columns are views of the collector's whole-input arrays at off.
func (rd *reader) allocOut(w *worker, o *colOut, k, rows int, coll *collector, off int, view bool) {
	switch rd.fused.kinds[k] {
	case kInt, kDate, kDatetime:
		if view {
			if o.ints = coll.intView(k, off, rows); o.ints != nil {
				populate(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(o.ints))), 8*len(o.ints)))
				return
			}
		}
		o.ints = make([]int64, rows)
	case kFloat:
		if view {
			if o.floats = coll.floatView(k, off, rows); o.floats != nil {
				populate(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(o.floats))), 8*len(o.floats)))
				return
			}
		}
		o.floats = make([]float64, rows)
	case kBool:
		o.bools = make([]bool, rows)
	default:
		if d := rd.cols[k].dict; d != nil && !d.full.Load() {
			// encoded at the end of the chunk: the offsets are scratch
			if w.soffs == nil {
				w.soffs = make([][]int64, len(rd.cols))
			}
			if o.offs = w.soffs[k]; cap(o.offs) >= rows+1 {
				o.offs = o.offs[:rows+1]
				o.offs[0] = 0
			} else {
				o.offs = make([]int64, rows+1)
			}
			if view {
				if o.codes = coll.codeView(k, off, rows); o.codes != nil {
					populate(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(o.codes))), 4*len(o.codes)))
				}
			}
			if o.codes == nil {
				o.codes = make([]uint32, rows)
			}
		} else if view {
			o.offs = coll.offsBuf(rows + 1)
		} else {
			o.offs = make([]int64, rows+1)
		}
		if o.data == nil {
			o.data = w.sdata[k][:0]
			if want := int(rd.cols[k].avg*float64(rows)*1.1) + 64; cap(o.data) < want {
				o.data = make([]byte, 0, want)
			}
		}
	}
}

// growOuts doubles the room of a chunk's output columns.
func (rd *reader) growOuts(w *worker, old []colOut, capRows int) ([]colOut, int) {
	outs := make([]colOut, len(old))
	newCap := capRows * 2
	for k := range outs {
		rd.allocOut(w, &outs[k], k, newCap, nil, 0, false)
		o, q := &outs[k], &old[k]
		copy(o.ints, q.ints)
		copy(o.floats, q.floats)
		copy(o.bools, q.bools)
		copy(o.offs, q.offs)
		if q.codes != nil && o.codes == nil {
			o.codes = make([]uint32, newCap)
		}
		copy(o.codes, q.codes)
		o.coded = q.coded
		o.data = q.data
		o.nulls = q.nulls
		if q.valid != nil {
			o.valid = make([]uint64, (newCap+63)/64)
			for i := range o.valid {
				o.valid[i] = ^uint64(0)
			}
			copy(o.valid, q.valid)
		}
	}
	return outs, newCap
}

// buildFrame makes the chunk's frame of its first r rows.
func (rd *reader) buildFrame(w *worker, outs []colOut, r, capRows int, coll *collector) (*frame.Frame, bool) {
	cols := make([]*frame.Column, len(outs))
	exact := r >= capRows-capRows/64-8
	var err error // an adoption that fails sends the chunk to the general path, as a failed New does
	for k, c := range rd.cols {
		o := &outs[k]
		var valid []uint64
		if o.nulls > 0 {
			valid = o.valid[:(r+63)/64]
			if !exact {
				valid = append([]uint64(nil), valid...)
			}
			if rem := r & 63; rem != 0 {
				valid[len(valid)-1] &= 1<<uint(rem) - 1
			}
		}
		switch rd.fused.kinds[k] {
		case kInt, kDate, kDatetime:
			cols[k], err = frame.AdoptInt64s(c.name, c.typ, fit(o.ints, r, exact), valid, o.nulls)
		case kFloat:
			cols[k], err = frame.AdoptFloat64s(c.name, fit(o.floats, r, exact), valid, o.nulls)
		case kBool:
			cols[k], err = frame.AdoptBools(c.name, fit(o.bools, r, exact), valid, o.nulls)
		default:
			if d := c.dict; d != nil && o.codes != nil {
				// the block path wrote the codes; the fused path wrote the
				// strings, encoded now
				codes, ok := o.codes, o.coded
				if !ok {
					codes, ok = d.encode(rd.dictCaches(w)[k], o.offs, o.data, valid, r, o.codes)
				}
				if ok {
					// the codes keep no reference to the scratch buffers
					w.soffs[k] = o.offs[:0]
					w.sdata[k] = o.data[:0]
					if cols[k], err = frame.AdoptDict(c.name, fit(codes, r, exact), d.snapshot(), valid, o.nulls); err != nil {
						return nil, false
					}
					continue
				}
				if w.soffs != nil {
					w.soffs[k] = nil // the offsets go to the plain column
				}
			}
			var data []byte
			if coll != nil {
				// collect mode: Collect copies the bytes out and recycles
				// the buffer, so the scratch itself becomes the chunk's
				// buffer and a recycled one the next scratch
				data = o.data
				w.sdata[k] = coll.scratch(cap(o.data))
			} else {
				data = make([]byte, len(o.data))
				copy(data, o.data)
				w.sdata[k] = o.data[:0]
			}
			cols[k], err = frame.AdoptStrings(c.name, fit(o.offs, r+1, exact), data, valid, o.nulls)
		}
		if err != nil {
			return nil, false
		}
	}
	f, err := frame.New(cols...)
	return f, err == nil
}

// undoRow clears what the fields parsed so far wrote for row r (the row is
// dropped and r reused): string bytes and null bits.
func undoRow(outs []colOut, r int) {
	for k := range outs {
		o := &outs[k]
		if o.valid != nil && o.valid[r>>6]&(1<<(uint(r)&63)) == 0 {
			o.valid[r>>6] |= 1 << (uint(r) & 63)
			o.nulls--
		}
		if o.offs != nil {
			o.data = o.data[:o.offs[r]]
		}
	}
}

// quotedInt parses the body of a quoted integer starting at b[i]: an
// optional '-', digits strictly grouped by sep (1-3 leading digits, then
// groups of 3) or ungrouped, at most 18 digits, and the closing quote. It
// returns the value and the position after the closing quote; it accepts
// exactly what parseInt accepts of such text, and reports false for anything
// else (spaces, '+', doubled quotes…), which the generic route then handles.
func quotedInt(b []byte, i int, sep byte) (int64, int, bool) {
	n := len(b)
	neg := false
	if i < n && b[i] == '-' {
		neg = true
		i++
	}
	var u uint64
	s := i
	for i < n && i-s < 19 {
		d := b[i] - '0'
		if d > 9 {
			break
		}
		u = u*10 + uint64(d)
		i++
	}
	digits := i - s
	if digits == 0 {
		return 0, 0, false
	}
	if i < n && b[i] == sep && sep != 0 {
		if digits > 3 {
			return 0, 0, false
		}
		// groups of exactly three digits
		for i+3 < n && b[i] == sep {
			d0, d1, d2 := b[i+1]-'0', b[i+2]-'0', b[i+3]-'0'
			if d0 > 9 || d1 > 9 || d2 > 9 {
				return 0, 0, false
			}
			u = u*1000 + uint64(d0)*100 + uint64(d1)*10 + uint64(d2)
			digits += 3
			i += 4
		}
	}
	if digits > 18 || i >= n || b[i] != '"' {
		return 0, 0, false
	}
	i++
	if i < n && b[i] == '"' {
		return 0, 0, false // doubled quote: not a number anyway, let the generic route decide
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return v, i, true
}

// fit returns s[:n] with no spare capacity, copying when s is much larger.
func fit[T any](s []T, n int, exact bool) []T {
	if exact {
		return s[:n:n]
	}
	out := make([]T, n)
	copy(out, s)
	return out
}

// genericField reads the field at p by the tokenizer's rules and converts it
// like the general path. It returns the position after the field (at its
// terminator), or false when the general path must take over.
func (rd *reader) genericField(w *worker, o *colOut, kind uint8, k int32, b []byte, p, r, capRows int) (int, bool) {
	n := len(b)
	var f []byte
	if p < n && b[p] == '"' {
		q := p + 1
		for lim := min(n, q+16); q < lim && b[q] != '"'; q++ {
		}
		if q >= n || b[q] != '"' {
			e := bytes.IndexByte(b[q:], '"')
			if e < 0 {
				return 0, false
			}
			q += e
		}
		if q+1 < n && b[q+1] == '"' {
			// doubled quotes: collapse into the escape buffer
			esc := w.esc[:0]
			seg := p + 1
			for {
				esc = append(esc, b[seg:q+1]...)
				seg = q + 2
				e := bytes.IndexByte(b[seg:], '"')
				if e < 0 {
					return 0, false
				}
				q = seg + e
				if q+1 < n && b[q+1] == '"' {
					continue
				}
				break
			}
			esc = append(esc, b[seg:q]...)
			w.esc = esc
			f = esc
		} else {
			f = b[p+1 : q]
		}
		w.lines += quotedBreaks(b[p:q])
		p = q + 1
		if p < n && !rd.fused.term[b[p]] {
			return 0, false
		}
	} else {
		s := p
		p = rd.fused.plainEnd(b, p)
		if p < n && b[p] == '"' {
			return 0, false // stray quote
		}
		f = b[s:p]
	}
	if kind == kRaw {
		o.data = append(o.data, f...)
		o.offs[r+1] = int64(len(o.data))
		return p, true
	}
	t := trimSpace(f)
	if rd.na.has(t) {
		o.setNull(r, capRows)
		switch kind {
		case kFloat:
			o.floats[r] = nan
		case kString:
			o.offs[r+1] = int64(len(o.data))
		}
		return p, true
	}
	ok := true
	switch kind {
	case kInt:
		c := &rd.cols[k]
		if o.ints[r], ok = parseInt(t, c.nf); !ok && c.auto && isAutoNA(t) {
			w.noteNull(int(k), t)
			o.setNull(r, capRows)
			o.ints[r], ok = 0, true
		}
	case kFloat:
		c := &rd.cols[k]
		var v float64
		if v, ok = parseFloat(t, c.nf); !ok && c.auto && isAutoNA(t) {
			w.noteNull(int(k), t)
			v, ok = nan, true
		}
		if v != v {
			o.setNull(r, capRows) // a NaN text not listed as NA (or NAAuto's null)
		}
		o.floats[r] = v
	case kBool:
		o.bools[r], ok = parseBool(t)
	case kDate:
		o.ints[r], ok = parseDate(t)
	case kDatetime:
		var v int64
		v, ok = parseDatetime(t)
		if !ok {
			var d int64
			if d, ok = parseDate(t); ok {
				v = d * 86400e9
			}
		}
		o.ints[r] = v
	default:
		if rd.cfg.TrimSpace {
			o.data = append(o.data, t...)
		} else {
			o.data = append(o.data, f...)
		}
		o.offs[r+1] = int64(len(o.data))
	}
	return p, ok
}

// plainEnd returns the position of the first delimiter, quote, CR or LF in
// b at or after p (len(b) if none), testing 8 bytes at a time: one
// predictable branch per word instead of one per byte.
func (fp *fusedPlan) plainEnd(b []byte, p int) int {
	const lo7 = 0x7F7F7F7F7F7F7F7F
	const hi = 0x8080808080808080
	const ones = 0x0101010101010101
	n := len(b)
	for p+8 <= n {
		x := binary.LittleEndian.Uint64(b[p:])
		d := x ^ fp.delims
		q := x ^ '"'*ones
		l := x ^ '\n'*ones
		c := x ^ '\r'*ones
		m := ^(((d & lo7) + lo7) | d) | ^(((q & lo7) + lo7) | q) | ^(((l & lo7) + lo7) | l) | ^(((c & lo7) + lo7) | c)
		if m &= hi; m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
		p += 8
	}
	for p < n && !fp.special[b[p]] {
		p++
	}
	return p
}
