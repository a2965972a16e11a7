package frame

// Column-level kernels shared by the frame operations, joins and readers.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unsafe"
)

// sliceRows returns rows [i, j) of c, sharing value buffers (the validity
// bitmap is copied when i is not a multiple of 64).
func (c *Column) sliceRows(i, j int) *Column {
	out := &Column{name: c.name, typ: c.typ, n: j - i}
	if c.valid != nil {
		out.valid = c.valid.slice(i, j)
		out.nulls = out.valid.countNulls(out.n)
		if out.nulls == 0 {
			out.valid = nil
		}
	}
	switch c.typ {
	case Int64, Date, Datetime:
		out.ints = c.ints[i:j:j]
	case Float64:
		out.floats = c.floats[i:j:j]
	case Bool:
		out.bools = c.bools[i:j:j]
	case String:
		if c.dict != nil {
			out.codes, out.dict = c.codes[i:j:j], c.dict
		} else {
			out.offs, out.data = c.offs[i:j+1:j+1], c.data
		}
	}
	return out
}

// Index is the type of row indices given to take: int or int32. A negative
// index produces a null (used by outer joins).
type Index interface{ ~int | ~int32 }

// takeRows gathers rows idx of c; a negative index gives a null.
func takeRows[I Index](c *Column, idx []I) *Column {
	n := len(idx)
	out := &Column{name: c.name, typ: c.typ, n: n}
	hasNeg := false
	for _, k := range idx {
		if k < 0 {
			hasNeg = true
			break
		}
	}
	if c.valid != nil || hasNeg {
		vb, nulls := gatherValidity(c.valid, idx, hasNeg)
		if nulls > 0 {
			out.valid, out.nulls = vb, nulls
		}
	}
	if !hasNeg {
		gatherValues(c, out, idx)
		return out
	}
	switch c.typ {
	case Int64, Date, Datetime:
		v := make([]int64, n)
		src := c.ints
		for o, k := range idx {
			if k >= 0 {
				v[o] = src[k]
			}
		}
		out.ints = v
	case Float64:
		v := make([]float64, n)
		src := c.floats
		for o, k := range idx {
			if k >= 0 {
				v[o] = src[k]
			} else {
				v[o] = nan
			}
		}
		out.floats = v
	case Bool:
		v := make([]bool, n)
		src := c.bools
		for o, k := range idx {
			if k >= 0 {
				v[o] = src[k]
			}
		}
		out.bools = v
	case String:
		if c.dict != nil {
			v := make([]uint32, n)
			for o, k := range idx {
				if k >= 0 {
					v[o] = c.codes[k]
				}
			}
			out.codes, out.dict = v, c.dict
			return out
		}
		total := int64(0)
		for _, k := range idx {
			if k >= 0 {
				total += c.offs[k+1] - c.offs[k]
			}
		}
		offs := make([]int64, n+1)
		data := make([]byte, total)
		pos := int64(0)
		for o, k := range idx {
			if k >= 0 {
				pos += int64(copy(data[pos:], c.data[c.offs[k]:c.offs[k+1]]))
			}
			offs[o+1] = pos
		}
		out.offs, out.data = offs, data
	}
	return out
}

