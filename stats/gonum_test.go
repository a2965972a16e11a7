package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// gonumCases returns sorted, NaN-free samples (with ties and infinities
// left out: gonum's interpolation of ±Inf gives NaN) and probabilities:
// random ones, the grids k/n, k/(n-1) and k/100 where the methods' rules
// switch, and 0 and 1.
func gonumCases(r *rand.Rand) (xs [][]float64, ps [][]float64) {
	for range 3000 {
		n := 1 + r.IntN(60)
		if r.IntN(10) == 0 {
			n = 1 + r.IntN(2000)
		}
		x := make([]float64, n)
		for i := range x {
			x[i] = math.Round(r.NormFloat64()*100) / 4 // ties are common
			if r.IntN(3) == 0 {
				x[i] = r.NormFloat64() * 1e6
			}
		}
		slices.Sort(x)
		p := []float64{0, 1, r.Float64(), r.Float64(), r.Float64()}
		for _, d := range []int{n, max(n-1, 1), 100} {
			k := r.IntN(d + 1)
			p = append(p, float64(k)/float64(d))
		}
		xs, ps = append(xs, x), append(ps, p)
	}
	return xs, ps
}

// TestGonumEmpirical checks the documented relation of gonum's
// stat.Quantile with stat.Empirical (R type 1, numpy "inverted_cdf":
// x[⌈n·p⌉-1]) to this package's methods on sorted NaN-free data: it is
// Lower (x[⌊(n-1)·p⌋]) when n·p is whole or its fractional part is at
// least p, and Higher (x[⌈(n-1)·p⌉]) otherwise. For random p this holds
// bit for bit; at the boundaries p = k/n and p = k/(n-1), where float64
// rounding of n·p (gonum) and (n-1)·p (here) can move an index by one, it
// is still one of the two.
func TestGonumEmpirical(t *testing.T) {
	xs, ps := gonumCases(rand.New(rand.NewPCG(61, 62)))
	lower, higher := 0, 0
	for c, x := range xs {
		n := len(x)
		for k, p := range ps[c] {
			g := stat.Quantile(p, stat.Empirical, x, nil)
			lo, hi := must(Quantile(x, p, Lower)), must(Quantile(x, p, Higher))
			if k >= 5 { // the grids
				if g != lo && g != hi {
					t.Fatalf("n=%d p=%v: gonum Empirical %v is neither Lower %v nor Higher %v", n, p, g, lo, hi)
				}
				continue
			}
			fidx := p * float64(n)
			f := fidx - math.Floor(fidx)
			want, m := hi, Higher
			if f == 0 || f >= p {
				want, m = lo, Lower
				lower++
			} else {
				higher++
			}
			if want != g { // == : -0 and 0 are tied values that may sit in either order
				t.Fatalf("n=%d p=%v (n·p=%v): gonum Empirical %v, stats %v %v", n, p, fidx, g, m, want)
			}
		}
	}
	if lower < 1000 || higher < 1000 {
		t.Fatalf("cases: %d Lower, %d Higher; want both well covered", lower, higher)
	}
}

func must(v float64, err error) float64 {
	if err != nil {
		panic(err)
	}
	return v
}

// TestGonumLinInterp checks the documented relation of gonum's
// stat.Quantile with stat.LinInterp (R type 4, numpy
// "interpolated_inverted_cdf": virtual index n·p-1, flat below p = 1/n) to
// Linear (R type 7, virtual index (n-1)·p): LinInterp(p) equals
// Linear(p') with p' = (n·p-1)/(n-1), and x[0] for n·p <= 1, up to the
// rounding of the two interpolation formulas; and the two differ in
// general (the median of 1, 2, 3, 4 is 2 with LinInterp, 2.5 with Linear).
func TestGonumLinInterp(t *testing.T) {
	xs, ps := gonumCases(rand.New(rand.NewPCG(63, 64)))
	differ := 0
	for c, x := range xs {
		n := len(x)
		spread := math.Max(math.Abs(x[0]), math.Abs(x[n-1]))
		for _, p := range ps[c] {
			g := stat.Quantile(p, stat.LinInterp, x, nil)
			pp := 0.0
			if n > 1 && float64(n)*p > 1 {
				pp = math.Min((float64(n)*p-1)/float64(n-1), 1)
			}
			s := must(Quantile(x, pp, Linear))
			if math.Abs(s-g) > 1e-12*spread {
				t.Fatalf("n=%d p=%v: gonum LinInterp %v, stats Linear at p'=%v %v", n, p, g, pp, s)
			}
			if math.Abs(must(Quantile(x, p, Linear))-g) > 1e-9*spread {
				differ++
			}
		}
	}
	if differ < 1000 {
		t.Fatalf("LinInterp and Linear at the same p differed in only %d cases", differ)
	}
	x := []float64{1, 2, 3, 4}
	if g, s := stat.Quantile(0.5, stat.LinInterp, x, nil), must(Quantile(x, 0.5, Linear)); g != 2 || s != 2.5 {
		t.Errorf("median of 1..4: gonum LinInterp %v, Linear %v", g, s)
	}
}
