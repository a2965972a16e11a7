package csv

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The block path: a chunk is parsed in three stages, the way simdcsv and
// DuckDB split the work, instead of the fused path's one byte loop.
//
//  1. structMasks turns each 64-byte block into bitmasks of quotes,
//     delimiters and line ends (AVX2 where the CPU has it).
//  2. A prefix XOR of the quote mask marks the bytes inside quoted fields;
//     the quoting rules are checked on whole masks (an opening quote starts
//     a field, a closing quote is followed by a delimiter, a doubled quote
//     or the line's end; CR only before LF); the delimiters and line ends
//     outside quotes are walked bit by bit into field end positions, a
//     batch of records at a time.
//  3. Each projected column of the batch is converted in its own tight loop
//     (plain and quoted grouped numbers inline, everything else by the fused
//     path's generic route), while the batch's bytes are still in cache.
//
// It gives up (ok false; the fused path and then the general path take
// the chunk) on a quoted line break, a lone CR, a ragged record, a quoting
// violation, or a value that breaks its column's type; so it never has to
// report an error itself, and its values are the fused path's.

// useBlock reports whether the block path is worth trying: it needs the
// vector masks to beat the fused loop (tests force it, or switch it off).
func (rd *reader) useBlock() bool {
	t := &rd.cfg.tune
	return rd.fused != nil && rd.keep == nil && !t.noBlock && (hasStructMasksAsm || t.forceBlock) && rd.fused.blockFails.Load() < 4
}

// blockScratch is a worker's reusable space for the block path.
type blockScratch struct {
	masks []uint64
	tail  [64]byte
	// pos[0] is the position before the first pending record (its start
	// minus one); pos[1:] the delimiters and line ends outside quotes
	// since then, in order
	pos []int32
}

const blockSegBlocks = 128 // blocks whose masks are computed at a time: 8 KiB of input, converted while in L1

