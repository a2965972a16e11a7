package frame

import (
	"errors"
	"testing"
)

// TestAppenderMatchesConcat appends random row ranges of random frames of
// one schema (nulls, dictionary columns, ranges across bitmap words) and
// checks the result against Concat of the same slices, and its layout
// against AdoptColumn's checks.
func TestAppenderMatchesConcat(t *testing.T) {
	names := []string{"i", "f", "s", "b", "d", "t"}
	types := []Type{Int64, Float64, String, Bool, Date, Datetime}
	for seed := range uint64(60) {
		r := newRand(seed)
		srcs := make([]*Frame, 1+r.IntN(4))
		for k := range srcs {
			n := randSize(r)
			cols := make([]*Column, len(names))
			for c := range names {
				cols[c] = randColumn(r, names[c], types[c], n)
			}
			srcs[k] = Must(New(cols...))
		}
		a := NewAppender(srcs[0])
		for round := range 2 { // Build resets: a second round reuses the appender
			var pieces []*Frame
			for range r.IntN(12) {
				f := srcs[r.IntN(len(srcs))]
				i := r.IntN(f.NumRows() + 1)
				j := i + r.IntN(f.NumRows()-i+1)
				if err := a.Append(f, i, j); err != nil {
					t.Fatalf("seed %d: %v", seed, err)
				}
				if j > i {
					pieces = append(pieces, f.Slice(i, j))
				}
			}
			want := srcs[0].Head(0)
			if len(pieces) > 0 {
				want = Must(Concat(pieces...))
			}
			if a.Len() != want.NumRows() {
				t.Fatalf("seed %d round %d: Len %d, want %d", seed, round, a.Len(), want.NumRows())
			}
			got := a.Build()
			if !framesEqual(got, want) {
				t.Fatalf("seed %d round %d: appended frame differs from Concat:\n%v\nwant\n%v", seed, round, got, want)
			}
			for _, c := range got.cols {
				if c.nulls != c.valid.countNulls(c.n) && c.valid != nil {
					t.Fatalf("seed %d: column %s: null count %d, bitmap says %d", seed, c.name, c.nulls, c.valid.countNulls(c.n))
				}
				b := Buffers{Ints: c.ints, Floats: c.floats, Bools: c.bools, Offs: c.offs, Data: c.data, Valid: c.valid}
				if c.typ == String && b.Data == nil {
					b.Data = []byte{}
				}
				if _, err := AdoptColumn(c.name, c.typ, b); err != nil {
					t.Fatalf("seed %d: column %s breaks the layout: %v", seed, c.name, err)
				}
			}
			if a.Len() != 0 || a.Size() != 0 {
				t.Fatalf("seed %d: Build did not reset: Len %d Size %d", seed, a.Len(), a.Size())
			}
		}
	}
}

func TestAppenderErrors(t *testing.T) {
	f := Must(New(MustColumn(NewInt64("a", []int64{1, 2, 3}, nil)), NewFloat64("x", []float64{1, 2, 3})))
	g := Must(New(NewFloat64("a", []float64{1}), NewFloat64("x", []float64{1})))
	a := NewAppender(f)
	for _, tc := range []struct {
		name string
		f    *Frame
		i, j int
		want error
	}{
		{"other type", g, 0, 1, ErrType},
		{"fewer columns", Must(f.Select("a")), 0, 1, ErrType},
		{"past the end", f, 1, 4, ErrIndex},
		{"negative start", f, -1, 2, ErrIndex},
	} {
		if err := a.Append(tc.f, tc.i, tc.j); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	if a.Len() != 0 {
		t.Fatalf("a failed Append appended %d rows", a.Len())
	}
	if err := a.Append(f, 2, 1); err != nil || a.Len() != 0 {
		t.Fatalf("an empty range: %v, %d rows", err, a.Len())
	}
	if got := a.Build(); got.NumRows() != 0 || got.NumCols() != 2 {
		t.Fatalf("empty build: %d rows %d cols", got.NumRows(), got.NumCols())
	}
}
