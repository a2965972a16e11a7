package frame

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestAdoptColumn(t *testing.T) {
	dict := MustColumn(NewString("", []string{"a", "bc"}, nil))
	nan := math.NaN()
	good := []struct {
		name string
		typ  Type
		b    Buffers
		want []any
	}{
		{"ints", Int64, Buffers{Ints: []int64{4, 0, 6}, Valid: []uint64{0b101}}, []any{int64(4), nil, int64(6)}},
		{"dates", Date, Buffers{Ints: []int64{1}}, []any{time.Unix(86400, 0).UTC()}},
		{"floats", Float64, Buffers{Floats: []float64{1.5, nan}, Valid: []uint64{0b01}}, []any{1.5, nil}},
		{"bools", Bool, Buffers{Bools: []bool{true, false}, Valid: []uint64{0b01}}, []any{true, nil}},
		{"strings", String, Buffers{Offs: []int64{2, 4, 4, 5}, Data: []byte("xxabcd"), Valid: []uint64{0b101}}, []any{"ab", nil, "c"}},
		{"dict", String, Buffers{Codes: []uint32{1, 0, 0}, Dict: dict, Valid: []uint64{0b011}}, []any{"bc", "a", nil}},
		{"empty", Int64, Buffers{}, nil},
		{"all valid bitmap", Int64, Buffers{Ints: []int64{1}, Valid: []uint64{1}}, []any{int64(1)}},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			c, err := AdoptColumn("c", tc.typ, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if c.Len() != len(tc.want) || c.Type() != tc.typ {
				t.Fatalf("%d rows of %v", c.Len(), c.Type())
			}
			nulls := 0
			for i, w := range tc.want {
				if w == nil {
					nulls++
				}
				if got := c.Value(i); got != w {
					t.Errorf("row %d: %v, want %v", i, got, w)
				}
			}
			if c.NullCount() != nulls || (nulls == 0) != (c.Validity() == nil) {
				t.Errorf("null count %d (bitmap %v), want %d", c.NullCount(), c.Validity(), nulls)
			}
		})
	}
	nullDict := MustColumn(NewString("", []string{"a"}, []bool{false}))
	bad := []struct {
		name string
		typ  Type
		b    Buffers
		want error
	}{
		{"invalid type", Invalid, Buffers{}, ErrType},
		{"other slices", Int64, Buffers{Ints: []int64{1}, Floats: []float64{1}}, ErrType},
		{"floats for bool", Bool, Buffers{Floats: []float64{1}}, ErrType},
		{"short bitmap", Int64, Buffers{Ints: make([]int64, 65), Valid: []uint64{1}}, ErrLength},
		{"bits past rows", Int64, Buffers{Ints: []int64{0}, Valid: []uint64{0b10}}, ErrIndex},
		{"null holds value", Int64, Buffers{Ints: []int64{7}, Valid: []uint64{0}}, ErrIndex},
		{"null float not NaN", Float64, Buffers{Floats: []float64{0}, Valid: []uint64{0}}, ErrIndex},
		{"null bool true", Bool, Buffers{Bools: []bool{true}, Valid: []uint64{0}}, ErrIndex},
		{"no offsets", String, Buffers{Data: []byte("a")}, ErrLength},
		{"offsets past data", String, Buffers{Offs: []int64{0, 3}, Data: []byte("ab")}, ErrIndex},
		{"negative offset", String, Buffers{Offs: []int64{-1, 1}, Data: []byte("ab")}, ErrIndex},
		{"decreasing offsets", String, Buffers{Offs: []int64{0, 2, 1}, Data: []byte("ab")}, ErrIndex},
		{"null string holds bytes", String, Buffers{Offs: []int64{0, 1}, Data: []byte("a"), Valid: []uint64{0}}, ErrIndex},
		{"code out of range", String, Buffers{Codes: []uint32{2}, Dict: dict}, ErrIndex},
		{"null code not 0", String, Buffers{Codes: []uint32{1}, Dict: dict, Valid: []uint64{0}}, ErrIndex},
		{"codes without dict", String, Buffers{Codes: []uint32{0}}, ErrType},
		{"dict with nulls", String, Buffers{Codes: []uint32{0}, Dict: nullDict}, ErrType},
		{"dict of ints", String, Buffers{Codes: []uint32{0}, Dict: MustColumn(NewInt64("", []int64{1}, nil))}, ErrType},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			c, err := AdoptColumn("c", tc.typ, tc.b)
			if !errors.Is(err, tc.want) || c != nil {
				t.Errorf("got %v, %v; want an error wrapping %v", c, err, tc.want)
			}
		})
	}
}