// blockChunk parses a chunk of whole records by the block path.
func (rd *reader) blockChunk(w *worker, chunk []byte, hint int, coll *collector, off int) (pc piece, ok bool) {
	n := len(chunk)
	nf := rd.nfields
	if n == 0 || n > 1<<31-128 || nf < 2 {
		return pc, false
	}
	ncol := len(rd.cols)
	delim := rd.delim
	vs := w.block
	if vs == nil {
		vs = &blockScratch{masks: make([]uint64, 4*blockSegBlocks)}
		w.block = vs
	}
	if len(w.sdata) < ncol {
		w.sdata = make([][]byte, ncol)
	}
	capRows := max(hint, 8)
	outs := make([]colOut, ncol)
	for k := range outs {
		rd.allocOut(w, &outs[k], k, capRows, coll, off, coll != nil && hint == capRows)
	}
	w.lines = 0
	row0 := 0 // rows converted so far
	pos := vs.pos[:cap(vs.pos)]
	if len(pos) < 2*64*blockSegBlocks/8 {
		pos = make([]int32, 2*64*blockSegBlocks/8)
	}
	pos[0] = -1
	np := 1 // used entries of pos
	lfs := 0
	lines := 0
	var carry uint64 // all ones when the block starts inside a quoted field
	isDQL := func(c byte) bool { return c == delim || c == '"' || c == '\n' }
	isDQLC := func(c byte) bool { return c == delim || c == '"' || c == '\n' || c == '\r' }
	// convert the records whose line ends are in pos
	flush := func() bool {
		recs := lfs
		if recs == 0 {
			return true
		}
		if np-1 < recs*nf {
			return false
		}
		for r := 1; r <= recs; r++ {
			if chunk[pos[r*nf]] != '\n' {
				return false // a blank line, or a ragged record
			}
		}
		for row0+recs > capRows {
			outs, capRows = rd.growOuts(w, outs, capRows)
		}
		if !rd.blockConvert(w, outs, chunk, pos, recs, row0, capRows) {
			return false
		}
		row0 += recs
		lines += recs
		// keep the pending record's positions
		used := recs * nf
		pos[0] = pos[used]
		np = 1 + copy(pos[1:], pos[used+1:np])
		lfs = 0
		return true
	}
	for base := 0; base < n; base += 64 * blockSegBlocks {
		segEnd := min(n, base+64*blockSegBlocks)
		full := (segEnd - base) &^ 63
		masks := vs.masks
		if full > 0 {
			structMasks(chunk[base:base+full], delim, masks)
		}
		if full < segEnd-base {
			t := vs.tail[:]
			copy(t, chunk[base+full:segEnd])
			clear(t[segEnd-base-full:])
			structMasks(t, delim, masks[full/16:full/16+4])
		}
		if need := np + segEnd - base + 69; len(pos) < need {
			pos = append(pos[:np], make([]int32, need-np)...)
			pos = pos[:cap(pos)]
		}
		for bb := base; bb < segEnd; bb += 64 {
			m := masks[(bb-base)/16 : (bb-base)/16+4 : (bb-base)/16+4]
			q, d, l, c := m[0], m[1], m[2], m[3]
			if rem := n - bb; rem < 64 {
				v := uint64(1)<<uint(rem) - 1
				q, d, l, c = q&v, d&v, l&v, c&v
			}
			in := q
			in ^= in << 1
			in ^= in << 2
			in ^= in << 4
			in ^= in << 8
			in ^= in << 16
			in ^= in << 32
			in ^= carry
			if q != 0 {
				// quoting rules, for the bytes just before and after the block too
				var first, last uint64
				if bb == 0 || isDQL(chunk[bb-1]) {
					first = 1
				}
				if bb+64 >= n {
					last = 1 << uint(n-1-bb)
				} else if isDQLC(chunk[bb+64]) {
					last = 1 << 63
				}
				if (q&in)&^((d|l|q)<<1|first) != 0 || (q&^in)&^((d|l|c|q)>>1|last) != 0 || (l|c)&in != 0 {
					return pc, false
				}
			}
			if c != 0 {
				lf := l >> 1
				if bb+64 < n && chunk[bb+64] == '\n' {
					lf |= 1 << 63
				}
				if c&^lf != 0 {
					return pc, false // a lone CR
				}
			}
			carry = -(in >> 63)
			lines := l &^ in
			lfs += bits.OnesCount64(lines)
			// the positions of the set bits, four per step with no branch
			// on the bit count until the end (simdjson's flattening): the
			// writes past the count land in the slack of pp and are
			// overwritten later
			st := (d | lines) &^ in
			cnt := bits.OnesCount64(st)
			pp := pos[np : np+68 : np+68]
			b32 := int32(bb)
			for i := 0; i < cnt; i += 4 {
				pp[i] = b32 + int32(bits.TrailingZeros64(st))
				st &= st - 1
				pp[i+1] = b32 + int32(bits.TrailingZeros64(st))
				st &= st - 1
				pp[i+2] = b32 + int32(bits.TrailingZeros64(st))
				st &= st - 1
				pp[i+3] = b32 + int32(bits.TrailingZeros64(st))
				st &= st - 1
			}
			np += cnt
		}
		if !flush() {
			return pc, false
		}
	}
	if carry != 0 {
		return pc, false
	}
	if int(pos[0])+1 < n {
		// the last record has no line end
		if np-1 != nf-1 {
			return pc, false
		}
		pos[np] = int32(n)
		for row0+1 > capRows {
			outs, capRows = rd.growOuts(w, outs, capRows)
		}
		if !rd.blockConvert(w, outs, chunk, pos, 1, row0, capRows) {
			return pc, false
		}
		row0++
	}
	vs.pos = pos
	f, ok := rd.buildFrame(w, outs, row0, capRows, coll)
	if !ok {
		return pc, false
	}
	pc.f = f
	pc.rows = row0
	pc.lines = lines
	return pc, true
}