// gatherValues fills out's value buffers with c's values at idx, all of
// which are in range (no null rows to make).
func gatherValues[I Index](c, out *Column, idx []I) {
	n := len(idx)
	switch c.typ {
	case Int64, Date, Datetime:
		out.ints = gather(c.ints, idx)
	case Float64:
		out.floats = gather(c.floats, idx)
	case Bool:
		out.bools = gather(c.bools, idx)
	case String:
		if c.dict != nil {
			out.codes, out.dict = gather(c.codes, idx), c.dict
			return
		}
		offs := make([]int64, n+1)
		src := c.offs
		total := int64(0)
		for o, k := range idx {
			total += src[k+1] - src[k]
			offs[o+1] = total
		}
		// 16 bytes of slack: short strings (the common case) are moved as
		// two 8-byte words, spilling into the next value's room, which is
		// written afterwards; copy's call costs more than the move
		data := make([]byte, total+16)
		sd := c.data
		le := binary.LittleEndian
		for o, k := range idx {
			s, e := src[k], src[k+1]
			d := offs[o]
			if e-s <= 16 && s+16 <= int64(len(sd)) {
				le.PutUint64(data[d:], le.Uint64(sd[s:]))
				le.PutUint64(data[d+8:], le.Uint64(sd[s+8:]))
			} else {
				copy(data[d:d+(e-s)], sd[s:e])
			}
		}
		out.offs, out.data = offs, data[:total]
	}
}

// gatherValidity returns the validity of rows idx (a negative index, when
// hasNeg, is null) and the number of nulls, building the bitmap a word at a
// time.
func gatherValidity[I Index](valid bitmap, idx []I, hasNeg bool) (bitmap, int) {
	n := len(idx)
	vb := make(bitmap, (n+63)/64)
	var w uint64
	set := 0
	for o, k := range idx {
		var bit uint64
		if !hasNeg || k >= 0 {
			if valid == nil {
				bit = 1
			} else {
				bit = valid[k>>6] >> (uint(k) & 63) & 1
			}
		}
		w |= bit << (uint(o) & 63)
		if o&63 == 63 {
			vb[o>>6] = w
			set += bits.OnesCount64(w)
			w = 0
		}
	}
	if n&63 != 0 {
		vb[n>>6] = w
		set += bits.OnesCount64(w)
	}
	return vb, n - set
}

func gather[T any, I Index](src []T, idx []I) []T {
	out := make([]T, len(idx))
	for o, k := range idx {
		out[o] = src[k]
	}
	return out
}

// maskIndices returns the positions of the kept true entries of mask,
// without a branch per entry (a 50% mask would mispredict half the time).
func maskIndices(mask []bool, kept int) []int32 {
	idx := make([]int32, kept+1) // +1: the loop writes one slot past the last kept
	o := 0
	for i, m := range mask {
		idx[o] = int32(i)
		o += int(*(*uint8)(unsafe.Pointer(&m)))
	}
	return idx[:kept:kept]
}

// countTrue counts the true entries of mask eight at a time (a bool is the
// byte 0 or 1).
func countTrue(mask []bool) int {
	n := 0
	words := len(mask) / 8
	if words > 0 {
		w := unsafe.Slice((*uint64)(unsafe.Pointer(&mask[0])), words)
		for _, x := range w {
			n += bits.OnesCount64(x)
		}
	}
	for _, m := range mask[words*8:] {
		if m {
			n++
		}
	}
	return n
}

// filterRows keeps the rows of c where mask is true; kept is the number of
// true entries in mask.
func filterRows(c *Column, mask []bool, kept int) *Column {
	out := &Column{name: c.name, typ: c.typ, n: kept}
	if c.valid != nil {
		vb := newBitmap(kept, false)
		o, nulls := 0, 0
		for i, m := range mask {
			if m {
				if c.valid.get(i) {
					vb.set(o)
				} else {
					nulls++
				}
				o++
			}
		}
		if nulls > 0 {
			out.valid, out.nulls = vb, nulls
		}
	}
	switch c.typ {
	case Int64, Date, Datetime:
		out.ints = filterSlice(c.ints, mask, kept)
	case Float64:
		out.floats = filterSlice(c.floats, mask, kept)
	case Bool:
		out.bools = filterSlice(c.bools, mask, kept)
	case String:
		if c.dict != nil {
			out.codes, out.dict = filterSlice(c.codes, mask, kept), c.dict
			return out
		}
		total := int64(0)
		for i, m := range mask {
			if m {
				total += c.offs[i+1] - c.offs[i]
			}
		}
		offs := make([]int64, kept+1)
		data := make([]byte, total)
		pos, o := int64(0), 0
		for i, m := range mask {
			if m {
				s, e := c.offs[i], c.offs[i+1]
				pos += int64(copy(data[pos:], c.data[s:e]))
				o++
				offs[o] = pos
			}
		}
		out.offs, out.data = offs, data
	}
	return out
}

