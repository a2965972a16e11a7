package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"
)

// Reference implementations: sort a copy and index by definition; two-pass
// moments in the most direct form.

func refSorted(x []float64) []float64 {
	var s []float64
	for _, v := range x {
		if !math.IsNaN(v) {
			s = append(s, v)
		}
	}
	slices.Sort(s)
	return s
}

// refQuantileSorted is the reference quantile of the sorted NaN-free s.
func refQuantileSorted(s []float64, p float64, m Method) float64 {
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo, hi := int(math.Floor(h)), int(math.Ceil(h))
	switch m {
	case Lower:
		return s[lo]
	case Higher:
		return s[hi]
	case Nearest:
		return s[int(math.RoundToEven(h))]
	case Midpoint:
		if lo == hi {
			return s[lo]
		}
		return (s[lo] + s[hi]) / 2
	}
	if lo == hi || s[lo] == s[hi] {
		return s[lo]
	}
	if math.IsInf(s[lo], 0) || math.IsInf(s[hi], 0) {
		return (s[lo] + s[hi]) / 2 // the limit: ±Inf, or NaN for -Inf..+Inf
	}
	return s[lo] + (h-float64(lo))*(s[hi]-s[lo])
}

func refMedian(x []float64) float64 {
	s := refSorted(x)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func refMean(x []float64) float64 {
	s := refSorted(x)
	if len(s) == 0 {
		return math.NaN()
	}
	t := 0.0
	for _, v := range s {
		t += v
	}
	return t / float64(len(s))
}

func refVar(x []float64, ddof int) float64 {
	s := refSorted(x)
	if len(s)-ddof <= 0 {
		return math.NaN()
	}
	m := refMean(x)
	t := 0.0
	for _, v := range s {
		t += (v - m) * (v - m)
	}
	return t / float64(len(s)-ddof)
}

// dataset is one generated input.
type dataset struct {
	name string
	x    []float64
}

// genDatasets returns inputs of many shapes and sizes from a fixed seed:
// random (with and without NaN), duplicates, all equal, sorted, reverse
// sorted, organ pipe, all NaN, empty, single, with infinities.
func genDatasets(seed uint64) []dataset {
	r := rand.New(rand.NewPCG(seed, 99))
	sizes := []int{0, 1, 2, 3, 4, 5, 7, 10, 16, 17, 33, 100, 599, 601, 602, 1000, 1001, 3000, 4097}
	var out []dataset
	for _, n := range sizes {
		mk := func(f func(i int) float64) []float64 {
			x := make([]float64, n)
			for i := range x {
				x[i] = f(i)
			}
			return x
		}
		out = append(out,
			dataset{"normal", mk(func(int) float64 { return r.NormFloat64()*10 + 3 })},
			dataset{"nan20%", mk(func(int) float64 {
				if r.Float64() < 0.2 {
					return math.NaN()
				}
				return r.NormFloat64()
			})},
			dataset{"dups", mk(func(int) float64 { return float64(r.IntN(5)) })},
			dataset{"dupsNaN", mk(func(int) float64 {
				if r.IntN(4) == 0 {
					return math.NaN()
				}
				return float64(r.IntN(3))
			})},
			dataset{"equal", mk(func(int) float64 { return 4.25 })},
			dataset{"sorted", mk(func(i int) float64 { return float64(i) })},
			dataset{"reverse", mk(func(i int) float64 { return float64(n - i) })},
			dataset{"organ", mk(func(i int) float64 { return float64(min(i, n-i)) })},
			dataset{"sawtooth", mk(func(i int) float64 { return float64(i % 7) })},
			dataset{"allNaN", mk(func(int) float64 { return math.NaN() })},
			dataset{"infs", mk(func(i int) float64 {
				switch r.IntN(10) {
				case 0:
					return math.Inf(1)
				case 1:
					return math.Inf(-1)
				case 2:
					return math.NaN()
				}
				return r.Float64()
			})},
			dataset{"wide", mk(func(int) float64 { return r.NormFloat64() * math.Pow(10, float64(r.IntN(20)-10)) })},
		)
	}
	return out
}

// sameBits reports whether a and b are identical, NaN-aware.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

// sameMultiset reports whether a and b hold the same values (NaN-aware).
func sameMultiset(a, b []float64) bool {
	return sameBits(sortNaNLast(a), sortNaNLast(b))
}

func sortNaNLast(x []float64) []float64 {
	c := slices.Clone(x)
	slices.SortFunc(c, func(a, b float64) int {
		switch {
		case math.IsNaN(a) && math.IsNaN(b):
			return 0
		case math.IsNaN(a):
			return 1
		case math.IsNaN(b):
			return -1
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	return c
}

// interpTol is the tolerance for interpolating methods, where our numpy-style
// lerp and the reference's textbook formula may differ in the last bits.
func interpTol(x []float64) float64 { return 1e-12 }

var allMethods = []Method{Linear, Lower, Higher, Nearest, Midpoint}

func TestQuantileProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, d := range genDatasets(1) {
		ps := []float64{0, 1, 0.5, 0.25, 0.75, 0.1, 0.9, 0.01, 0.99, 1.0 / 3}
		for range 5 {
			ps = append(ps, r.Float64())
		}
		orig := slices.Clone(d.x)
		sorted := refSorted(d.x)
		for _, m := range allMethods {
			got, err := Quantiles(d.x, ps, m)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range ps {
				want := refQuantileSorted(sorted, p, m)
				tol := 0.0
				if m == Linear || m == Midpoint {
					tol = interpTol(d.x)
				}
				one, err := Quantile(d.x, p, m)
				if err != nil {
					t.Fatal(err)
				}
				if !approx(one, want, tol) {
					t.Fatalf("%s n=%d: Quantile(p=%v, %v) = %v, want %v", d.name, len(d.x), p, m, one, want)
				}
				// Quantiles and Quantile use the same formula: bitwise equal.
				if !sameBits([]float64{got[i]}, []float64{one}) {
					t.Fatalf("%s n=%d: Quantiles[p=%v, %v] = %v, Quantile = %v", d.name, len(d.x), p, m, got[i], one)
				}
				c := slices.Clone(d.x)
				ip, err := QuantileInPlace(c, p, m)
				if err != nil || !sameBits([]float64{ip}, []float64{one}) {
					t.Fatalf("%s n=%d: QuantileInPlace(p=%v, %v) = %v, %v; Quantile = %v", d.name, len(d.x), p, m, ip, err, one)
				}
				if i < 2 && !sameMultiset(c, d.x) { // costly: check a few
					t.Fatalf("%s n=%d: QuantileInPlace lost values", d.name, len(d.x))
				}
				nn := Count(d.x)
				for j := nn; j < len(c); j++ {
					if !math.IsNaN(c[j]) {
						t.Fatalf("%s: QuantileInPlace did not put NaNs last", d.name)
					}
				}
			}
		}
		if !sameBits(orig, d.x) {
			t.Fatalf("%s: input modified", d.name)
		}
	}
}

func TestMedianProperty(t *testing.T) {
	for _, d := range genDatasets(2) {
		orig := slices.Clone(d.x)
		want := refMedian(d.x)
		if got := Median(d.x); !sameBits([]float64{got}, []float64{want}) {
			t.Fatalf("%s n=%d: Median = %v want %v", d.name, len(d.x), got, want)
		}
		if !sameBits(orig, d.x) {
			t.Fatalf("%s: Median modified its input", d.name)
		}
		c := slices.Clone(d.x)
		if got := MedianInPlace(c); !sameBits([]float64{got}, []float64{want}) {
			t.Fatalf("%s n=%d: MedianInPlace = %v want %v", d.name, len(d.x), got, want)
		}
		if !sameMultiset(c, d.x) {
			t.Fatalf("%s: MedianInPlace lost values", d.name)
		}
		// Median agrees with the linear 0.5 quantile up to rounding.
		q, _ := Quantile(d.x, 0.5, Linear)
		if !approx(q, want, 1e-12) {
			t.Fatalf("%s: Quantile(0.5) = %v, Median = %v", d.name, q, want)
		}
	}
}

func TestMomentsProperty(t *testing.T) {
	for _, d := range genDatasets(3) {
		orig := slices.Clone(d.x)
		s := refSorted(d.x)
		if got := Count(d.x); got != len(s) {
			t.Fatalf("%s: Count = %d want %d", d.name, got, len(s))
		}
		wantMin, wantMax := math.NaN(), math.NaN()
		if len(s) > 0 {
			wantMin, wantMax = s[0], s[len(s)-1]
		}
		if got := Min(d.x); !approx(got, wantMin, 0) {
			t.Fatalf("%s: Min = %v want %v", d.name, got, wantMin)
		}
		if got := Max(d.x); !approx(got, wantMax, 0) {
			t.Fatalf("%s: Max = %v want %v", d.name, got, wantMax)
		}
		if d.name == "infs" || d.name == "wide" {
			continue // textbook references are not accurate enough there
		}
		wantSum := 0.0
		for _, v := range s {
			wantSum += v
		}
		if got := Sum(d.x); !approx(got, wantSum, 1e-12) {
			t.Fatalf("%s: Sum = %v want %v", d.name, got, wantSum)
		}
		if got, want := Mean(d.x), refMean(d.x); !approx(got, want, 1e-12) {
			t.Fatalf("%s: Mean = %v want %v", d.name, got, want)
		}
		for _, ddof := range []int{0, 1, 2} {
			want := refVar(d.x, ddof)
			if got := Var(d.x, ddof); !approx(got, want, 1e-10) {
				t.Fatalf("%s n=%d: Var(%d) = %v want %v", d.name, len(s), ddof, got, want)
			}
			if got := Std(d.x, ddof); !approx(got, math.Sqrt(want), 1e-10) {
				t.Fatalf("%s: Std(%d) = %v want %v", d.name, ddof, got, math.Sqrt(want))
			}
		}
		// Cross-check with gonum on the NaN-free values.
		if len(s) > 1 {
			if got, want := Mean(d.x), stat.Mean(s, nil); !approx(got, want, 1e-12) {
				t.Fatalf("%s: Mean = %v, gonum %v", d.name, got, want)
			}
			if got, want := Var(d.x, 1), stat.Variance(s, nil); !approx(got, want, 1e-10) {
				t.Fatalf("%s: Var(1) = %v, gonum %v", d.name, got, want)
			}
			if Min(d.x) != floats.Min(s) || Max(d.x) != floats.Max(s) {
				t.Fatalf("%s: Min/Max disagree with gonum", d.name)
			}
			if got, want := Sum(d.x), floats.Sum(s); !approx(got, want, 1e-12) {
				t.Fatalf("%s: Sum = %v, gonum %v", d.name, got, want)
			}
		}
		// Describe is consistent with the individual functions.
		ds := Describe(d.x)
		qs, _ := Quantiles(d.x, []float64{0.25, 0.5, 0.75}, Linear)
		want := Summary{Count(d.x), Mean(d.x), Std(d.x, 1), Min(d.x), qs[0], qs[1], qs[2], Max(d.x)}
		if !sameBits(summaryFields(ds), summaryFields(want)) {
			t.Fatalf("%s: Describe = %+v want %+v", d.name, ds, want)
		}
		if !sameBits(orig, d.x) {
			t.Fatalf("%s: input modified", d.name)
		}
	}
}

func summaryFields(s Summary) []float64 {
	return []float64{float64(s.Count), s.Mean, s.Std, s.Min, s.P25, s.Median, s.P75, s.Max}
}

// TestSelectPatterns checks selectK directly on every index of inputs that
// defeat naive pivots, including with a zero round budget (the sort fallback).
func TestSelectPatterns(t *testing.T) {
	for _, d := range genDatasets(4) {
		s := refSorted(d.x)
		if len(s) == 0 || len(s) > 1100 {
			continue
		}
		for k := 0; k < len(s); k += 1 + len(s)/37 {
			for _, budget := range []int{-1, 0, 1, 2} {
				c := slices.Clone(s)
				rand.New(rand.NewPCG(uint64(k), 1)).Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
				if d.name == "sorted" || d.name == "organ" {
					c = refSorted(d.x)
				}
				if budget < 0 {
					selectK(c, k)
				} else {
					selectRange(c, 0, len(c)-1, k, budget)
				}
				if c[k] != s[k] {
					t.Fatalf("%s: select k=%d budget=%d gave %v want %v", d.name, k, budget, c[k], s[k])
				}
				for i := range c {
					if (i < k && c[i] > c[k]) || (i > k && c[i] < c[k]) {
						t.Fatalf("%s: not partitioned at k=%d (i=%d)", d.name, k, i)
					}
				}
			}
		}
	}
}

// TestSelectLargeAdversarial runs selection on large structured inputs; a
// quadratic path would time out here.
func TestSelectLargeAdversarial(t *testing.T) {
	n := 1 << 18
	if testing.Short() {
		n = 1 << 16
	}
	patterns := map[string]func(i int) float64{
		"sorted":   func(i int) float64 { return float64(i) },
		"reverse":  func(i int) float64 { return float64(-i) },
		"equal":    func(i int) float64 { return 1 },
		"organ":    func(i int) float64 { return float64(min(i, n-i)) },
		"twovals":  func(i int) float64 { return float64(i & 1) },
		"sawtooth": func(i int) float64 { return float64(i % 1000) },
		"m3killer": func(i int) float64 { // median-of-3 killer shape
			if i%2 == 0 {
				return float64(i)
			}
			return float64(n/2 + i)
		},
	}
	for name, f := range patterns {
		x := make([]float64, n)
		for i := range x {
			x[i] = f(i)
		}
		want := refMedian(x)
		if got := Median(x); got != want {
			t.Errorf("%s: Median = %v want %v", name, got, want)
		}
	}
}

func TestAccumulatorMergeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, d := range genDatasets(5) {
		if d.name == "infs" {
			continue
		}
		var whole Accumulator
		whole.AddSlice(d.x)
		check := func(label string, a Accumulator) {
			t.Helper()
			if a.Count() != whole.Count() || a.Count() != Count(d.x) {
				t.Fatalf("%s %s: Count %d whole %d", d.name, label, a.Count(), whole.Count())
			}
			pairs := [][3]float64{
				{a.Sum(), whole.Sum(), 1e-12}, {a.Mean(), whole.Mean(), 1e-12},
				{a.Var(0), whole.Var(0), 1e-9}, {a.Var(1), whole.Var(1), 1e-9},
				{a.Std(1), whole.Std(1), 1e-9},
				{a.Min(), whole.Min(), 0}, {a.Max(), whole.Max(), 0},
				// And against the slice functions.
				{a.Sum(), Sum(d.x), 1e-12}, {a.Mean(), Mean(d.x), 1e-12},
				{a.Var(1), Var(d.x, 1), 1e-9}, {a.Var(2), Var(d.x, 2), 1e-9},
				{a.Min(), Min(d.x), 0}, {a.Max(), Max(d.x), 0},
			}
			for i, p := range pairs {
				if !approxScaled(p[0], p[1], p[2], whole) {
					t.Fatalf("%s n=%d %s: check %d: got %v want %v", d.name, len(d.x), label, i, p[0], p[1])
				}
			}
		}
		check("whole", whole)
		for trial := range 10 {
			// Random cut points, chunks possibly empty, merged in order or
			// as a balanced tree.
			cuts := []int{0, len(d.x)}
			for range r.IntN(6) {
				cuts = append(cuts, r.IntN(len(d.x)+1))
			}
			slices.Sort(cuts)
			parts := make([]Accumulator, len(cuts)-1)
			for i := range parts {
				for _, v := range d.x[cuts[i]:cuts[i+1]] {
					parts[i].Add(v)
				}
			}
			var seq Accumulator
			for _, p := range parts {
				seq.Merge(p)
			}
			check("sequential", seq)
			for len(parts) > 1 {
				var next []Accumulator
				for i := 0; i < len(parts); i += 2 {
					a := parts[i]
					if i+1 < len(parts) {
						a.Merge(parts[i+1])
					}
					next = append(next, a)
				}
				parts = next
			}
			check("tree", parts[0])
			_ = trial
		}
	}
}

// approxScaled compares accumulator results with a tolerance scaled to the
// magnitude of the data (variance errors are relative to mean², not to the
// variance itself).
func approxScaled(got, want, tol float64, whole Accumulator) bool {
	if tol == 0 || approx(got, want, tol) {
		return approx(got, want, tol)
	}
	scale := max(1, math.Abs(want), math.Abs(whole.Mean())*math.Abs(whole.Mean()), math.Abs(whole.Max()), math.Abs(whole.Min()))
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*scale
}

func TestAccumulatorEmpty(t *testing.T) {
	var a Accumulator
	a.Add(math.NaN())
	if a.Count() != 0 || a.Sum() != 0 {
		t.Errorf("empty Count/Sum = %d, %v", a.Count(), a.Sum())
	}
	for name, v := range map[string]float64{"Mean": a.Mean(), "Var": a.Var(0), "Std": a.Std(0), "Min": a.Min(), "Max": a.Max()} {
		if !math.IsNaN(v) {
			t.Errorf("empty %s = %v want NaN", name, v)
		}
	}
	var b Accumulator
	b.Add(-3)
	a.Merge(b)
	a.Merge(Accumulator{})
	if a.Count() != 1 || a.Min() != -3 || a.Max() != -3 || a.Var(0) != 0 || !math.IsNaN(a.Var(1)) {
		t.Errorf("after merge: %+v", a)
	}
}