// blockConvert converts recs records into the output columns at row0: field
// fi of record r spans pos[r*nf+fi]+1 to pos[r*nf+fi+1] (a CR before the
// line end excluded). It reports false when a value needs the general path.
func (rd *reader) blockConvert(w *worker, outs []colOut, b []byte, pos []int32, recs, row0, capRows int) bool {
	fp := rd.fused
	nf := rd.nfields
	naFirst := &rd.na.first
	pos = pos[:recs*nf+1]
	for fi, k := range fp.fplan {
		if k < 0 {
			continue
		}
		o := &outs[k]
		last := fi == nf-1
		kind := fp.kinds[k]
		var dict *strDict
		var cache *dictCache
		if kind == kString && o.codes != nil {
			dict, cache = rd.cols[k].dict, rd.dictCaches(w)[k]
			o.coded = true
		}
		for r := 0; r < recs; r++ {
			// a tight loop per type while the values are plain ...
			rest := pos[r*nf:]
			switch {
			case kind == kInt && fp.fastNum:
				r += blockInts(o.ints[row0+r:row0+recs], b, rest, fi, nf, last, fp.seps[k])
			case kind == kFloat && fp.fastNum:
				r += blockFloats(o.floats[row0+r:row0+recs], b, rest, fi, nf, last)
			case dict != nil:
				n, ok := rd.blockDict(o.codes[row0+r:row0+recs], dict, cache, b, rest, fi, nf, last)
				if !ok {
					return false // the dictionary is full
				}
				r += n
			case kind == kString:
				r += rd.blockStrings(o, b, rest, fi, nf, last, row0+r)
			case kind == kBool && rd.na.empty:
				r += blockEmpty(o, b, rest, fi, nf, last, row0+r, capRows)
			}
			if r == recs {
				break
			}
			// ... an NA token (unquoted, nothing to trim) here ...
			s, e := fieldSpan(b, pos, r*nf+fi, last)
			if kind != kRaw && s < e && naFirst[b[s]] && b[s] != '"' && b[e-1] != ' ' && b[e-1] != '\t' && rd.na.has(b[s:e]) {
				row := row0 + r
				o.setNull(row, capRows)
				switch {
				case kind == kFloat:
					o.floats[row] = nan
				case kind == kBool:
					o.bools[row] = false
				case kind == kString && dict != nil:
					o.codes[row] = 0
				case kind == kString:
					o.offs[row+1] = int64(len(o.data))
				default:
					o.ints[row] = 0
				}
				continue
			}
			// ... and the generic route for the field it stopped at
			at := len(o.data)
			if !rd.blockGeneric(w, o, k, b, s, e, row0+r, capRows) {
				return false
			}
			if dict != nil {
				// the value went to o.data (or was null): encode it
				row := row0 + r
				o.codes[row] = 0
				if o.valid == nil || o.valid[row>>6]&(1<<(uint(row)&63)) != 0 {
					id, ok := cache.lookup(dict, o.data[at:])
					if !ok {
						return false
					}
					o.codes[row] = id
				}
				o.data = o.data[:at]
			}
		}
	}
	return true
}

// blockDict encodes field fi of the records (a dictionary-encoded String
// column) into codes while it is plain text, like blockStrings; it returns
// how many it encoded, and false when the dictionary is full.
func (rd *reader) blockDict(codes []uint32, d *strDict, cache *dictCache, b []byte, pos []int32, fi, nf int, last bool) (int, bool) {
	for r := range codes {
		s, e := fieldSpan(b, pos, r*nf+fi, last)
		v, ok := rd.plainText(b, s, e)
		if !ok {
			return r, true
		}
		id, ok := cache.lookup(d, v)
		if !ok {
			return r, false
		}
		codes[r] = id
	}
	return len(codes), true
}