func filterSlice[T any](src []T, mask []bool, kept int) []T {
	out := make([]T, kept)
	o := 0
	for i, m := range mask {
		if m {
			out[o] = src[i]
			o++
		}
	}
	return out
}

// ConcatColumns stacks columns of one name and type into one column, the
// concatenation [Concat] does per column (values copied; dictionary columns
// stay encoded when they share one dictionary or prefixes of one). One column
// is returned as it is. It returns an error wrapping ErrLength for no
// columns and ErrType when a column's name or type differs from the first's.
func ConcatColumns(cols ...*Column) (*Column, error) {
	if len(cols) == 0 {
		return nil, fmt.Errorf("frame: concat columns: no columns: %w", ErrLength)
	}
	first := cols[0]
	for i, c := range cols {
		if c == nil {
			return nil, fmt.Errorf("frame: concat columns: column %d is nil: %w", i, ErrLength)
		}
		if c.name != first.name || c.typ != first.typ {
			return nil, fmt.Errorf("frame: concat columns: column %d is %s %v, column 0 is %s %v: %w", i, c.name, c.typ, first.name, first.typ, ErrType)
		}
	}
	if len(cols) == 1 {
		return first, nil
	}
	return concatColumns(cols), nil
}

// StackValidity returns the validity bitmap (in the layout of
// [Column.Validity]) of pieces of lens[i] rows with bitmaps[i] stacked in
// order; a nil bitmap means a piece without nulls, and the result is nil when
// every bitmap is nil. Bits of a piece beyond its length are ignored. It is
// for engine code that places the values of several chunks into one array
// itself and adopts them ([AdoptInt64s]); it returns an error wrapping
// ErrLength when the slices' lengths differ or a bitmap is too short.
func StackValidity(bitmaps [][]uint64, lens []int) ([]uint64, error) {
	if len(bitmaps) != len(lens) {
		return nil, fmt.Errorf("frame: stack validity: %d bitmaps for %d lengths: %w", len(bitmaps), len(lens), ErrLength)
	}
	n, any := 0, false
	for i, b := range bitmaps {
		if lens[i] < 0 || len(b) != 0 && len(b) < (lens[i]+63)/64 {
			return nil, fmt.Errorf("frame: stack validity: bitmap %d has %d words for %d rows: %w", i, len(b), lens[i], ErrLength)
		}
		n += lens[i]
		any = any || b != nil
	}
	if !any {
		return nil, nil
	}
	return stackBits(bitmaps, lens, n), nil
}

// stackBits stacks bitmaps of lens[i] bits (nil: all set) into one of n bits.
func stackBits(bitmaps [][]uint64, lens []int, n int) bitmap {
	valid := make(bitmap, (n+63)/64)
	o := 0
	for i, b := range bitmaps {
		if b != nil {
			orBits(valid, b, o, lens[i])
		} else {
			setBits(valid, o, o+lens[i])
		}
		o += lens[i]
	}
	return valid
}

// concatValidity stacks the columns' validity bitmaps word by word; nil
// when no column has a null.
func concatValidity(cols []*Column) (bitmap, int) {
	n, nulls := 0, 0
	bitmaps := make([][]uint64, len(cols))
	lens := make([]int, len(cols))
	for i, c := range cols {
		n += c.n
		nulls += c.nulls
		bitmaps[i], lens[i] = c.valid, c.n
	}
	if nulls == 0 {
		return nil, 0
	}
	return stackBits(bitmaps, lens, n), nulls
}

