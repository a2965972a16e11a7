package parquet

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"

	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// Row-group pruning: a row group is skipped when its column statistics
// prove that no row can match, either a term `col op literal` of the Where
// predicate or the key set of Options.Keep. Nulls never match either (a
// comparison with null is null, and a null key never joins), so a column
// chunk of nulls only excludes every row too.

// bound is a statistics value in its frame type's representation.
type bound struct {
	i int64
	f float64
	s string
	b bool
}

// chunkBounds returns the min and max of a column chunk as frame values of
// the column's type, or ok false when its statistics are missing or cannot
// be trusted; allNull reports a chunk of nulls only.
func chunkBounds(st *colState, md *format.ColumnMetaData) (lo, hi bound, allNull, ok bool) {
	c := st.c
	stats := &md.Statistics
	if md.NumValues > 0 && stats.NullCount == md.NumValues {
		return lo, hi, true, false
	}
	if c.typ != c.natural || st.dec != c.natural {
		return lo, hi, false, false // converted values need not keep the order
	}
	minB, maxB := stats.MinValue, stats.MaxValue
	if minB == nil || maxB == nil {
		// the deprecated fields were written in signed order: trust them
		// for signed numbers only (strings may be in a wrong order)
		switch c.phys {
		case format.Int32, format.Int64, format.Float, format.Double, format.Boolean:
			if !c.signed {
				return lo, hi, false, false
			}
		default:
			return lo, hi, false, false
		}
		minB, maxB = stats.Min, stats.Max
		if minB == nil || maxB == nil {
			return lo, hi, false, false
		}
	}
	var okLo, okHi bool
	lo, okLo = statValue(c, st.dec, minB)
	hi, okHi = statValue(c, st.dec, maxB)
	return lo, hi, false, okLo && okHi
}

// statValue decodes one plain-encoded statistics value.
func statValue(c *column, dec frame.Type, b []byte) (bound, bool) {
	var s source
	switch c.phys {
	case format.Int32:
		if len(b) != 4 {
			return bound{}, false
		}
		s.i32 = []int32{int32(binary.LittleEndian.Uint32(b))}
	case format.Int64:
		if len(b) != 8 {
			return bound{}, false
		}
		s.i64 = []int64{int64(binary.LittleEndian.Uint64(b))}
	case format.Float:
		if len(b) != 4 {
			return bound{}, false
		}
		s.f32 = []float32{math.Float32frombits(binary.LittleEndian.Uint32(b))}
	case format.Double:
		if len(b) != 8 {
			return bound{}, false
		}
		s.f64 = []float64{math.Float64frombits(binary.LittleEndian.Uint64(b))}
	case format.Boolean:
		if len(b) != 1 {
			return bound{}, false
		}
		s.bits = b
	case format.ByteArray:
		s.bdata, s.bpos = b, []uint32{0, uint32(len(b))}
	case format.FixedLenByteArray:
		if len(b) != c.size {
			return bound{}, false
		}
		s.fdata = b
	default:
		return bound{}, false // INT96 has no defined order
	}
	var v bound
	switch dec {
	case frame.Int64, frame.Date, frame.Datetime:
		dst := []int64{0}
		if c.ints(dst, &s, 0, 1) != nil {
			return v, false
		}
		v.i = dst[0]
	case frame.Float64:
		dst := []float64{0}
		c.floats(dst, &s, 0, 1)
		if v.f = dst[0]; math.IsNaN(v.f) {
			return v, false
		}
	case frame.Bool:
		dst := []bool{false}
		c.bools(dst, &s, 0, 1)
		v.b = dst[0]
	case frame.String:
		v.s = string(c.appendStr(nil, &s, 0))
	default:
		return v, false
	}
	return v, true
}

