package stats

import "math"

// CompensatedSum is a running Kahan–Babuška–Neumaier sum: it keeps the
// plain running sum and, beside it, the low-order bits each addition loses,
// so the error of the result is about one rounding of the total, independent
// of the number of values, instead of growing with it as plain summation's
// does. It is what [Sum], [Mean] and [Accumulator] use, exported so that
// other packages (frame's group-by) get results equal to theirs. The zero
// value is an empty sum. It has no NaN policy of its own: adding a NaN makes
// the sum NaN, so a caller that skips NaN (as Sum does) checks before Add.
type CompensatedSum struct {
	s, c float64
}

// Add adds v to the sum.
func (k *CompensatedSum) Add(v float64) {
	t := k.s + v
	if math.Abs(k.s) >= math.Abs(v) {
		k.c += (k.s - t) + v
	} else {
		k.c += (v - t) + k.s
	}
	k.s = t
}

// Merge adds the sum held by o, as if o's values had been added to k.
func (k *CompensatedSum) Merge(o CompensatedSum) {
	k.Add(o.s)
	k.c += o.c
}

// Value returns the compensated sum. When the plain sum is infinite or NaN
// (an infinite input, or an overflow), the compensation is meaningless and
// the plain sum is returned, so the sum of {+Inf, 1} is +Inf and of
// {+Inf, -Inf} is NaN.
func (k CompensatedSum) Value() float64 {
	if math.IsInf(k.s, 0) || math.IsNaN(k.s) {
		return k.s
	}
	return k.s + k.c
}

// Count returns the number of non-NaN values in x.
func Count(x []float64) int {
	n := 0
	for _, v := range x {
		if v == v {
			n++
		}
	}
	return n
}

// Sum returns the sum of the non-NaN values of x; 0 for an empty or all-NaN
// x, as pandas' Series.sum. It uses Neumaier's compensated summation, so the
// result is accurate to about one rounding error of the total whatever the
// length of x (plain summation, as in gonum's floats.Sum, loses up to n
// roundings). Infinities follow IEEE rules: +Inf and -Inf together give NaN.
func Sum(x []float64) float64 {
	var k CompensatedSum
	for _, v := range x {
		if v == v {
			k.Add(v)
		}
	}
	return k.Value()
}

// sumCount returns the compensated sum and the count of the non-NaN values.
func sumCount(x []float64) (float64, int) {
	var k CompensatedSum
	n := 0
	for _, v := range x {
		if v == v {
			k.Add(v)
			n++
		}
	}
	return k.Value(), n
}

// Mean returns the arithmetic mean of the non-NaN values of x, computed as
// the compensated [Sum] divided by [Count]. An empty or all-NaN x gives NaN.
func Mean(x []float64) float64 {
	s, n := sumCount(x)
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// Var returns the variance of the non-NaN values of x with ddof "delta
// degrees of freedom", as numpy.var and pandas: Σ(xᵢ-mean)² / (n-ddof), where
// n is the non-NaN count. ddof = 0 gives the population variance, ddof = 1
// the unbiased sample variance (pandas' default). If n-ddof <= 0 (including
// empty or all-NaN x) the result is NaN. It is computed with two passes and
// the corrected two-pass formula (Chan, Golub and LeVeque), which stays
// accurate when the mean is large compared with the spread. Any infinite
// value gives NaN.
func Var(x []float64, ddof int) float64 {
	s, n := sumCount(x)
	if n-ddof <= 0 {
		return math.NaN()
	}
	mean := s / float64(n)
	var ss, c float64
	for _, v := range x {
		if v == v {
			d := v - mean
			ss += d * d
			c += d
		}
	}
	return (ss - c*c/float64(n)) / float64(n-ddof)
}

// Std returns the standard deviation of the non-NaN values of x, the square
// root of [Var](x, ddof); NaN when n-ddof <= 0.
func Std(x []float64, ddof int) float64 {
	return math.Sqrt(Var(x, ddof))
}

// Min returns the smallest non-NaN value of x; NaN for an empty or all-NaN
// x. (gonum's floats.Min panics on empty input.)
func Min(x []float64) float64 {
	m := math.NaN()
	for _, v := range x {
		if v < m || m != m {
			m = v
		}
	}
	return m
}

// Max returns the largest non-NaN value of x; NaN for an empty or all-NaN x.
func Max(x []float64) float64 {
	m := math.NaN()
	for _, v := range x {
		if v > m || m != m {
			m = v
		}
	}
	return m
}
