package parquet

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"unsafe"

	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding/bytestreamsplit"
	"github.com/parquet-go/parquet-go/encoding/delta"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
)

// source is the (non-null) values of one page, or of a dictionary, in their
// physical representation. Only the field of the column's physical type is
// set; fixed-width values are views of the page's bytes where alignment
// allows, else copies in the scratch slices, which are reused page after
// page.
type source struct {
	n     int
	i32   []int32
	i64   []int64
	i96   []deprecated.Int96
	f32   []float32
	f64   []float64
	bits  []byte   // BOOLEAN, bit-packed, least significant bit first
	bdata []byte   // BYTE_ARRAY: value i is bdata[bpos[2i]:bpos[2i+1]]
	bpos  []uint32 //
	fdata []byte   // FIXED_LEN_BYTE_ARRAY values of c.size bytes

	s32   []int32
	s64   []int64
	s96   []deprecated.Int96
	sf32  []float32
	sf64  []float64
	sbyte []byte
	soffs []uint32
}

// nativeLE: the machine stores integers little-endian, as Parquet does.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// view returns the n little-endian values at the start of b as a []T: the
// bytes themselves when aligned, else a copy in *scratch.
func view[T int32 | int64 | float32 | float64 | deprecated.Int96](b []byte, n int, scratch *[]T) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	b = b[:n*size]
	if n == 0 {
		return nil
	}
	p := unsafe.Pointer(unsafe.SliceData(b))
	if nativeLE && uintptr(p)%unsafe.Alignof(zero) == 0 {
		return unsafe.Slice((*T)(p), n)
	}
	*scratch = grow(*scratch, n)
	out := *scratch
	if nativeLE {
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(out))), n*size), b)
	} else {
		binary.Decode(b, binary.LittleEndian, out)
	}
	return out
}

