package matconv

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"gonum.org/v1/gonum/mat"
)

// randFrame makes rows × (float, int, bool, string) columns; nulls with
// probability pnull.
func randFrame(r *rand.Rand, rows int, pnull float64) *frame.Frame {
	fb := frame.NewBuilder(frame.Float64, rows)
	ib := frame.NewBuilder(frame.Int64, rows)
	bb := frame.NewBuilder(frame.Bool, rows)
	sb := frame.NewBuilder(frame.String, rows)
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for range rows {
		null := func() bool { return r.Float64() < pnull }
		switch {
		case null():
			fb.AppendNull()
		case r.IntN(10) == 0:
			_ = fb.AppendValue(specials[r.IntN(len(specials))])
		default:
			_ = fb.AppendValue(r.NormFloat64() * 1e3)
		}
		if null() {
			ib.AppendNull()
		} else {
			_ = ib.AppendValue(r.Int64N(1<<53) - 1<<52)
		}
		if null() {
			bb.AppendNull()
		} else {
			_ = bb.AppendValue(r.IntN(2) == 0)
		}
		_ = sb.AppendValue("s")
	}
	return frame.Must(frame.New(fb.Build("f"), ib.Build("i"), bb.Build("b"), sb.Build("s")))
}

// want is the reference conversion of one cell.
func want(c *frame.Column, i int) float64 {
	switch v := c.Value(i).(type) {
	case nil:
		return math.NaN()
	case float64:
		return v
	case int64:
		return float64(v)
	case bool:
		if v {
			return 1
		}
		return 0
	}
	panic("type")
}

func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (a != a && b != b)
}

// TestRoundTripProperty: frame → mat.Dense → frame keeps every Float64
// column bit for bit (nulls as nulls, -0, ±Inf), and int/bool columns come
// back as their float64 values.
func TestRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cols := []string{"f", "i", "b", "f"}
	names := []string{"f", "i", "b", "f2"}
	for trial := range 200 {
		rows := 1 + r.IntN(60)
		f := randFrame(r, rows, r.Float64()*0.4)
		m, err := ToDense(f, cols, Options{NullAsNaN: true})
		if err != nil {
			t.Fatal(err)
		}
		if gr, gc := m.Dims(); gr != rows || gc != len(cols) {
			t.Fatalf("dims %d×%d", gr, gc)
		}
		for j, name := range cols {
			c := f.MustColumn(name)
			for i := range rows {
				if !same(m.At(i, j), want(c, i)) {
					t.Fatalf("trial %d: cell (%d, %d) = %v, want %v", trial, i, j, m.At(i, j), want(c, i))
				}
			}
		}
		back, err := FromDense(m, names)
		if err != nil {
			t.Fatal(err)
		}
		for j, name := range cols {
			src, got := f.MustColumn(name), back.ColumnAt(j)
			if got.Name() != names[j] || got.Type() != frame.Float64 || got.NullCount() != src.NullCount() {
				t.Fatalf("trial %d: column %d: %s %v with %d nulls, want %s float64 with %d", trial, j,
					got.Name(), got.Type(), got.NullCount(), names[j], src.NullCount())
			}
			for i := range rows {
				if got.IsNull(i) != src.IsNull(i) || !same(got.Float64(i), want(src, i)) {
					t.Fatalf("trial %d: column %s row %d: %v, want %v", trial, name, i, got.Value(i), src.Value(i))
				}
			}
		}
		// the Float64 column alone round-trips to an equal column
		v, err := ToVec(f, "f", Options{NullAsNaN: true})
		if err != nil {
			t.Fatal(err)
		}
		fv, err := FromDense(v, []string{"f"})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			a, b := fv.ColumnAt(0), f.MustColumn("f")
			if a.IsNull(i) != b.IsNull(i) || !same(a.Float64(i), b.Float64(i)) {
				t.Fatalf("vector row %d: %v, want %v", i, a.Value(i), b.Value(i))
			}
		}
	}
}

func TestErrors(t *testing.T) {
	f := frame.Must(frame.New(
		frame.NewFloat64("x", []float64{1, math.NaN(), 3}),
		frame.MustColumn(frame.NewString("s", []string{"a", "b", "c"}, nil)),
		frame.MustColumn(frame.NewInt64("n", []int64{1, 2, 3}, nil)),
	))
	_, err := ToDense(f, []string{"n", "x"}, Options{})
	if !errors.Is(err, ErrNull) || err.Error() != `matconv: column "x", row 1: null value (1 nulls; set Options.NullAsNaN for NaN)` {
		t.Errorf("null: %v", err)
	}
	if _, err := ToVec(f, "x", Options{}); !errors.Is(err, ErrNull) {
		t.Errorf("null vec: %v", err)
	}
	if _, err := ToDense(f, nil, Options{NullAsNaN: true}); !errors.Is(err, frame.ErrType) {
		t.Errorf("string: %v", err)
	}
	if _, err := ToDense(f, []string{"zz"}, Options{}); !errors.Is(err, frame.ErrNoColumn) {
		t.Errorf("missing: %v", err)
	}
	if _, err := ToDense(f.Head(0), []string{"n"}, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no rows: %v", err)
	}
	if _, err := ToVec(f.Head(0), "n", Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no rows vec: %v", err)
	}
	if _, err := ToDense(frame.Empty(), nil, Options{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no columns: %v", err)
	}
	m := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	if _, err := FromDense(m, []string{"a"}); !errors.Is(err, frame.ErrLength) {
		t.Errorf("names: %v", err)
	}
	if _, err := FromDense(m, []string{"a", "a"}); !errors.Is(err, frame.ErrDuplicate) {
		t.Errorf("duplicate: %v", err)
	}
	tf, err := FromDense(m.T(), []string{"a", "b"})
	if err != nil || fmt.Sprint(tf.ColumnAt(0).Float64s(), tf.ColumnAt(1).Float64s()) != "[1 2] [3 4]" {
		t.Errorf("transpose: %v %v", tf, err)
	}
	// all columns by default, in frame order
	g := frame.Must(frame.New(frame.NewFloat64("a", []float64{1, 2}), frame.MustColumn(frame.NewBool("b", []bool{true, false}, nil))))
	d, err := ToDense(g, nil, Options{})
	if err != nil || fmt.Sprint(mat.Formatted(d, mat.FormatMATLAB())) != "[1 1; 2 0]" {
		t.Errorf("all columns: %v %v", mat.Formatted(d, mat.FormatMATLAB()), err)
	}
}
