package frame

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/stats"
)

// keyString renders a row's key tuple for the reference implementations;
// nulls render as a marker no value produces, -0 as 0.
func keyString(cols []*Column, i int) string {
	var b strings.Builder
	for _, c := range cols {
		if c.IsNull(i) {
			b.WriteString("\x00null")
		} else if c.typ == Float64 && c.floats[i] == 0 {
			b.WriteString("0")
		} else {
			fmt.Fprintf(&b, "%v", c.Value(i))
		}
		b.WriteByte('\x01')
	}
	return b.String()
}

// refGroups returns the row lists of the groups in first-appearance order.
func refGroups(f *Frame, keys []string) [][]int {
	cols := make([]*Column, len(keys))
	for i, k := range keys {
		cols[i] = f.MustColumn(k)
	}
	idx := map[string]int{}
	var groups [][]int
	for i := 0; i < f.nrows; i++ {
		s := keyString(cols, i)
		g, ok := idx[s]
		if !ok {
			g = len(groups)
			idx[s] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// refQuantile is sort-and-index numpy "linear" (and the other methods).
func refQuantile(v []float64, p float64, m stats.Method) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	h := float64(len(s)-1) * p
	lo := int(math.Floor(h))
	hi := min(lo+1, len(s)-1)
	switch m {
	case stats.Lower:
		return s[lo]
	case stats.Higher:
		return s[min(int(math.Ceil(h)), len(s)-1)]
	case stats.Nearest:
		return s[min(int(math.RoundToEven(h)), len(s)-1)]
	case stats.Midpoint:
		if h == float64(lo) {
			return s[lo]
		}
		return (s[lo] + s[hi]) / 2
	}
	return s[lo] + (h-float64(lo))*(s[hi]-s[lo])
}

func refMedian(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// refAgg computes one aggregation over a group's rows naively and returns
// the expected value boxed (nil for null).
func refAgg(t *testing.T, a Agg, c *Column, rows []int) any {
	if a.kind == aggCount {
		return int64(len(rows))
	}
	var nn []int // non-null rows
	for _, r := range rows {
		if !c.IsNull(r) {
			nn = append(nn, r)
		}
	}
	fl := make([]float64, len(nn))
	for i, r := range nn {
		fl[i] = floatAt(c, r)
	}
	nan2nil := func(v float64) any {
		if math.IsNaN(v) {
			return nil
		}
		return v
	}
	switch a.kind {
	case aggCountNonNull:
		return int64(len(nn))
	case aggSum:
		if c.typ == Float64 {
			s := 0.0
			for _, v := range fl {
				s += v
			}
			return s
		}
		s := int64(0)
		for _, v := range fl {
			s += int64(v)
		}
		return s
	case aggMean:
		if len(fl) == 0 {
			return nil
		}
		s := 0.0
		for _, v := range fl {
			s += v
		}
		return s / float64(len(fl))
	case aggStd, aggVar:
		n := len(fl)
		if n-a.ddof <= 0 {
			return nil
		}
		s := 0.0
		for _, v := range fl {
			s += v
		}
		m := s / float64(n)
		ss := 0.0
		for _, v := range fl {
			ss += (v - m) * (v - m)
		}
		v := ss / float64(n-a.ddof)
		if a.kind == aggStd {
			v = math.Sqrt(v)
		}
		return v
	case aggMedian:
		return nan2nil(refMedian(fl))
	case aggQuantile:
		return nan2nil(refQuantile(fl, a.p, a.method))
	case aggMin, aggMax:
		best := -1
		for _, r := range nn {
			if best < 0 {
				best = r
				continue
			}
			var less bool
			switch c.typ {
			case String:
				less = c.Str(r) < c.Str(best)
			case Bool:
				less = !c.bools[r] && c.bools[best]
			case Float64:
				less = c.floats[r] < c.floats[best]
			default:
				less = c.ints[r] < c.ints[best]
			}
			if a.kind == aggMax {
				switch c.typ {
				case String:
					less = c.Str(r) > c.Str(best)
				case Bool:
					less = c.bools[r] && !c.bools[best]
				case Float64:
					less = c.floats[r] > c.floats[best]
				default:
					less = c.ints[r] > c.ints[best]
				}
			}
			if less {
				best = r
			}
		}
		if best < 0 {
			return nil
		}
		return c.Value(best)
	case aggFirst:
		if len(nn) == 0 {
			return nil
		}
		return c.Value(nn[0])
	case aggLast:
		if len(nn) == 0 {
			return nil
		}
		return c.Value(nn[len(nn)-1])
	case aggNUnique:
		set := map[string]bool{}
		for _, r := range nn {
			set[keyString([]*Column{c}, r)] = true
		}
		return int64(len(set))
	}
	t.Fatalf("no reference for %v", a)
	return nil
}

func closeEnough(got, want any) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	g, ok1 := got.(float64)
	w, ok2 := want.(float64)
	if ok1 && ok2 {
		if math.IsInf(w, 0) || math.IsInf(g, 0) {
			return g == w
		}
		return math.Abs(g-w) <= 1e-9*math.Max(1, math.Abs(w))
	}
	return fmt.Sprint(got) == fmt.Sprint(want)
}

// allAggs returns every aggregation over the payload columns of
// randPayload(prefix "") plus the value column v.
func allAggs() []Agg {
	aggs := []Agg{Count()}
	for _, col := range []string{"f", "i", "v"} {
		aggs = append(aggs, CountNonNull(col), Sum(col), Mean(col), Median(col),
			Quantile(col, 0.1), Quantile(col, 0.9), Quantile(col, 0.5).Method(stats.Nearest).As(col+"_near"),
			Quantile(col, 0.25).Method(stats.Lower).As(col+"_lo"), Quantile(col, 0.75).Method(stats.Higher).As(col+"_hi"),
			Quantile(col, 1.0/3).Method(stats.Midpoint).As(col+"_mid"),
			Min(col), Max(col), Std(col), Var(col).Ddof(0), NUnique(col), First(col), Last(col))
	}
	aggs = append(aggs, Min("s"), Max("s"), First("s"), Last("s"), NUnique("s"), CountNonNull("s"),
		Min("b"), Max("b"), Sum("b"), Mean("b"))
	return aggs
}

type groupCase struct {
	name string
	f    *Frame
	keys []string
}

func randGroupCases(rng *rand.Rand) []groupCase {
	specs := []struct {
		name string
		keys []keySpec
	}{
		{"int", []keySpec{{typ: Int64, card: 10, nulls: 0.1}}},
		{"date", []keySpec{{typ: Date, card: 6, nulls: 0.1}}},
		{"float", []keySpec{{typ: Float64, card: 7, nulls: 0.1}}},
		{"bool", []keySpec{{typ: Bool, card: 2, nulls: 0.2}}},
		{"short-string", []keySpec{{typ: String, card: 12, nulls: 0.1}}},
		{"wide-string", []keySpec{{typ: String, card: 12, wide: true, nulls: 0.1}}},
		{"dict", []keySpec{{typ: String, card: 9, dict: true, nulls: 0.1}}},
		{"two", []keySpec{{typ: String, card: 4, wide: true, nulls: 0.1}, {typ: Int64, card: 4, nulls: 0.1}}},
		{"three", []keySpec{{typ: String, card: 3, dict: true}, {typ: Bool, card: 2, nulls: 0.1}, {typ: Datetime, card: 3}}},
	}
	var cases []groupCase
	for _, sp := range specs {
		for _, n := range []int{0, 1, 7, 60, 300} {
			for _, skew := range []bool{false, true} {
				cols := randPayload(rng, "", n)
				v := make([]int64, n)
				valid := make([]bool, n)
				bv := make([]bool, n)
				for i := range v {
					v[i] = int64(rng.IntN(1000)) - 500
					valid[i] = rng.IntN(5) != 0
					bv[i] = rng.IntN(2) == 0
				}
				cols = append(cols, MustColumn(NewInt64("v", v, valid)), MustColumn(NewBool("b", bv, valid)))
				var keys []string
				for k, s := range sp.keys {
					name := fmt.Sprint("k", k)
					cols = append(cols, randKeyColumn(rng, name, s, n, skew))
					keys = append(keys, name)
				}
				cases = append(cases, groupCase{fmt.Sprintf("%s/%d/skew=%v", sp.name, n, skew), Must(New(cols...)), keys})
			}
		}
	}
	return cases
}

// checkGroupBy verifies out (unsorted, first-appearance order) against the
// reference.
func checkGroupBy(t *testing.T, name string, f *Frame, keys []string, aggs []Agg, out *Frame) {
	t.Helper()
	groups := refGroups(f, keys)
	if out.NumRows() != len(groups) {
		t.Fatalf("%s: %d groups, want %d", name, out.NumRows(), len(groups))
	}
	if out.NumCols() != len(keys)+len(aggs) {
		t.Fatalf("%s: %d columns", name, out.NumCols())
	}
	for g, rows := range groups {
		for ki, k := range keys {
			if !cellEq(out.cols[ki], g, f.MustColumn(k), rows[0]) {
				t.Fatalf("%s: group %d key %s: %v, want %v", name, g, k, out.cols[ki].Value(g), f.MustColumn(k).Value(rows[0]))
			}
		}
		for ai, a := range aggs {
			var c *Column
			if a.col != "" {
				c = f.MustColumn(a.col)
			}
			want := refAgg(t, a, c, rows)
			oc := out.cols[len(keys)+ai]
			if oc.name != a.Name() {
				t.Fatalf("%s: column %d named %q, want %q", name, ai, oc.name, a.Name())
			}
			if got := oc.Value(g); !closeEnough(got, want) {
				t.Fatalf("%s: group %d (%d rows) %v: got %v, want %v", name, g, len(rows), a, got, want)
			}
		}
	}
}

func TestGroupByProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	aggs := allAggs()
	for _, gc := range randGroupCases(rng) {
		out, err := gc.f.GroupBy(gc.keys...).Agg(aggs...)
		if err != nil {
			t.Fatalf("%s: %v", gc.name, err)
		}
		checkGroupBy(t, gc.name, gc.f, gc.keys, aggs, out)

		// Sorted = the unsorted result sorted stably by the keys.
		sorted, err := gc.f.GroupBy(gc.keys...).Sorted().Agg(aggs...)
		if err != nil {
			t.Fatal(err)
		}
		want, err := out.SortBy(gc.keys...)
		if gc.f.nrows == 0 {
			want, err = out, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if !framesEqual(sorted, want) {
			t.Fatalf("%s: sorted output differs", gc.name)
		}
	}
}

func TestGroupByRowSubsets(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	aggs := allAggs()
	for _, gc := range randGroupCases(rng) {
		var rows []int32
		for i := 0; i < gc.f.nrows; i++ {
			if rng.IntN(3) != 0 {
				rows = append(rows, int32(i))
			}
		}
		if rows == nil {
			rows = []int32{}
		}
		out, first, err := gc.f.GroupBy(gc.keys...).AggRows(rows, aggs...)
		if err != nil {
			t.Fatal(err)
		}
		sub := takeFrame(gc.f, rows)
		checkGroupBy(t, gc.name, sub, gc.keys, aggs, out)
		for g, r := range first {
			if g > 0 && r <= first[g-1] {
				t.Fatalf("%s: first rows not increasing: %v", gc.name, first)
			}
		}
	}
}

// framesEqual compares names, types and every cell (nulls equal).
func framesEqual(a, b *Frame) bool {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return false
	}
	for k := range a.cols {
		ca, cb := a.cols[k], b.cols[k]
		if ca.name != cb.name || ca.typ != cb.typ {
			return false
		}
		for i := 0; i < a.nrows; i++ {
			if !cellEq(ca, i, cb, i) {
				return false
			}
		}
	}
	return true
}

func TestGroupByErrors(t *testing.T) {
	f := Must(New(MustColumn(NewString("k", []string{"a", "b"}, nil)), NewFloat64("v", []float64{1, 2})))
	if _, err := f.GroupBy("nope").Agg(Count()); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing key: %v", err)
	}
	if _, err := f.GroupBy("k").Agg(Mean("nope")); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := f.GroupBy("v").Agg(Mean("k")); !errors.Is(err, ErrType) {
		t.Errorf("mean of string: %v", err)
	}
	if _, err := f.GroupBy("k").Agg(Quantile("v", 1.5)); !errors.Is(err, stats.ErrProbability) {
		t.Errorf("bad p: %v", err)
	}
	if _, err := f.GroupBy("k").Agg(Mean("v"), Mean("v")); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate names: %v", err)
	}
	if _, err := f.GroupBy().Agg(Count()); err == nil {
		t.Error("no keys: no error")
	}
	if got := Quantile("a_mean", 0.9).Name(); got != "a_mean_p90" {
		t.Errorf("quantile name %q", got)
	}
}

