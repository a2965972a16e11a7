package csv

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/sluicedata/sluice/frame"
)

// concatColumn stacks columns of one name and type into one column
// (frame.ConcatColumns), reporting a mismatch as ErrSchema.
func concatColumn(parts []*frame.Column) (*frame.Column, error) {
	first := parts[0]
	for i, c := range parts {
		if c.Name() != first.Name() || c.Type() != first.Type() {
			return nil, fmt.Errorf("chunk %d has column %s %v, chunk 0 has %s %v: %w", i, c.Name(), c.Type(), first.Name(), first.Type(), ErrSchema)
		}
	}
	return frame.ConcatColumns(parts...)
}

// concatValidity stacks the columns' validity bitmaps; nil when no nulls.
// ok is false only if a column breaks frame's layout (it then is not placed).
func concatValidity(parts []*frame.Column) (valid []uint64, nulls int, ok bool) {
	bitmaps := make([][]uint64, len(parts))
	lens := make([]int, len(parts))
	for i, c := range parts {
		bitmaps[i], lens[i] = c.Validity(), c.Len()
		nulls += c.NullCount()
	}
	if nulls == 0 {
		return nil, 0, true
	}
	valid, err := frame.StackValidity(bitmaps, lens)
	return valid, nulls, err == nil
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
func (a *strAcc) column() (*frame.Column, error) {
	var valid []uint64
	if a.nulls > 0 {
		var err error
		if valid, err = frame.StackValidity(a.valid, a.lens); err != nil {
			return nil, fmt.Errorf("readers: column %s: %w", a.name, err)
		}
	}
	c, err := frame.AdoptStrings(a.name, a.offs, a.data, valid, a.nulls)
	if err != nil {
		return nil, fmt.Errorf("readers: column %s: %w", a.name, err)
	}
	return c, nil
}
