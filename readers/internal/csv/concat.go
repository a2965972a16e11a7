package csv

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/sluicedata/sluice/frame"
)

// concatColumn stacks columns of one name and type into one column: values
// by copy, validity bitmaps word by word, string offsets rebased.
// Dictionary-encoded string columns go through frame.Concat.
func concatColumn(parts []*frame.Column) (*frame.Column, error) {
	first := parts[0]
	n, nulls := 0, 0
	for i, c := range parts {
		if c.Name() != first.Name() || c.Type() != first.Type() {
			return nil, fmt.Errorf("chunk %d has column %s %v, chunk 0 has %s %v: %w", i, c.Name(), c.Type(), first.Name(), first.Type(), ErrSchema)
		}
		n += c.Len()
		nulls += c.NullCount()
		if c.Type() == frame.String && c.IsDict() {
			fs := make([]*frame.Frame, len(parts))
			for i, c := range parts {
				f, err := frame.New(c)
				if err != nil {
					return nil, err
				}
				fs[i] = f
			}
			f, err := frame.Concat(fs...)
			if err != nil {
				return nil, err
			}
			return f.ColumnAt(0), nil
		}
	}
	valid, _ := concatValidity(parts)
	name, typ := first.Name(), first.Type()
	switch typ {
	case frame.Int64, frame.Date, frame.Datetime:
		out := makeHuge[int64](n)
		o := 0
		for _, c := range parts {
			o += copy(out[o:], c.Int64s())
		}
		return frame.AdoptInt64s(name, typ, out, valid, nulls), nil
	case frame.Float64:
		out := makeHuge[float64](n)
		o := 0
		for _, c := range parts {
			o += copy(out[o:], c.Float64s())
		}
		return frame.AdoptFloat64s(name, out, valid, nulls), nil
	case frame.Bool:
		out := makeHuge[bool](n)
		o := 0
		for _, c := range parts {
			o += copy(out[o:], c.Bools())
		}
		return frame.AdoptBools(name, out, valid, nulls), nil
	}
	total := int64(0)
	for _, c := range parts {
		offs, _ := c.StringBuffers()
		total += offs[len(offs)-1] - offs[0]
	}
	data := makeHuge[byte](int(total))
	offs := makeHuge[int64](n + 1)
	base := int64(0)
	o := 0
	for _, c := range parts {
		co, cd := c.StringBuffers()
		m := len(co) - 1
		copy(data[base:], cd[co[0]:co[m]])
		d := base - co[0]
		dst := offs[o+1 : o+1+m]
		for i, x := range co[1:] {
			dst[i] = x + d
		}
		base += co[m] - co[0]
		o += m
	}
	return frame.AdoptStrings(name, offs, data, valid, nulls), nil
}

// Concat stacks frames of the same columns into one frame (readers.ReadAll):
// column by column, on GOMAXPROCS goroutines, each dropping a column's
// pieces once copied, so peak memory stays near the pieces plus a few
// columns. No frame gives an empty frame; one frame is returned as it is.
func Concat(frames []*frame.Frame) (*frame.Frame, error) {
	switch len(frames) {
	case 0:
		return frame.Empty(), nil
	case 1:
		return frames[0], nil
	}
	pcs := make([][]*frame.Column, len(frames))
	for i, f := range frames {
		if f.NumCols() != frames[0].NumCols() {
			return nil, fmt.Errorf("readers: chunk %d has %d columns, chunk 0 has %d: %w", i, f.NumCols(), frames[0].NumCols(), ErrSchema)
		}
		pcs[i] = f.Columns()
	}
	out := make([]*frame.Column, len(pcs[0]))
	if err := concatInto(out, pcs); err != nil {
		return nil, err
	}
	return frame.New(out...)
}

// concatInto fills each nil entry k of out with the concatenation of the
// chunks' columns k (pcs[chunk][k]), setting those to nil as it goes.
func concatInto(out []*frame.Column, pcs [][]*frame.Column) error {
	var todo []int
	for k := range out {
		if out[k] == nil {
			todo = append(todo, k)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, len(out))
	for k0 := 0; k0 < len(todo); k0 += workers {
		var wg sync.WaitGroup
		for _, k := range todo[k0:min(k0+workers, len(todo))] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				one := make([]*frame.Column, len(pcs))
				for i := range pcs {
					one[i] = pcs[i][k]
					pcs[i][k] = nil
				}
				c, err := concatColumn(one)
				if err != nil {
					errs[k] = fmt.Errorf("readers: %w", err)
					return
				}
				out[k] = c
			}()
		}
		wg.Wait()
	}
	return errors.Join(errs...)
}