// blockEmpty marks empty fields null (an empty field is an NA token) while
// field fi of the records is empty; it returns how many it marked.
func blockEmpty(o *colOut, b []byte, pos []int32, fi, nf int, last bool, row0, capRows int) int {
	recs := (len(pos) - 1) / nf
	for r := 0; r < recs; r++ {
		s, e := fieldSpan(b, pos, r*nf+fi, last)
		if s != e {
			return r
		}
		o.setNull(row0+r, capRows)
	}
	return recs
}

// blockGeneric converts one field [s, e) like the fused path's generic route.
func (rd *reader) blockGeneric(w *worker, o *colOut, k int32, b []byte, s, e, row, capRows int) bool {
	kind := rd.fused.kinds[k]
	if s == e && rd.na.empty && kind != kRaw {
		o.setNull(row, capRows)
		switch kind {
		case kFloat:
			o.floats[row] = nan
		case kString:
			o.offs[row+1] = int64(len(o.data))
		}
		return true
	}
	if kind == kRaw && (s == e || b[s] != '"') {
		o.data = append(o.data, b[s:e]...)
		o.offs[row+1] = int64(len(o.data))
		return true
	}
	p, ok := rd.genericField(w, o, kind, k, b, s, row, capRows)
	return ok && p == e
}

// blockInts converts field fi of the records in pos (see blockConvert) into
// dst while they are plain or quoted digit-grouped integers; it returns how
// many it converted.
func blockInts(dst []int64, b []byte, pos []int32, fi, nf int, last bool, sep byte) int {
	for r := range dst {
		s, e := fieldSpan(b, pos, r*nf+fi, last)
		if e-s < 1 || e > len(b) {
			return r
		}
		if s+9 <= len(b) {
			// up to 7 digits (or a quoted "123,456") 8 bytes at a time
			if b[s] == '"' {
				// a quoted, possibly digit-grouped number of up to 7
				// characters, inline (quoting was validated: b[e-1] is
				// the closing quote)
				if l := e - s - 2; l > 0 && l <= 7 { // 8 would allow "1234,567"
					keep := ^uint64(0) >> (64 - 8*uint(l))
					x := binary.LittleEndian.Uint64(b[s+1:]) & keep
					var comma uint64
					if sep != 0 {
						comma = swarEq(x, sep) & keep
					}
					if swarNonDigits(x)&keep&^comma == 0 {
						if y, k, ok := swarUngroup(x, comma, l); ok {
							dst[r] = int64(swarDigits(y, k))
							continue
						}
					}
				}
			} else if e-s <= 8 {
				// an optional '-' and up to 8 digits, inline
				if y, k, neg := swarSigned(binary.LittleEndian.Uint64(b[s:]), e-s); k > 0 && swarNonDigits(y)&(^uint64(0)>>(64-8*uint(k))) == 0 {
					v := int64(swarDigits(y, k))
					if neg {
						v = -v
					}
					dst[r] = v
					continue
				}
			}
		}
		quoted := b[s] == '"'
		if quoted {
			if e-s < 3 || b[e-1] != '"' {
				return r
			}
			s, e = s+1, e-1
		}
		neg := b[s] == '-'
		if neg {
			s++
		}
		if s == e || e-s > 24 {
			return r
		}
		var u uint64
		digits := 0
		next := -1 // where the next separator must be (quoted, grouped)
		for i := s; i < e; i++ {
			c := b[i]
			if c == sep && quoted && sep != 0 {
				if next < 0 {
					if i-s < 1 || i-s > 3 {
						return r
					}
				} else if i != next {
					return r
				}
				next = i + 4
				continue
			}
			d := c - '0'
			if d > 9 || i == next {
				return r
			}
			u = u*10 + uint64(d)
			digits++
		}
		if digits > 18 || (next >= 0 && next != e) {
			return r
		}
		v := int64(u)
		if neg {
			v = -v
		}
		dst[r] = v
	}
	return len(dst)
}