// decode sets s to the n values of data in encoding enc.
func (s *source) decode(c *column, enc format.Encoding, data []byte, n int) error {
	s.n = n
	s.i32, s.i64, s.i96, s.f32, s.f64, s.bits, s.bdata, s.bpos, s.fdata = nil, nil, nil, nil, nil, nil, nil, nil, nil
	short := func(have int) error {
		return errCorrupt("%v page holds %d of its %d values", enc, have, n)
	}
	switch enc {
	//lint:ignore SA1019 a legacy (parquet 1.0) dictionary page labels its plain values PLAIN_DICTIONARY; reading old files needs it
	case format.Plain, format.PlainDictionary: // PLAIN_DICTIONARY: a legacy dictionary page's label
		switch c.phys {
		case format.Boolean:
			if len(data) < (n+7)/8 {
				return short(len(data) * 8)
			}
			s.bits = data
		case format.Int32:
			if len(data) < 4*n {
				return short(len(data) / 4)
			}
			s.i32 = view(data, n, &s.s32)
		case format.Int64:
			if len(data) < 8*n {
				return short(len(data) / 8)
			}
			s.i64 = view(data, n, &s.s64)
		case format.Int96:
			if len(data) < 12*n {
				return short(len(data) / 12)
			}
			s.i96 = view(data, n, &s.s96)
		case format.Float:
			if len(data) < 4*n {
				return short(len(data) / 4)
			}
			s.f32 = view(data, n, &s.sf32)
		case format.Double:
			if len(data) < 8*n {
				return short(len(data) / 8)
			}
			s.f64 = view(data, n, &s.sf64)
		case format.ByteArray:
			s.soffs = grow(s.soffs, 2*n)
			p := 0
			for i := range n {
				if len(data)-p < 4 {
					return short(i)
				}
				m := int(binary.LittleEndian.Uint32(data[p:]))
				p += 4
				if m < 0 || m > len(data)-p {
					return errCorrupt("byte array value %d of %d bytes past the page end", i, m)
				}
				s.soffs[2*i], s.soffs[2*i+1] = uint32(p), uint32(p+m)
				p += m
			}
			s.bdata, s.bpos = data, s.soffs
		case format.FixedLenByteArray:
			if len(data)/c.size < n {
				return short(len(data) / c.size)
			}
			s.fdata = data
		}
		return nil
	case format.RLE:
		if c.phys != format.Boolean {
			break
		}
		if len(data) < 4 || int(binary.LittleEndian.Uint32(data)) > len(data)-4 {
			return errCorrupt("RLE booleans: page too short")
		}
		vals := grow(s.sbyte, n)
		s.sbyte = vals
		if err := hybrid(vals, data[4:4+binary.LittleEndian.Uint32(data)], 1); err != nil {
			return errCorrupt("RLE booleans: %v", err)
		}
		bits := make([]byte, (n+7)/8)
		for i, v := range vals {
			bits[i>>3] |= (v & 1) << (i & 7)
		}
		s.bits = bits
		return nil
	case format.DeltaBinaryPacked, format.DeltaLengthByteArray, format.DeltaByteArray:
		if err := checkDeltaCount(data, n); err != nil {
			return errCorrupt("%v: %v", enc, err)
		}
	}
	var err error
	var have int
	switch {
	case enc == format.DeltaBinaryPacked && c.phys == format.Int32:
		s.s32, err = (&delta.BinaryPackedEncoding{}).DecodeInt32(s.s32[:0], data)
		s.i32, have = s.s32, len(s.s32)
	case enc == format.DeltaBinaryPacked && c.phys == format.Int64:
		s.s64, err = (&delta.BinaryPackedEncoding{}).DecodeInt64(s.s64[:0], data)
		s.i64, have = s.s64, len(s.s64)
	case enc == format.DeltaLengthByteArray && c.phys == format.ByteArray:
		s.sbyte, s.soffs, err = (&delta.LengthByteArrayEncoding{}).DecodeByteArray(s.sbyte[:0], data, s.soffs[:0])
		have = s.pairs()
	case enc == format.DeltaByteArray && c.phys == format.ByteArray:
		s.sbyte, s.soffs, err = (&delta.ByteArrayEncoding{}).DecodeByteArray(s.sbyte[:0], data, s.soffs[:0])
		have = s.pairs()
	case enc == format.DeltaByteArray && c.phys == format.FixedLenByteArray:
		s.sbyte, err = (&delta.ByteArrayEncoding{}).DecodeFixedLenByteArray(s.sbyte[:0], data, c.size)
		s.fdata, have = s.sbyte, len(s.sbyte)/c.size
	case enc == format.ByteStreamSplit && c.phys == format.Float:
		s.sf32, err = (&bytestreamsplit.Encoding{}).DecodeFloat(s.sf32[:0], data)
		s.f32, have = s.sf32, len(s.sf32)
	case enc == format.ByteStreamSplit && c.phys == format.Double:
		s.sf64, err = (&bytestreamsplit.Encoding{}).DecodeDouble(s.sf64[:0], data)
		s.f64, have = s.sf64, len(s.sf64)
	case enc == format.ByteStreamSplit && c.phys == format.Int32:
		s.s32, err = (&bytestreamsplit.Encoding{}).DecodeInt32(s.s32[:0], data)
		s.i32, have = s.s32, len(s.s32)
	case enc == format.ByteStreamSplit && c.phys == format.Int64:
		s.s64, err = (&bytestreamsplit.Encoding{}).DecodeInt64(s.s64[:0], data)
		s.i64, have = s.s64, len(s.s64)
	case enc == format.ByteStreamSplit && c.phys == format.FixedLenByteArray:
		s.sbyte, err = (&bytestreamsplit.Encoding{}).DecodeFixedLenByteArray(s.sbyte[:0], data, c.size)
		s.fdata, have = s.sbyte, len(s.sbyte)/c.size
	default:
		return errCorrupt("encoding %v of %v values is not supported", enc, c.phys)
	}
	if err != nil {
		return errCorrupt("%v: %v", enc, err)
	}
	if have < n {
		return short(have)
	}
	return nil
}

// pairs turns the contiguous offsets of decoded byte arrays (soffs, n+1
// entries into sbyte) into bdata/bpos and returns the value count.
func (s *source) pairs() int {
	m := len(s.soffs) - 1
	if m < 0 {
		return 0
	}
	pos := make([]uint32, 2*m)
	for i := range m {
		pos[2*i], pos[2*i+1] = s.soffs[i], s.soffs[i+1]
		if pos[2*i] > pos[2*i+1] || int(pos[2*i+1]) > len(s.sbyte) {
			return i
		}
	}
	s.bdata, s.bpos = s.sbyte, pos
	return m
}

// checkDeltaCount checks that a delta encoding's header states at most n
// values (the first block of DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY
// is a DELTA_BINARY_PACKED header too), before a decoder allocates for them.
func checkDeltaCount(data []byte, n int) error {
	p := 0
	for k := range 3 {
		v, m := binary.Uvarint(data[p:])
		if m <= 0 {
			return fmt.Errorf("bad header")
		}
		p += m
		if k == 0 && (v == 0 || v > 1<<20) {
			return fmt.Errorf("block size %d", v)
		}
		if k == 2 && v > uint64(n) {
			return fmt.Errorf("%d values in a page of %d", v, n)
		}
	}
	return nil
}

// bytesAt returns byte-array or fixed-length value i.
func (s *source) bytesAt(c *column, i int) []byte {
	if c.phys == format.ByteArray {
		return s.bdata[s.bpos[2*i]:s.bpos[2*i+1]]
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
