package frame

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// orderHash is a statistic that depends on every value and on their order,
// so equal results mean the same values in the same order.
func orderHash(x []float64) float64 {
	h := 0.0
	for i, v := range x {
		h = h*1.0000001 + v*float64(i+1)
	}
	return h
}

func orderHash2(x, y []float64) float64 {
	if len(x) != len(y) {
		panic("lengths differ")
	}
	h := 0.0
	for i := range x {
		h = h*1.0000001 + x[i]*float64(i+1) - y[i]/float64(i+2)
	}
	return h
}

// vandal sorts its input and appends to it: neither may disturb another
// group's values.
func vandal(x []float64) float64 {
	slices.Sort(x)
	x = append(x, 1e300, 1e300)
	return x[0] + float64(len(x))
}

func userAggs() []Agg {
	return []Agg{
		AggFunc("h", "f", orderHash),
		AggFunc("h", "i", orderHash),
		AggFunc("h", "b", orderHash),
		AggFunc("n", "v", func(x []float64) float64 { return float64(len(x)) }),
		AggFunc("vandal", "f", vandal),
		AggFunc2("h", "f", "i", orderHash2),
		AggFunc2("h", "v", "b", orderHash2),
		AggFunc2("h", "f", "f", orderHash2),
		AggFunc("nan", "f", func(x []float64) float64 { return math.NaN() }),
		Median("f"), // shares the gathering machinery
	}
}

// refUserAgg applies a's function to the group's rows as the contract
// says, on fresh slices of the non-null values in row order.
func refUserAgg(a Agg, f *Frame, rows []int) any {
	x := f.MustColumn(a.col)
	var xs, ys []float64
	if a.kind == aggFunc {
		for _, r := range rows {
			if !x.IsNull(r) {
				xs = append(xs, floatAt(x, r))
			}
		}
		if len(xs) == 0 {
			return nil
		}
		v := a.fn(xs)
		if v != v {
			return nil
		}
		return v
	}
	y := f.MustColumn(a.col2)
	for _, r := range rows {
		if !x.IsNull(r) && !y.IsNull(r) {
			xs = append(xs, floatAt(x, r))
			ys = append(ys, floatAt(y, r))
		}
	}
	if len(xs) == 0 {
		return nil
	}
	v := a.fn2(xs, ys)
	if v != v {
		return nil
	}
	return v
}

func checkUserAggs(t *testing.T, name string, f *Frame, keys []string, aggs []Agg, out *Frame) {
	t.Helper()
	groups := refGroups(f, keys)
	if out.NumRows() != len(groups) {
		t.Fatalf("%s: %d groups, want %d", name, out.NumRows(), len(groups))
	}
	for ai, a := range aggs {
		oc := out.cols[len(keys)+ai]
		if oc.name != a.Name() || oc.typ != Float64 {
			t.Fatalf("%s: column %d is %s %v, want %s float64", name, ai, oc.name, oc.typ, a.Name())
		}
		if a.kind != aggFunc && a.kind != aggFunc2 {
			continue
		}
		for g, rows := range groups {
			want := refUserAgg(a, f, rows)
			if got := oc.Value(g); got != want {
				t.Fatalf("%s: group %d (%d rows) %v: got %v, want %v", name, g, len(rows), a, got, want)
			}
		}
	}
}

func TestAggFuncProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	aggs := userAggs()
	for _, gc := range randGroupCases(rng) {
		out, err := gc.f.GroupBy(gc.keys...).Agg(aggs...)
		if err != nil {
			t.Fatalf("%s: %v", gc.name, err)
		}
		checkUserAggs(t, gc.name, gc.f, gc.keys, aggs, out)

		// a subset of the rows, as package parallel asks for
		var rows []int32
		for i := 0; i < gc.f.nrows; i++ {
			if rng.IntN(3) != 0 {
				rows = append(rows, int32(i))
			}
		}
		if rows == nil {
			rows = []int32{}
		}
		sout, _, err := gc.f.GroupBy(gc.keys...).AggRows(rows, aggs...)
		if err != nil {
			t.Fatal(err)
		}
		checkUserAggs(t, gc.name+"/rows", takeFrame(gc.f, rows), gc.keys, aggs, sout)
	}
}

// TestAggFuncManyRanges has more values than one gathering buffer holds,
// so groups are gathered in several ranges.
func TestAggFuncManyRanges(t *testing.T) {
	if testing.Short() {
		t.Skip("700k rows")
	}
	rng := rand.New(rand.NewPCG(33, 34))
	n := 700_000
	k := make([]int64, n)
	x := make([]float64, n)
	y := make([]int64, n)
	yv := make([]bool, n)
	for i := range n {
		k[i] = int64(rng.IntN(997))
		if i > n/2 {
			k[i] = 5 // one big group
		}
		x[i] = rng.NormFloat64()
		if rng.IntN(10) == 0 {
			x[i] = math.NaN()
		}
		y[i] = rng.Int64N(100)
		yv[i] = rng.IntN(8) != 0
	}
	f := Must(New(MustColumn(NewInt64("k", k, nil)), NewFloat64("x", x), MustColumn(NewInt64("y", y, yv))))
	aggs := []Agg{AggFunc("h", "x", orderHash), AggFunc2("h", "x", "y", orderHash2), AggFunc("vandal", "x", vandal)}
	out, err := f.GroupBy("k").Agg(aggs...)
	if err != nil {
		t.Fatal(err)
	}
	checkUserAggs(t, "700k", f, []string{"k"}, aggs, out)
}