// orBits ORs the first m bits of src into dst at bit offset o (bits of src
// beyond m are ignored).
func orBits(dst, src bitmap, o, m int) {
	w, sh := o>>6, uint(o&63)
	words := (m + 63) / 64
	for i, v := range src[:words] {
		if i == words-1 && m&63 != 0 {
			v &= 1<<uint(m&63) - 1
		}
		if sh == 0 {
			dst[w+i] |= v
			continue
		}
		dst[w+i] |= v << sh
		if w+i+1 < len(dst) {
			dst[w+i+1] |= v >> (64 - sh)
		}
	}
}

// setBits sets bits [i, j) of dst.
func setBits(dst bitmap, i, j int) {
	for i < j && i&63 != 0 {
		dst[i>>6] |= 1 << uint(i&63)
		i++
	}
	for ; i+64 <= j; i += 64 {
		dst[i>>6] = ^uint64(0)
	}
	for ; i < j; i++ {
		dst[i>>6] |= 1 << uint(i&63)
	}
}

// concatColumns appends columns of one type; the result takes the name of the
// first. Dictionary columns stay encoded when they share one dictionary (or
// prefixes of one).
func concatColumns(cols []*Column) *Column {
	first := cols[0]
	n, nulls := 0, 0
	for _, c := range cols {
		n += c.n
		nulls += c.nulls
	}
	out := &Column{name: first.name, typ: first.typ, n: n, nulls: nulls}
	if nulls > 0 {
		out.valid, _ = concatValidity(cols)
	}
	switch first.typ {
	case Int64, Date, Datetime:
		out.ints = make([]int64, 0, n)
		for _, c := range cols {
			out.ints = append(out.ints, c.ints...)
		}
	case Float64:
		out.floats = make([]float64, 0, n)
		for _, c := range cols {
			out.floats = append(out.floats, c.floats...)
		}
	case Bool:
		out.bools = make([]bool, 0, n)
		for _, c := range cols {
			out.bools = append(out.bools, c.bools...)
		}
	case String:
		// dictionaries are shared when each is a prefix of the longest (one
		// dictionary that grew by appending while the columns were built)
		var big *Column
		for _, c := range cols {
			if c.dict == nil {
				big = nil
				break
			}
			if big == nil || c.dict.n > big.n {
				big = c.dict
			}
		}
		shared := big != nil
		for _, c := range cols {
			if shared && !dictPrefix(c.dict, big) {
				shared = false
			}
		}
		if shared {
			out.dict = big
			out.codes = make([]uint32, 0, n)
			for _, c := range cols {
				out.codes = append(out.codes, c.codes...)
			}
			return out
		}
		total := int64(0)
		for _, c := range cols {
			total += c.byteLen()
		}
		offs := make([]int64, 1, n+1)
		data := make([]byte, 0, total)
		for _, c := range cols {
			if c.dict == nil {
				base := int64(len(data)) - c.offs[0]
				data = append(data, c.data[c.offs[0]:c.offs[c.n]]...)
				for i := 1; i <= c.n; i++ {
					offs = append(offs, c.offs[i]+base)
				}
				continue
			}
			for i := 0; i < c.n; i++ {
				if c.validAt(i) { // a null's code is meaningless: keep its slot empty
					data = append(data, c.strBytes(i)...)
				}
				offs = append(offs, int64(len(data)))
			}
		}
		out.offs, out.data = offs, data
	}
	return out
}

// byteLen is the number of string bytes a String column's values span.
func (c *Column) byteLen() int64 {
	if c.typ != String {
		return 0
	}
	if c.dict == nil {
		return c.offs[c.n] - c.offs[0]
	}
	t := int64(0)
	for i := 0; i < c.n; i++ {
		if c.validAt(i) {
			t += int64(len(c.strBytes(i)))
		}
	}
	return t
}

// validAt reports whether value i is non-null.
func (c *Column) validAt(i int) bool { return c.valid == nil || c.valid.get(i) }
