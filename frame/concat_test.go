package frame

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestConcatColumnsMatchesReference stacks random slices (at offsets that
// are and are not multiples of 64, with and without nulls, plain and
// dictionary strings) and checks every value and null against the pieces.
func TestConcatColumnsMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	for trial := range 40 {
		n := 1 + r.IntN(700)
		vals := make([]int64, n)
		strs := make([]string, n)
		valid := make([]bool, n)
		nullRate := []int{0, 2, 10}[trial%3]
		for i := range n {
			vals[i] = r.Int64N(1000)
			strs[i] = fmt.Sprint("s", r.IntN(5))
			valid[i] = nullRate == 0 || r.IntN(nullRate) != 0
		}
		f := Must(New(MustColumn(NewInt64("i", vals, valid)), MustColumn(NewString("s", strs, valid))))
		if trial%2 == 1 {
			f = Must(New(f.ColumnAt(0), f.ColumnAt(1).DictEncode()))
		}
		var ints, ss []*Column
		var wantV []int64
		var wantS []string
		var wantNull []bool
		for range 1 + r.IntN(5) {
			i := r.IntN(n)
			j := i + r.IntN(n-i+1)
			if r.IntN(3) == 0 {
				i = i / 64 * 64
			}
			p := f.Slice(i, j)
			ints, ss = append(ints, p.ColumnAt(0)), append(ss, p.ColumnAt(1))
			for k := i; k < j; k++ {
				wantV, wantS, wantNull = append(wantV, vals[k]), append(wantS, strs[k]), append(wantNull, !valid[k])
			}
		}
		gi, err := ConcatColumns(ints...)
		if err != nil {
			t.Fatal(err)
		}
		gs, err := ConcatColumns(ss...)
		if err != nil {
			t.Fatal(err)
		}
		if gi.Len() != len(wantV) || gs.Len() != len(wantV) {
			t.Fatalf("trial %d: lengths %d, %d, want %d", trial, gi.Len(), gs.Len(), len(wantV))
		}
		nulls := 0
		for k := range wantV {
			if gi.IsNull(k) != wantNull[k] || gs.IsNull(k) != wantNull[k] {
				t.Fatalf("trial %d row %d: null %v/%v, want %v", trial, k, gi.IsNull(k), gs.IsNull(k), wantNull[k])
			}
			if wantNull[k] {
				nulls++
				continue
			}
			if gi.Int64(k) != wantV[k] || gs.Str(k) != wantS[k] {
				t.Fatalf("trial %d row %d: %d %q, want %d %q", trial, k, gi.Int64(k), gs.Str(k), wantV[k], wantS[k])
			}
		}
		if gi.NullCount() != nulls || gs.NullCount() != nulls || gi.valid.countNulls(gi.n) != nulls {
			t.Fatalf("trial %d: null counts %d %d (bitmap %d), want %d", trial, gi.NullCount(), gs.NullCount(), gi.valid.countNulls(gi.n), nulls)
		}
	}
}

func TestConcatColumnsErrors(t *testing.T) {
	a := MustColumn(NewInt64("a", []int64{1}, nil))
	if _, err := ConcatColumns(); !errors.Is(err, ErrLength) {
		t.Errorf("no columns: %v", err)
	}
	if _, err := ConcatColumns(a, NewFloat64("a", []float64{1})); !errors.Is(err, ErrType) {
		t.Errorf("types differ: %v", err)
	}
	if _, err := ConcatColumns(a, a.Rename("b")); !errors.Is(err, ErrType) {
		t.Errorf("names differ: %v", err)
	}
	if _, err := ConcatColumns(a, nil); !errors.Is(err, ErrLength) {
		t.Errorf("nil column: %v", err)
	}
}

// TestStackValidity checks StackValidity bit by bit against the pieces,
// ignoring set bits past a piece's length, and its length checks.
func TestStackValidity(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for range 50 {
		var bitmaps [][]uint64
		var lens []int
		var want []bool
		for range 1 + r.IntN(6) {
			m := r.IntN(200)
			lens = append(lens, m)
			if r.IntN(3) == 0 {
				bitmaps = append(bitmaps, nil)
				for range m {
					want = append(want, true)
				}
				continue
			}
			b := make([]uint64, (m+63)/64)
			for i := range b {
				b[i] = r.Uint64() // bits past m are garbage on purpose
			}
			bitmaps = append(bitmaps, b)
			for i := range m {
				want = append(want, b[i/64]>>(i%64)&1 == 1)
			}
		}
		got, err := StackValidity(bitmaps, lens)
		if err != nil {
			t.Fatal(err)
		}
		allNil := true
		for _, b := range bitmaps {
			allNil = allNil && b == nil
		}
		if allNil {
			if got != nil {
				t.Fatalf("all pieces without nulls gave %v", got)
			}
			continue
		}
		if len(got) != (len(want)+63)/64 {
			t.Fatalf("%d words for %d bits", len(got), len(want))
		}
		for i := range len(got) * 64 {
			bit := got[i/64]>>(i%64)&1 == 1
			if i < len(want) && bit != want[i] || i >= len(want) && bit {
				t.Fatalf("bit %d of %d is %v", i, len(want), bit)
			}
		}
	}
	if _, err := StackValidity([][]uint64{{1}}, []int{65}); !errors.Is(err, ErrLength) {
		t.Errorf("short bitmap: %v", err)
	}
	if _, err := StackValidity([][]uint64{nil}, nil); !errors.Is(err, ErrLength) {
		t.Errorf("length mismatch: %v", err)
	}
}