func TestAggFuncEmptyGroupsNotCalled(t *testing.T) {
	f := Must(New(
		MustColumn(NewString("k", []string{"a", "b", "a", "c"}, nil)),
		NewFloat64("x", []float64{1, math.NaN(), 2, 3}),
		NewFloat64("y", []float64{math.NaN(), 5, 6, 7}),
	))
	calls := 0
	out, err := f.GroupBy("k").Agg(
		AggFunc("n", "x", func(x []float64) float64 { calls++; return float64(len(x)) }),
		AggFunc2("n", "x", "y", func(x, y []float64) float64 { calls++; return float64(len(x)) }),
	)
	if err != nil {
		t.Fatal(err)
	}
	// x: a {1,2}, b {}, c {3}; pairs: a {(2,6)}, b {}, c {(3,7)}
	want := "[2 <nil> 1] [1 <nil> 1]"
	if got := strings.Join([]string{fmtCol(out.MustColumn("x_n")), fmtCol(out.MustColumn("x_y_n"))}, " "); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if calls != 4 {
		t.Errorf("%d calls, want 4 (none for an empty group)", calls)
	}
}

func fmtCol(c *Column) string {
	vals := make([]any, c.Len())
	for i := range vals {
		vals[i] = c.Value(i)
	}
	return fmt.Sprint(vals)
}

func TestAggFuncPanic(t *testing.T) {
	f := Must(New(
		MustColumn(NewString("k", []string{"a", "b", "a", ""}, []bool{true, true, true, false})),
		MustColumn(NewInt64("n", []int64{1, 2, 3, 4}, nil)),
		NewFloat64("x", []float64{1, 2, 3, 4}),
	))
	boom := func(x []float64) float64 {
		if x[0] == 2 {
			panic("boom")
		}
		return x[0]
	}
	_, err := f.GroupBy("k", "n").Agg(Mean("x"), AggFunc("boom", "x", boom))
	var pe *FuncPanicError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *FuncPanicError", err)
	}
	if pe.Agg != "boom(x)" || pe.Key != "(k=b, n=2)" || pe.Value != "boom" || len(pe.Stack) == 0 {
		t.Errorf("panic error %+v", pe)
	}
	if want := `frame: group by: boom(x): panic in group (k=b, n=2): boom`; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	// a null key, a panic with an error value, the two-column form
	_, err = f.GroupBy("k").Agg(AggFunc2("eof", "x", "n", func(x, y []float64) float64 {
		if x[0] == 4 {
			panic(io.EOF)
		}
		return 0
	}))
	if !errors.Is(err, io.EOF) || !strings.Contains(err.Error(), "eof(x, n): panic in group (k=null)") {
		t.Errorf("err = %v", err)
	}
}

func TestAggFuncErrors(t *testing.T) {
	f := Must(New(MustColumn(NewString("k", []string{"a", "b"}, nil)), NewFloat64("v", []float64{1, 2})))
	id := func(x []float64) float64 { return x[0] }
	id2 := func(x, y []float64) float64 { return x[0] }
	for _, c := range []struct {
		name string
		agg  Agg
		is   error
	}{
		{"string column", AggFunc("id", "k", id), ErrType},
		{"string second column", AggFunc2("id", "v", "k", id2), ErrType},
		{"missing column", AggFunc("id", "nope", id), ErrNoColumn},
		{"missing second column", AggFunc2("id", "v", "nope", id2), ErrNoColumn},
		{"nil function", AggFunc("id", "v", nil), nil},
		{"nil function 2", AggFunc2("id", "v", "v", nil), nil},
		{"no name", AggFunc("", "v", id), nil},
	} {
		_, err := f.GroupBy("k").Agg(c.agg)
		if err == nil || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.is)
		}
	}
	a := AggFunc2("corr", "x", "y", id2)
	if a.Name() != "x_y_corr" || a.String() != "corr(x, y)" || !slices.Equal(a.Columns(), []string{"x", "y"}) || a.Column() != "x" {
		t.Errorf("AggFunc2: %q %q %v", a.Name(), a.String(), a.Columns())
	}
	b := AggFunc("sd", "a_mean", id).As("spread")
	if b.Name() != "spread" || b.String() != "sd(a_mean)" || !slices.Equal(b.Columns(), []string{"a_mean"}) {
		t.Errorf("AggFunc: %q %q %v", b.Name(), b.String(), b.Columns())
	}
	if Count().Columns() != nil || !slices.Equal(Median("m").Columns(), []string{"m"}) {
		t.Error("Columns of built-ins")
	}
}
