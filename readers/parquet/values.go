package parquet

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// source is the (non-null) values of one page, or of a dictionary, in their
// physical representation. Only the field of the column's physical type is
// set.
type source struct {
	n     int
	i32   []int32
	i64   []int64
	i96   []deprecated.Int96
	f32   []float32
	f64   []float64
	bits  []byte   // BOOLEAN, bit-packed, least significant bit first
	bdata []byte   // BYTE_ARRAY values: bdata[boffs[i]:boffs[i+1]]
	boffs []uint32 //
	fdata []byte   // FIXED_LEN_BYTE_ARRAY values of c.size bytes
}

// load fills s from a page's or dictionary's values, checking their shape.
func (s *source) load(c *column, v encoding.Values, nvals int) error {
	*s = source{}
	switch c.phys {
	case format.Boolean:
		s.bits = v.Boolean()
		s.n = min(nvals, len(s.bits)*8)
	case format.Int32:
		s.i32 = v.Int32()
		s.n = len(s.i32)
	case format.Int64:
		s.i64 = v.Int64()
		s.n = len(s.i64)
	case format.Int96:
		s.i96 = v.Int96()
		s.n = len(s.i96)
	case format.Float:
		s.f32 = v.Float()
		s.n = len(s.f32)
	case format.Double:
		s.f64 = v.Double()
		s.n = len(s.f64)
	case format.ByteArray:
		s.bdata, s.boffs = v.ByteArray()
		s.n = max(len(s.boffs)-1, 0)
		for i := range s.n {
			if s.boffs[i] > s.boffs[i+1] || int(s.boffs[i+1]) > len(s.bdata) {
				return fmt.Errorf("byte array offsets out of order: %w", readers.ErrFormat)
			}
		}
	case format.FixedLenByteArray:
		var size int
		s.fdata, size = v.FixedLenByteArray()
		if size != c.size {
			return fmt.Errorf("fixed-length values of %d bytes, schema says %d: %w", size, c.size, readers.ErrFormat)
		}
		s.n = len(s.fdata) / c.size
	}
	return nil
}

// bytesAt returns byte-array or fixed-length value i.
func (s *source) bytesAt(c *column, i int) []byte {
	if c.phys == format.ByteArray {
		return s.bdata[s.boffs[i]:s.boffs[i+1]]
	}
	return s.fdata[i*c.size : (i+1)*c.size]
}

// dec returns the frame type the decoder produces for c: c.typ when it
// decodes to it directly (decimals as exact text, UINT64 as floats), else
// the natural type, converted afterwards (see convert).
func (c *column) dec() frame.Type {
	switch {
	case c.typ == frame.String && (c.kind == kDecimal32 || c.kind == kDecimal64 || c.kind == kDecimalBytes):
		return frame.String
	case c.typ == frame.Float64 && c.kind == kUint64:
		return frame.Float64
	}
	return c.natural
}

// rangeErr is a value outside the frame type's range.
type rangeErr struct {
	i   int // index of the value in the source
	msg string
}

func (e *rangeErr) Error() string { return e.msg }

// ints converts values [v, v+k) of s into dst (len k) for an Int64, Date or
// Datetime decode.
func (c *column) ints(dst []int64, s *source, v, k int) error {
	switch c.kind {
	case kInt64:
		copy(dst, s.i64[v:v+k])
	case kInt32, kDate:
		for i, x := range s.i32[v : v+k] {
			dst[i] = int64(x)
		}
	case kUint32:
		for i, x := range s.i32[v : v+k] {
			dst[i] = int64(uint32(x))
		}
	case kUint64:
		for i, x := range s.i64[v : v+k] {
			if x < 0 {
				return &rangeErr{v + i, fmt.Sprintf("UINT64 value %d exceeds the int64 range (read the column as float64 with Options.Types)", uint64(x))}
			}
			dst[i] = x
		}
	case kTime32:
		for i, x := range s.i32[v : v+k] {
			dst[i] = int64(x) * c.mult
		}
	case kTime64, kTimestamp:
		m := c.mult
		if m == 1 {
			copy(dst, s.i64[v:v+k])
			break
		}
		lo, hi := math.MinInt64/m, math.MaxInt64/m
		for i, x := range s.i64[v : v+k] {
			if x < lo || x > hi {
				return &rangeErr{v + i, fmt.Sprintf("%s value %d is outside the datetime range (years 1677-2262)", c.desc, x)}
			}
			dst[i] = x * m
		}
	case kInt96:
		for i, x := range s.i96[v : v+k] {
			ns, ok := int96Nanos(x)
			if !ok {
				return &rangeErr{v + i, fmt.Sprintf("INT96 timestamp (day %d) is outside the datetime range (years 1677-2262)", x[2])}
			}
			dst[i] = ns
		}
	default:
		return fmt.Errorf("internal error: %s decoded as integers", c.desc)
	}
	return nil
}

// julianUnixEpoch is the Julian day number of 1970-01-01.
const julianUnixEpoch = 2440588