// concatValidity stacks the columns' validity bitmaps; nil when no nulls.
func concatValidity(parts []*frame.Column) ([]uint64, int) {
	n, nulls := 0, 0
	for _, c := range parts {
		n += c.Len()
		nulls += c.NullCount()
	}
	if nulls == 0 {
		return nil, 0
	}
	valid := make([]uint64, (n+63)/64)
	o := 0
	for _, c := range parts {
		m := c.Len()
		if v := c.Validity(); v != nil {
			orBits(valid, v, o, m)
		} else {
			setBits(valid, o, o+m)
		}
		o += m
	}
	return valid, nulls
}

// orBits ORs the first m bits of src (bits beyond m are clear) into dst at
// bit offset o.
func orBits(dst, src []uint64, o, m int) {
	w, sh := o>>6, uint(o&63)
	words := (m + 63) / 64
	if sh == 0 {
		for i, v := range src[:words] {
			dst[w+i] |= v
		}
		return
	}
	for i, v := range src[:words] {
		dst[w+i] |= v << sh
		if w+i+1 < len(dst) {
			dst[w+i+1] |= v >> (64 - sh)
		}
	}
}

// setBits sets bits [i, j) of dst.
func setBits(dst []uint64, i, j int) {
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

// makeHuge allocates a zeroed slice for a concatenated column. (Advising
// MADV_HUGEPAGE here was measured: direct compaction made system time 2.5×
// worse on this machine, so it is plain make.)
func makeHuge[T any](n int) []T { return make([]T, n) }

// strAcc builds one String column of Collect's result as the chunks arrive.
type strAcc struct {
	name  string
	offs  []int64
	data  []byte
	valid [][]uint64 // per chunk: its validity bitmap (nil: no nulls)
	lens  []int      // per chunk: its rows
	nulls int
}

// newStrAccs returns an accumulator for each plain String column of the
// first chunk's columns, sized from the collector's estimates (the file's
// records and the sample's average field bytes, plus a margin; buffers grow
// if the estimate is short).
func newStrAccs(cols []*frame.Column, c *collector) []*strAcc {
	accs := make([]*strAcc, len(cols))
	any := false
	for k, col := range cols {
		if col.Type() != frame.String || col.IsDict() {
			continue
		}
		rows := c.estRows + c.estRows/16 + 1024
		bytes := 0
		if k < len(c.strBytes) {
			bytes = int(c.strBytes[k]*float64(rows)) + 4096
		}
		accs[k] = &strAcc{name: col.Name(), offs: make([]int64, 1, rows+1), data: make([]byte, 0, bytes)}
		any = true
	}
	if !any {
		return nil
	}
	return accs
}

// absorb moves the chunk's plain String columns into their accumulators,
// leaving nil in cols.
func absorb(accs []*strAcc, cols []*frame.Column) error {
	for k, a := range accs {
		if a == nil {
			continue
		}
		c := cols[k]
		if c.Name() != a.name || c.Type() != frame.String {
			return fmt.Errorf("chunk has column %s %v, chunk 0 has %s String: %w", c.Name(), c.Type(), a.name, ErrSchema)
		}
		m := c.Len()
		if co, cd := c.StringBuffers(); co != nil {
			d := int64(len(a.data)) - co[0]
			a.data = append(a.data, cd[co[0]:co[m]]...)
			for _, x := range co[1:] {
				a.offs = append(a.offs, x+d)
			}
		} else {
			// a dictionary column: value by value
			for i := range m {
				if !c.IsNull(i) {
					a.data = append(a.data, c.StrBytes(i)...)
				}
				a.offs = append(a.offs, int64(len(a.data)))
			}
		}
		a.valid = append(a.valid, c.Validity())
		a.lens = append(a.lens, m)
		a.nulls += c.NullCount()
		cols[k] = nil
	}
	return nil
}

// column returns the accumulated column.
func (a *strAcc) column() *frame.Column {
	n := len(a.offs) - 1
	var valid []uint64
	if a.nulls > 0 {
		valid = make([]uint64, (n+63)/64)
		o := 0
		for i, v := range a.valid {
			if v != nil {
				orBits(valid, v, o, a.lens[i])
			} else {
				setBits(valid, o, o+a.lens[i])
			}
			o += a.lens[i]
		}
	}
	return frame.AdoptStrings(a.name, a.offs, a.data, valid, a.nulls)
}