func TestDistinct(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, gc := range randGroupCases(rng) {
		for _, cols := range [][]string{gc.keys, nil} {
			out, err := gc.f.Distinct(cols...)
			if err != nil {
				t.Fatal(err)
			}
			names := cols
			if names == nil {
				names = gc.f.Names()
			}
			groups := refGroups(gc.f, names)
			rows := make([]int, len(groups))
			for g := range groups {
				rows[g] = groups[g][0]
			}
			want, _ := gc.f.Take(rows)
			if !framesEqual(out, want) {
				t.Fatalf("%s %v: distinct differs", gc.name, cols)
			}
		}
	}
	if _, err := Must(New(NewFloat64("x", nil))).Distinct("y"); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing column: %v", err)
	}
}

// TestGroupSumIsStatsSum: Sum and Mean per group are bit for bit stats.Sum
// and stats.Mean of the group's values (both use stats.CompensatedSum), on
// ill-conditioned data where plain summation would differ.
func TestGroupSumIsStatsSum(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const n, groups = 5000, 7
	keys := make([]int64, n)
	vals := make([]float64, n)
	valid := make([]bool, n)
	byGroup := make([][]float64, groups)
	for i := range n {
		keys[i] = int64(r.IntN(groups))
		switch r.IntN(4) {
		case 0:
			vals[i] = 1e16 * float64(1-2*r.IntN(2))
		case 1:
			vals[i] = r.Float64()
		default:
			vals[i] = r.NormFloat64() * 1e3
		}
		valid[i] = r.IntN(10) != 0
		if valid[i] {
			byGroup[keys[i]] = append(byGroup[keys[i]], vals[i])
		} else {
			vals[i] = math.NaN()
		}
	}
	f := Must(New(MustColumn(NewInt64("k", keys, nil)), NewFloat64("v", vals)))
	got, err := f.GroupBy("k").Agg(Sum("v").As("s"), Mean("v").As("m"))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := got.Column("k")
	s, _ := got.Column("s")
	m, _ := got.Column("m")
	differ := 0
	for i := range got.NumRows() {
		g := k.Int64(i)
		plain := 0.0
		for _, v := range byGroup[g] {
			plain += v
		}
		ws, wm := stats.Sum(byGroup[g]), stats.Mean(byGroup[g])
		if plain != ws {
			differ++
		}
		if math.Float64bits(s.Float64(i)) != math.Float64bits(ws) || math.Float64bits(m.Float64(i)) != math.Float64bits(wm) {
			t.Errorf("group %d: sum %v mean %v, stats gives %v %v (plain sum %v)", g, s.Float64(i), m.Float64(i), ws, wm, plain)
		}
	}
	if differ == 0 {
		t.Error("plain summation agrees with the compensated sum in every group: the data does not test compensation")
	}
}
