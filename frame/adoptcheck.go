package frame

import (
	"fmt"
	"math"
)

// Buffers is a column's storage in frame's layout, for [AdoptColumn]. Only
// the slices of the column's type are set:
//
//	Int64, Date, Datetime  Ints (Date: days, Datetime: nanoseconds since 1970-01-01 UTC)
//	Float64                Floats
//	Bool                   Bools
//	String (plain)         Offs, Data: value i is Data[Offs[i]:Offs[i+1]]; len(Offs) = rows+1
//	String (dictionary)    Codes, Dict: value i is entry Codes[i] of Dict
//
// Valid is the validity bitmap: bit i (word i/64, bit i%64) is set when value
// i is valid; nil means no nulls.
type Buffers struct {
	Ints   []int64
	Floats []float64
	Bools  []bool
	Offs   []int64
	Data   []byte
	Codes  []uint32
	Dict   *Column
	Valid  []uint64
}

// AdoptColumn returns a column of type t over b's slices, without copying
// them, after checking that they form a valid column: only the slices of t
// are set; Valid, when set, has exactly (rows+63)/64 words with the bits at
// and beyond rows clear; a null's slot holds the zero value (0, NaN for
// Float64, false, an empty string, code 0); string offsets are
// non-decreasing and within Data; codes are below Dict.Len() and Dict is a
// plain String column without nulls. The null count is computed from Valid.
// Checking reads every value once. The caller must not modify the slices
// afterwards.
//
// It returns an error wrapping ErrType for an invalid type or slices of
// another type, ErrLength for a bitmap or offsets of the wrong length, and
// ErrIndex for offsets, codes or null slots that break the layout. (The
// AdoptInt64s family is the unchecked form for the engine's own kernels.)
func AdoptColumn(name string, t Type, b Buffers) (*Column, error) {
	fail := func(sentinel error, format string, a ...any) (*Column, error) {
		return nil, fmt.Errorf("frame: adopt column %q (%v): %s: %w", name, t, fmt.Sprintf(format, a...), sentinel)
	}
	set := map[string]bool{
		"Ints": b.Ints != nil, "Floats": b.Floats != nil, "Bools": b.Bools != nil,
		"Offs": b.Offs != nil, "Data": b.Data != nil, "Codes": b.Codes != nil, "Dict": b.Dict != nil,
	}
	var allowed []string
	var n int
	switch {
	case t.isIntBacked():
		allowed, n = []string{"Ints"}, len(b.Ints)
	case t == Float64:
		allowed, n = []string{"Floats"}, len(b.Floats)
	case t == Bool:
		allowed, n = []string{"Bools"}, len(b.Bools)
	case t == String && (b.Dict != nil || b.Codes != nil):
		allowed, n = []string{"Codes", "Dict"}, len(b.Codes)
	case t == String:
		allowed = []string{"Offs", "Data"}
		if len(b.Offs) == 0 {
			return fail(ErrLength, "a plain String column needs len(Offs) = rows+1 ≥ 1")
		}
		n = len(b.Offs) - 1
	default:
		return fail(ErrType, "not a column type")
	}
	for _, k := range allowed {
		delete(set, k)
	}
	for _, k := range []string{"Ints", "Floats", "Bools", "Offs", "Data", "Codes", "Dict"} {
		if set[k] {
			return fail(ErrType, "%s is set", k)
		}
	}
	if b.Valid != nil {
		if len(b.Valid) != (n+63)/64 {
			return fail(ErrLength, "validity bitmap has %d words for %d rows, want %d", len(b.Valid), n, (n+63)/64)
		}
		if r := n % 64; r != 0 && b.Valid[len(b.Valid)-1]>>uint(r) != 0 {
			return fail(ErrIndex, "validity bitmap has bits set beyond row %d", n)
		}
	}
	valid := bitmap(b.Valid)
	isNull := func(i int) bool { return valid != nil && !valid.get(i) }
	c := &Column{name: name, typ: t, n: n}
	switch {
	case t.isIntBacked():
		for i, v := range b.Ints {
			if v != 0 && isNull(i) {
				return fail(ErrIndex, "row %d is null but holds %d", i, v)
			}
		}
		c.ints = b.Ints
	case t == Float64:
		for i, v := range b.Floats {
			if isNull(i) && !math.IsNaN(v) {
				return fail(ErrIndex, "row %d is null but holds %v, not NaN", i, v)
			}
		}
		c.floats = b.Floats
	case t == Bool:
		for i, v := range b.Bools {
			if v && isNull(i) {
				return fail(ErrIndex, "row %d is null but holds true", i)
			}
		}
		c.bools = b.Bools
	case b.Dict != nil || b.Codes != nil:
		d := b.Dict
		if d == nil || d.typ != String || d.dict != nil || d.nulls != 0 {
			return fail(ErrType, "Dict must be a plain String column without nulls")
		}
		for i, code := range b.Codes {
			if int(code) >= d.n {
				return fail(ErrIndex, "row %d has code %d, the dictionary has %d entries", i, code, d.n)
			}
			if code != 0 && isNull(i) {
				return fail(ErrIndex, "row %d is null but has code %d", i, code)
			}
		}
		c.codes, c.dict = b.Codes, d
	default:
		if b.Offs[0] < 0 || b.Offs[n] > int64(len(b.Data)) {
			return fail(ErrIndex, "offsets span [%d, %d] of %d data bytes", b.Offs[0], b.Offs[n], len(b.Data))
		}
		for i := range n {
			if b.Offs[i+1] < b.Offs[i] {
				return fail(ErrIndex, "offset %d (%d) is below offset %d (%d)", i+1, b.Offs[i+1], i, b.Offs[i])
			}
			if b.Offs[i+1] != b.Offs[i] && isNull(i) {
				return fail(ErrIndex, "row %d is null but holds %d bytes", i, b.Offs[i+1]-b.Offs[i])
			}
		}
		c.offs, c.data = b.Offs, b.Data
	}
	if c.nulls = valid.countNulls(n); c.nulls > 0 {
		c.valid = valid
	}
	return c, nil
}