// boundsFrame is a frame of one column, name, holding lo and hi.
func boundsFrame(name string, t frame.Type, lo, hi bound) (*frame.Frame, error) {
	var c *frame.Column
	var err error
	switch t {
	case frame.Int64, frame.Date, frame.Datetime:
		c, err = frame.AdoptInt64s(name, t, []int64{lo.i, hi.i}, nil, 0)
	case frame.Float64:
		c, err = frame.AdoptFloat64s(name, []float64{lo.f, hi.f}, nil, 0)
	case frame.Bool:
		c, err = frame.AdoptBools(name, []bool{lo.b, hi.b}, nil, 0)
	case frame.String:
		c, err = frame.NewString(name, []string{lo.s, hi.s}, nil)
	}
	if err != nil {
		return nil, err
	}
	return frame.New(c)
}

// mayMatch reports whether a row between lo and hi (rows 0 and 1 of f)
// can satisfy cmp, by frame's own comparison rules (so a Date column
// compared with "2024-01-31" reads the literal as frame.Filter does). When
// the comparison cannot be evaluated it answers true: the filter will then
// report the problem.
func mayMatch(f *frame.Frame, cmp frame.Comparison) bool {
	col := frame.Col(cmp.Column)
	at := func(e frame.Expr, row int) bool {
		m, err := f.Mask(e)
		return err != nil || m[row]
	}
	v := cmp.Value
	switch cmp.Op {
	case "<":
		return at(col.Lt(v), 0)
	case "<=":
		return at(col.Le(v), 0)
	case ">":
		return at(col.Gt(v), 1)
	case ">=":
		return at(col.Ge(v), 1)
	case "==":
		return at(col.Le(v), 0) && at(col.Ge(v), 1)
	case "!=":
		m, err := f.Mask(col.Eq(v))
		return err != nil || !(m[0] && m[1])
	}
	return true
}

// keyBounds are the sorted distinct non-null values of each key column of
// Options.Keep, for testing whether any key falls within a row group's
// bounds.
type keyBounds struct {
	cols []keyCol
}

type keyCol struct {
	st    *colState
	ints  []int64
	flts  []float64
	strs  []string
	bools []bool
}

// newKeyBounds prepares kf's keys; sts are the states of its key columns,
// which the caller has checked to be read with the keys' types.
func newKeyBounds(kf *readers.KeyFilter, sts []*colState) *keyBounds {
	kb := &keyBounds{}
	for i, st := range sts {
		kc := keyCol{st: st}
		c := kf.Keys.ColumnAt(i)
		for r := range c.Len() {
			if c.IsNull(r) {
				continue
			}
			switch c.Type() {
			case frame.Int64, frame.Date, frame.Datetime:
				kc.ints = append(kc.ints, c.Int64(r))
			case frame.Float64:
				kc.flts = append(kc.flts, c.Float64(r))
			case frame.String:
				kc.strs = append(kc.strs, c.Str(r))
			case frame.Bool:
				kc.bools = append(kc.bools, c.Bool(r))
			}
		}
		slices.Sort(kc.ints)
		slices.Sort(kc.flts)
		slices.Sort(kc.strs)
		kb.cols = append(kb.cols, kc)
	}
	return kb
}

// excludes reports whether no key can match a row of the row group whose
// column chunks' metadata is given by meta (leaf index → metadata).
func (kb *keyBounds) excludes(meta func(leaf int) *format.ColumnMetaData) bool {
	for _, kc := range kb.cols {
		lo, hi, allNull, ok := chunkBounds(kc.st, meta(kc.st.c.leaf))
		if allNull {
			return true
		}
		if !ok {
			continue
		}
		var any bool
		switch {
		case kc.st.dec == frame.Float64:
			i := sort.SearchFloat64s(kc.flts, lo.f)
			any = i < len(kc.flts) && kc.flts[i] <= hi.f
		case kc.st.dec == frame.String:
			i := sort.SearchStrings(kc.strs, lo.s)
			any = i < len(kc.strs) && kc.strs[i] <= hi.s
		case kc.st.dec == frame.Bool:
			for _, b := range kc.bools {
				if b == lo.b || b == hi.b {
					any = true
					break
				}
			}
		default:
			i, _ := slices.BinarySearch(kc.ints, lo.i)
			any = i < len(kc.ints) && kc.ints[i] <= hi.i
		}
		if !any {
			return true
		}
	}
	return false
}