// blockFloats converts field fi into dst while it is a plain decimal of at
// most 15 digits (exact: one correctly rounded division of two exact
// doubles, as parseFloat gives); it returns how many it converted.
func blockFloats(dst []float64, b []byte, pos []int32, fi, nf int, last bool) int {
	for r := range dst {
		s, e := fieldSpan(b, pos, r*nf+fi, last)
		if s >= e || e > len(b) {
			return r
		}
		if e-s <= 8 && s+8 <= len(b) {
			// an optional '-', then up to 8 digits and a dot, inline
			y, k, neg := swarSigned(binary.LittleEndian.Uint64(b[s:]), e-s)
			nd := swarNonDigits(y) & (^uint64(0) >> (64 - 8*uint(k)))
			fr := 0
			if nd != 0 && nd&(nd-1) == 0 && k > 1 {
				// one non-digit: a dot, not alone
				if dp := swarByte(nd); byte(y>>(8*uint(dp))) == '.' {
					y = swarDrop(y, dp)
					fr = k - dp - 1
					k--
					nd = 0
				}
			}
			if nd == 0 && k > 0 {
				v := float64(swarDigits(y, k))
				if fr > 0 {
					v /= pow10f[fr]
				}
				if neg {
					v = -v
				}
				dst[r] = v
				continue
			}
		}
		neg := b[s] == '-'
		if neg {
			s++
		}
		if s == e || e-s > 16 {
			return r
		}
		var m uint64
		dot := -1
		for i := s; i < e; i++ {
			d := b[i] - '0'
			if d > 9 {
				if b[i] != '.' || dot >= 0 {
					return r
				}
				dot = i
				continue
			}
			m = m*10 + uint64(d)
		}
		digits, fr := e-s, 0
		if dot >= 0 {
			digits--
			fr = e - dot - 1
		}
		if digits == 0 || digits > 15 {
			return r
		}
		v := float64(m)
		if fr > 0 {
			v /= pow10f[fr]
		}
		if neg {
			v = -v
		}
		dst[r] = v
	}
	return len(dst)
}

// blockStrings appends field fi of the records while it is plain text (not
// quoted, not starting like an NA token, nothing to trim); it returns how
// many it converted.
func (rd *reader) blockStrings(o *colOut, b []byte, pos []int32, fi, nf int, last bool, row0 int) int {
	recs := (len(pos) - 1) / nf
	data := o.data
	offs := o.offs[row0+1:]
	for r := 0; r < recs; r++ {
		s, e := fieldSpan(b, pos, r*nf+fi, last)
		v, ok := rd.plainText(b, s, e)
		if !ok {
			o.data = data
			return r
		}
		data = append(data, v...)
		offs[r] = int64(len(data))
	}
	o.data = data
	return recs
}

// plainText returns the value of the String field b[s:e] when it needs no
// more than dropping its quotes: not empty, not an NA token, nothing to trim,
// no doubled quotes; false sends the field to the generic route.
func (rd *reader) plainText(b []byte, s, e int) ([]byte, bool) {
	if s >= e || e > len(b) {
		return nil, false
	}
	if b[s] == '"' {
		// quoting was validated with the masks: the field ends with a quote
		if e-s < 3 || bytes.IndexByte(b[s+1:e-1], '"') >= 0 {
			return nil, false
		}
		s, e = s+1, e-1
	}
	c0, c1 := b[s], b[e-1]
	if c0 == ' ' || c0 == '\t' || c1 == ' ' || c1 == '\t' || (rd.na.first[c0] && rd.na.has(b[s:e])) {
		return nil, false
	}
	return b[s:e], true
}

// fieldSpan returns the bytes [s, e) of the field whose terminator is
// pos[j+1] (pos[j] ends the field before it); for the last field of a
// record a CR before the line end is not part of it.
func fieldSpan(b []byte, pos []int32, j int, last bool) (s, e int) {
	s, e = int(pos[j])+1, int(pos[j+1])
	if last && e > s && b[e-1] == '\r' {
		e--
	}
	return s, e
}
