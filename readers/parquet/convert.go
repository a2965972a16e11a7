package parquet

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// convert returns c as type t, for an Options.Types override or Raw (see
// column.setType for the conversions allowed).
func convert(c *frame.Column, t frame.Type) (*frame.Column, error) {
	n := c.Len()
	valid := c.Validity()
	nulls := c.NullCount()
	from := c.Type()
	switch t {
	case frame.String:
		offs := make([]int64, 1, n+1)
		var data []byte
		for i := range n {
			if !c.IsNull(i) {
				data = appendText(data, c, i)
			}
			offs = append(offs, int64(len(data)))
		}
		return frame.AdoptStrings(c.Name(), offs, data, valid, nulls)
	case frame.Float64:
		out := make([]float64, n)
		for i := range n {
			switch {
			case c.IsNull(i):
				out[i] = math.NaN()
			case from == frame.Bool:
				out[i] = b2f(c.Bool(i))
			default:
				out[i] = float64(c.Int64(i))
			}
		}
		return frame.AdoptFloat64s(c.Name(), out, valid, nulls)
	case frame.Int64, frame.Date, frame.Datetime:
		out := make([]int64, n)
		for i := range n {
			if c.IsNull(i) {
				continue
			}
			switch {
			case from == frame.Bool:
				out[i] = int64(b2f(c.Bool(i)))
			case from == frame.Date && t == frame.Datetime:
				out[i] = c.Int64(i) * 86400e9
			case from == frame.Datetime && t == frame.Date:
				out[i] = floorDiv(c.Int64(i), 86400e9)
			default:
				out[i] = c.Int64(i)
			}
		}
		return frame.AdoptInt64s(c.Name(), t, out, valid, nulls)
	}
	return nil, fmt.Errorf("column %q: %v cannot be read as %v: %w", c.Name(), from, t, readers.ErrType)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

// appendText appends value i of c as text: integers in decimal, floats in
// the shortest form that reads back (no exponent below 1e16), dates as
// 2006-01-02, datetimes as 2006-01-02 15:04:05.999999999 (UTC).
func appendText(dst []byte, c *frame.Column, i int) []byte {
	switch c.Type() {
	case frame.Int64:
		return strconv.AppendInt(dst, c.Int64(i), 10)
	case frame.Float64:
		f := c.Float64(i)
		if a := math.Abs(f); a < 1e16 && (a >= 1e-4 || a == 0) {
			return strconv.AppendFloat(dst, f, 'f', -1, 64)
		}
		return strconv.AppendFloat(dst, f, 'g', -1, 64)
	case frame.Bool:
		return strconv.AppendBool(dst, c.Bool(i))
	case frame.Date:
		return time.Unix(c.Int64(i)*86400, 0).UTC().AppendFormat(dst, "2006-01-02")
	case frame.Datetime:
		return time.Unix(0, c.Int64(i)).UTC().AppendFormat(dst, "2006-01-02 15:04:05.999999999")
	case frame.String:
		return append(dst, c.StrBytes(i)...)
	}
	return dst
}
