package frame

import (
	"fmt"
	"unsafe"
)

// Zero-copy construction for the engine's own kernels (the CSV and Parquet
// readers, spill decoding, parallel's operators): a producer that knows its
// row count fills exact-size slices and a validity bitmap itself, and the
// column adopts them without copying or re-scanning. Code that adopts
// buffers it did not build (from a file, a user, another library) uses
// [AdoptColumn], which checks the layout and returns an error.
//
// A validity bitmap is []uint64 with bit i (word i/64, bit i%64) set when
// value i is valid; nil means no nulls. When non-nil it must have exactly
// (n+63)/64 words, the bits at and beyond n must be clear, nulls must be the
// number of clear bits below n, and the slots of nulls must hold the zero
// value (0, NaN for Float64, false, an empty string). The caller must not
// modify the slices afterwards. These unchecked constructors verify only
// what costs O(1) and return an error when that fails (a bitmap of the wrong
// length wraps ErrLength, a type the function cannot hold or a dictionary
// that is not a plain String column without nulls wraps ErrType); they never
// panic.

// AdoptInt64s returns an Int64, Date or Datetime column (t) over vals.
func AdoptInt64s(name string, t Type, vals []int64, valid []uint64, nulls int) (*Column, error) {
	if !t.isIntBacked() {
		return nil, fmt.Errorf("frame: adopt %q: type %v is not Int64, Date or Datetime: %w", name, t, ErrType)
	}
	v, err := adoptBitmap(name, len(vals), valid, nulls)
	if err != nil {
		return nil, err
	}
	return &Column{name: name, typ: t, n: len(vals), ints: vals, valid: v, nulls: nulls}, nil
}

// AdoptFloat64s returns a Float64 column over vals (NaN at nulls).
func AdoptFloat64s(name string, vals []float64, valid []uint64, nulls int) (*Column, error) {
	v, err := adoptBitmap(name, len(vals), valid, nulls)
	if err != nil {
		return nil, err
	}
	return &Column{name: name, typ: Float64, n: len(vals), floats: vals, valid: v, nulls: nulls}, nil
}

// AdoptBools returns a Bool column over vals.
func AdoptBools(name string, vals []bool, valid []uint64, nulls int) (*Column, error) {
	v, err := adoptBitmap(name, len(vals), valid, nulls)
	if err != nil {
		return nil, err
	}
	return &Column{name: name, typ: Bool, n: len(vals), bools: vals, valid: v, nulls: nulls}, nil
}

// AdoptStrings returns a plain String column of len(offs)-1 values: value i
// is data[offs[i]:offs[i+1]]. Offsets must be non-decreasing and within data
// (offs[0] need not be 0).
func AdoptStrings(name string, offs []int64, data []byte, valid []uint64, nulls int) (*Column, error) {
	if len(offs) == 0 {
		offs = []int64{0}
	}
	n := len(offs) - 1
	v, err := adoptBitmap(name, n, valid, nulls)
	if err != nil {
		return nil, err
	}
	return &Column{name: name, typ: String, n: n, offs: offs, data: data, valid: v, nulls: nulls}, nil
}

// adoptBitmap checks the O(1) part of a validity bitmap's contract: nil (or
// no nulls) means none, otherwise (n+63)/64 words and 0 ≤ nulls ≤ n.
func adoptBitmap(name string, n int, valid []uint64, nulls int) (bitmap, error) {
	if nulls < 0 || nulls > n {
		return nil, fmt.Errorf("frame: adopt %q: %d nulls in %d rows: %w", name, nulls, n, ErrLength)
	}
	if valid == nil || nulls == 0 {
		return nil, nil
	}
	if len(valid) != (n+63)/64 {
		return nil, fmt.Errorf("frame: adopt %q: validity bitmap has %d words for %d rows, want %d: %w", name, len(valid), n, (n+63)/64, ErrLength)
	}
	return bitmap(valid), nil
}

// Validity returns the column's validity bitmap in the layout described
// above (nil when it has no nulls), shared with the column: read only.
func (c *Column) Validity() []uint64 { return c.valid }

// StringBuffers returns a plain String column's offsets and data (value i is
// data[offs[i]:offs[i+1]]; offs[0] need not be 0), shared with the column:
// read only. It returns nil, nil for other columns and dictionary columns.
func (c *Column) StringBuffers() (offs []int64, data []byte) {
	if c.typ != String || c.dict != nil {
		return nil, nil
	}
	return c.offs, c.data
}

// AdoptDict returns a dictionary-encoded String column: value i is entry
// codes[i] of dict, a String column without nulls. Codes must be below
// dict.Len(); the codes of nulls must be 0. Several columns may share one
// dict, and a dictionary that only ever grows by appending may be shared as
// prefixes of itself (each column holding the entries that existed when it
// was built): [Concat] keeps such columns encoded. The caller must not modify
// codes afterwards. It returns an error wrapping ErrType when dict is not a
// String column without nulls and ErrLength when valid has the wrong length.
func AdoptDict(name string, codes []uint32, dict *Column, valid []uint64, nulls int) (*Column, error) {
	if dict == nil || dict.typ != String || dict.dict != nil || dict.nulls != 0 {
		return nil, fmt.Errorf("frame: adopt %q: the dictionary must be a plain String column without nulls: %w", name, ErrType)
	}
	n := len(codes)
	v, err := adoptBitmap(name, n, valid, nulls)
	if err != nil {
		return nil, err
	}
	return &Column{name: name, typ: String, n: n, codes: codes, dict: dict, valid: v, nulls: nulls}, nil
}

// dictPrefix reports whether dictionary d holds the first entries of
// dictionary big, in order (true when they are the same column).
func dictPrefix(d, big *Column) bool {
	if d == big {
		return true
	}
	if d.n > big.n {
		return false
	}
	if d.n == 0 {
		return true
	}
	do, bo := d.offs[:d.n+1], big.offs[:d.n+1]
	if unsafe.SliceData(do) == unsafe.SliceData(bo) && unsafe.SliceData(d.data) == unsafe.SliceData(big.data) {
		return true // views of one append-only buffer
	}
	base := bo[0] - do[0]
	for i, o := range do {
		if bo[i] != o+base {
			return false
		}
	}
	return string(d.data[do[0]:do[d.n]]) == string(big.data[bo[0]:bo[d.n]])
}