// int96Nanos converts an INT96 timestamp (nanoseconds of the day in the low
// 8 bytes, Julian day in the high 4, little-endian) to Unix nanoseconds.
func int96Nanos(x deprecated.Int96) (int64, bool) {
	nod := uint64(x[0]) | uint64(x[1])<<32
	days := int64(int32(x[2])) - julianUnixEpoch
	// days within ±106,750 keep the sum inside int64 (the range ends in
	// 1677 and 2262; the last partial days at either end are refused)
	if nod > 86400e9 || days < -106750 || days > 106750 {
		return 0, false
	}
	return days*86400e9 + int64(nod), true
}

// floats converts values [v, v+k) of s into dst (len k) for a Float64 decode.
func (c *column) floats(dst []float64, s *source, v, k int) {
	switch c.kind {
	case kDouble:
		copy(dst, s.f64[v:v+k])
	case kFloat:
		for i, x := range s.f32[v : v+k] {
			dst[i] = float64(x)
		}
	case kUint64:
		for i, x := range s.i64[v : v+k] {
			dst[i] = float64(uint64(x))
		}
	case kDecimal32:
		for i, x := range s.i32[v : v+k] {
			dst[i] = decimalFloat(int64(x), c.scale)
		}
	case kDecimal64:
		for i, x := range s.i64[v : v+k] {
			dst[i] = decimalFloat(x, c.scale)
		}
	case kDecimalBytes:
		for i := range k {
			dst[i] = decimalBytesFloat(s.bytesAt(c, v+i), c.scale)
		}
	case kFloat16:
		for i := range k {
			dst[i] = float16(binary.LittleEndian.Uint16(s.fdata[(v+i)*2:]))
		}
	}
}

// bools converts values [v, v+k) of s into dst (len k).
func (c *column) bools(dst []bool, s *source, v, k int) {
	for i := range k {
		j := v + i
		dst[i] = s.bits[j>>3]>>(j&7)&1 != 0
	}
}

// appendStr appends value v of s as text (a String decode) to data.
func (c *column) appendStr(data []byte, s *source, v int) []byte {
	switch c.kind {
	case kBytes, kFixed:
		return append(data, s.bytesAt(c, v)...)
	case kUUID:
		b := s.bytesAt(c, v)
		var buf [36]byte
		hex.Encode(buf[0:8], b[0:4])
		buf[8] = '-'
		hex.Encode(buf[9:13], b[4:6])
		buf[13] = '-'
		hex.Encode(buf[14:18], b[6:8])
		buf[18] = '-'
		hex.Encode(buf[19:23], b[8:10])
		buf[23] = '-'
		hex.Encode(buf[24:36], b[10:16])
		return append(data, buf[:]...)
	case kDecimal32:
		return appendDecimal(data, big.NewInt(int64(s.i32[v])), c.scale)
	case kDecimal64:
		return appendDecimal(data, big.NewInt(s.i64[v]), c.scale)
	case kDecimalBytes:
		return appendDecimal(data, bigFromTwos(s.bytesAt(c, v)), c.scale)
	}
	return data
}

// pow10 holds the powers of ten a float64 represents exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// decimalFloat returns unscaled × 10^-scale rounded to the nearest float64:
// one correctly rounded division when both operands are exact, else the
// decimal text parsed (also correctly rounded).
func decimalFloat(unscaled int64, scale int32) float64 {
	if unscaled > -1<<53 && unscaled < 1<<53 && int(scale) < len(pow10) {
		return float64(unscaled) / pow10[scale]
	}
	return parseDecimal(big.NewInt(unscaled), scale)
}

// decimalBytesFloat is decimalFloat for a big-endian two's complement value.
func decimalBytesFloat(b []byte, scale int32) float64 {
	if len(b) <= 8 {
		var u int64
		if len(b) > 0 && b[0]&0x80 != 0 {
			u = -1
		}
		for _, x := range b {
			u = u<<8 | int64(x)
		}
		return decimalFloat(u, scale)
	}
	return parseDecimal(bigFromTwos(b), scale)
}

func parseDecimal(u *big.Int, scale int32) float64 {
	f, _ := strconv.ParseFloat(u.String()+"e-"+strconv.Itoa(int(scale)), 64)
	return f // ±Inf past the float64 range (err is ErrRange then)
}

// bigFromTwos reads a big-endian two's complement integer.
func bigFromTwos(b []byte) *big.Int {
	u := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 {
		u.Sub(u, new(big.Int).Lsh(big.NewInt(1), uint(len(b))*8))
	}
	return u
}

// appendDecimal appends unscaled × 10^-scale in plain decimal notation,
// every digit kept ("-1.25", "0.005", "12.00").
func appendDecimal(dst []byte, u *big.Int, scale int32) []byte {
	neg := u.Sign() < 0
	digits := new(big.Int).Abs(u).String()
	if neg {
		dst = append(dst, '-')
	}
	s := int(scale)
	if s <= 0 {
		return append(dst, digits...)
	}
	if len(digits) <= s {
		dst = append(dst, '0', '.')
		for range s - len(digits) {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[:len(digits)-s]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-s:]...)
}

// float16 converts an IEEE 754 half-precision value.
func float16(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * frac * math.Pow(2, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return sign * math.Inf(1)
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}
