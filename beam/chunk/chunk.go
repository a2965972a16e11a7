// Package chunk encodes frames as the elements of sluice's Beam pipelines:
// a whole chunk (thousands of rows) per element, in a compact
// self-describing layout, so a runner's per-element cost is paid once per
// chunk. It depends on package frame only (not on Beam), so it can be
// tested and fuzzed without building the SDK.
package chunk

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
)

// The layout:
//
//	magic "SF1" | rows uvarint | cols uvarint | per column:
//	  name (uvarint length + bytes) | type byte | hasNulls byte |
//	  validity words (8 bytes each, when hasNulls) | values
//
// Values: Int64, Date and Datetime as 8-byte little-endian integers,
// Float64 as 8-byte IEEE bits (NaN is null), Bool as one byte each, String
// as uvarint lengths followed by the bytes. Dictionary-encoded strings are
// written as plain strings. The encoding is self-describing and needs no
// registration, unlike gob.

const codecMagic = "SF1"

// ErrCodec is wrapped by decoding errors (a truncated or foreign chunk).
var ErrCodec = errors.New("chunk: bad encoded frame")

// Encode encodes f in the chunk layout described above.
func Encode(f *frame.Frame) []byte {
	buf := make([]byte, 0, 64+f.Size())
	buf = append(buf, codecMagic...)
	buf = binary.AppendUvarint(buf, uint64(f.NumRows()))
	buf = binary.AppendUvarint(buf, uint64(f.NumCols()))
	for k := range f.NumCols() {
		c := f.ColumnAt(k)
		n := c.Len()
		buf = binary.AppendUvarint(buf, uint64(len(c.Name())))
		buf = append(buf, c.Name()...)
		buf = append(buf, byte(c.Type()))
		valid := c.Validity()
		if c.NullCount() > 0 && valid != nil && c.Type() != frame.Float64 {
			buf = append(buf, 1)
			for _, w := range valid {
				buf = binary.LittleEndian.AppendUint64(buf, w)
			}
		} else {
			buf = append(buf, 0)
		}
		switch c.Type() {
		case frame.Int64, frame.Date, frame.Datetime:
			for i := range n {
				buf = binary.LittleEndian.AppendUint64(buf, uint64(c.Int64(i)))
			}
		case frame.Float64:
			for i := range n {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(c.Float64(i)))
			}
		case frame.Bool:
			for i := range n {
				b := byte(0)
				if c.Bool(i) {
					b = 1
				}
				buf = append(buf, b)
			}
		case frame.String:
			for i := range n {
				s := c.StrBytes(i)
				buf = binary.AppendUvarint(buf, uint64(len(s)))
				buf = append(buf, s...)
			}
		}
	}
	return buf
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated at %s", ErrCodec, what)
	}
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) bytes(n uint64, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail(what)
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// Decode decodes a chunk written by [Encode]. The frame copies
// what it keeps: buf may be reused afterwards.
func Decode(buf []byte) (*frame.Frame, error) {
	if len(buf) < len(codecMagic) || string(buf[:len(codecMagic)]) != codecMagic {
		return nil, fmt.Errorf("%w: no magic", ErrCodec)
	}
	d := &decoder{b: buf[len(codecMagic):]}
	rows := d.uvarint("row count")
	ncols := d.uvarint("column count")
	if d.err != nil {
		return nil, d.err
	}
	if rows > uint64(len(buf)) && ncols > 0 || ncols > uint64(len(buf)) {
		return nil, fmt.Errorf("%w: %d rows, %d columns in %d bytes", ErrCodec, rows, ncols, len(buf))
	}
	n := int(rows)
	cols := make([]*frame.Column, 0, ncols)
	for range ncols {
		name := string(d.bytes(d.uvarint("name"), "name"))
		tb := d.bytes(2, "type")
		if d.err != nil {
			return nil, d.err
		}
		typ, hasNulls := frame.Type(tb[0]), tb[1] == 1
		var valid []uint64
		nulls := 0
		if hasNulls {
			words := (n + 63) / 64
			raw := d.bytes(uint64(words)*8, "validity of "+name)
			if d.err != nil {
				return nil, d.err
			}
			valid = make([]uint64, words)
			set := 0
			for w := range valid {
				valid[w] = binary.LittleEndian.Uint64(raw[8*w:])
				for b := valid[w]; b != 0; b &= b - 1 {
					set++
				}
			}
			if n%64 != 0 && valid[words-1]>>(n%64) != 0 {
				return nil, fmt.Errorf("%w: column %q: validity bits past the last row", ErrCodec, name)
			}
			nulls = n - set
		}
		isNull := func(i int) bool { return valid != nil && valid[i/64]&(1<<(i%64)) == 0 }
		switch typ {
		case frame.Int64, frame.Date, frame.Datetime:
			raw := d.bytes(uint64(n)*8, "values of "+name)
			if d.err != nil {
				return nil, d.err
			}
			vals := make([]int64, n)
			for i := range vals {
				if !isNull(i) {
					vals[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
				}
			}
			c, err := frame.AdoptInt64s(name, typ, vals, valid, nulls)
			if err != nil {
				return nil, fmt.Errorf("%w: column %q: %w", ErrCodec, name, err)
			}
			cols = append(cols, c)
		case frame.Float64:
			if hasNulls {
				return nil, fmt.Errorf("%w: column %q: a float column with a validity bitmap", ErrCodec, name)
			}
			raw := d.bytes(uint64(n)*8, "values of "+name)
			if d.err != nil {
				return nil, d.err
			}
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
			}
			cols = append(cols, frame.NewFloat64(name, vals))
		case frame.Bool:
			raw := d.bytes(uint64(n), "values of "+name)
			if d.err != nil {
				return nil, d.err
			}
			vals := make([]bool, n)
			for i := range vals {
				vals[i] = raw[i] == 1 && !isNull(i)
			}
			c, err := frame.AdoptBools(name, vals, valid, nulls)
			if err != nil {
				return nil, fmt.Errorf("%w: column %q: %w", ErrCodec, name, err)
			}
			cols = append(cols, c)
		case frame.String:
			offs := make([]int64, n+1)
			var data []byte
			for i := range n {
				s := d.bytes(d.uvarint("string length"), "string of "+name)
				if d.err != nil {
					return nil, d.err
				}
				if isNull(i) && len(s) > 0 {
					return nil, fmt.Errorf("%w: column %q row %d: a null with text", ErrCodec, name, i)
				}
				data = append(data, s...)
				offs[i+1] = int64(len(data))
			}
			c, err := frame.AdoptStrings(name, offs, data, valid, nulls)
			if err != nil {
				return nil, fmt.Errorf("%w: column %q: %w", ErrCodec, name, err)
			}
			cols = append(cols, c)
		default:
			return nil, fmt.Errorf("%w: column %q has unknown type %d", ErrCodec, name, typ)
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last column", ErrCodec, len(d.b))
	}
	if len(cols) == 0 {
		return frame.Empty(), nil
	}
	return frame.New(cols...)
}
