package frame

import "fmt"

// Appender builds a frame from row ranges of frames of one schema, copying
// whole ranges of values at a time: the engine's k-way merges append runs of
// rows from many sorted chunks. String columns come out plain (dictionary
// columns are decoded). The zero Appender is not usable; build one with
// [NewAppender]. Not safe for concurrent use.
type Appender struct {
	names []string
	types []Type
	cols  []appendCol
	n     int
	size  int64
}

type appendCol struct {
	ints   []int64
	floats []float64
	bools  []bool
	offs   []int64
	data   []byte
	valid  bitmap // nil until the first null
	nulls  int
}

// NewAppender returns an appender with the schema of f (its names and
// types; f's rows are not appended).
func NewAppender(f *Frame) *Appender {
	return &Appender{names: f.Names(), types: f.Types(), cols: make([]appendCol, f.NumCols())}
}

// Len returns the rows appended since the last Build.
func (a *Appender) Len() int { return a.n }

// Size returns about the bytes the appended rows hold.
func (a *Appender) Size() int64 { return a.size }

// Append appends rows [i, j) of f (nothing when j ≤ i). It returns an error
// wrapping ErrType when f's column count or types differ from the
// appender's schema (names are not compared) and ErrIndex when [i, j) is not
// within f's rows; nothing is appended then.
func (a *Appender) Append(f *Frame, i, j int) error {
	if len(f.cols) != len(a.types) {
		return fmt.Errorf("frame: append: %d columns, the appender has %d: %w", len(f.cols), len(a.types), ErrType)
	}
	for k, c := range f.cols {
		if c.typ != a.types[k] {
			return fmt.Errorf("frame: append: column %d (%s) is %v, the appender's is %v: %w", k, c.name, c.typ, a.types[k], ErrType)
		}
	}
	if j <= i {
		return nil
	}
	if i < 0 || j > f.NumRows() {
		return fmt.Errorf("frame: append: rows [%d, %d) of %d: %w", i, j, f.NumRows(), ErrIndex)
	}
	for k, c := range f.cols {
		a.size += a.cols[k].appendRange(c, a.n, i, j)
	}
	a.n += j - i
	return nil
}

// appendRange appends rows [i, j) of c to ac, which holds n rows, and
// returns about the bytes they take.
func (ac *appendCol) appendRange(c *Column, n, i, j int) int64 {
	if c.nulls > 0 || ac.valid != nil {
		if ac.valid == nil {
			ac.valid = make(bitmap, (n+63)/64, max(64, (n+j-i+63)/64*2))
			setBits(ac.valid, 0, n)
		}
		m := n + j - i
		for len(ac.valid) < (m+63)/64 {
			ac.valid = append(ac.valid, 0)
		}
		if c.valid == nil {
			setBits(ac.valid, n, m)
		} else {
			for r := i; r < j; r++ {
				if c.valid.get(r) {
					ac.valid.set(n + r - i)
				} else {
					ac.nulls++
				}
			}
		}
	}
	switch {
	case c.typ == Float64:
		ac.floats = append(ac.floats, c.floats[i:j]...)
	case c.typ == Bool:
		ac.bools = append(ac.bools, c.bools[i:j]...)
		return int64(j - i)
	case c.typ == String:
		before := len(ac.data)
		if ac.offs == nil {
			ac.offs = append(ac.offs, 0)
		}
		if c.dict == nil {
			base := int64(len(ac.data)) - c.offs[i]
			ac.data = append(ac.data, c.data[c.offs[i]:c.offs[j]]...)
			for _, o := range c.offs[i+1 : j+1] {
				ac.offs = append(ac.offs, o+base)
			}
		} else {
			d := c.dict
			for r, code := range c.codes[i:j] {
				if c.valid == nil || c.valid.get(i+r) { // a null's slot stays empty
					ac.data = append(ac.data, d.data[d.offs[code]:d.offs[code+1]]...)
				}
				ac.offs = append(ac.offs, int64(len(ac.data)))
			}
		}
		return int64(j-i)*8 + int64(len(ac.data)-before)
	default:
		ac.ints = append(ac.ints, c.ints[i:j]...)
	}
	return int64(j-i) * 8
}

// Build returns the appended rows as a frame and resets the appender to
// no rows, keeping its schema. The frame owns the appended buffers.
func (a *Appender) Build() *Frame {
	cols := make([]*Column, len(a.cols))
	for k := range a.cols {
		ac := &a.cols[k]
		c := &Column{name: a.names[k], typ: a.types[k], n: a.n}
		if ac.nulls > 0 {
			c.valid, c.nulls = ac.valid[:(a.n+63)/64], ac.nulls
		}
		switch c.typ {
		case Float64:
			c.floats = nonNil(ac.floats) // NaN at nulls, as in the sources
		case Bool:
			c.bools = nonNil(ac.bools)
		case String:
			c.offs, c.data = ac.offs, ac.data
			if c.offs == nil {
				c.offs = []int64{0}
			}
		default:
			c.ints = nonNil(ac.ints)
		}
		cols[k] = c
		a.cols[k] = appendCol{}
	}
	a.n, a.size = 0, 0
	if len(cols) == 0 {
		return Empty()
	}
	return Must(New(cols...))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
