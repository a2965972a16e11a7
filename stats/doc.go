// Package stats provides numeric kernels on []float64: Median, Quantile
// (with numpy's named methods), Mean, Var, Std, Min, Max, Sum, Count and
// Describe, plus a mergeable [Accumulator] for streaming aggregates.
//
// # NaN policy
//
// NaN means "missing" and is skipped by every function and by
// [Accumulator.Add]; it never poisons a result. Statistics of an empty or
// all-NaN input are NaN ([Count] and [Sum] give 0, as pandas does), never a
// panic. ±Inf values are ordinary values: they take part in ordering and in
// arithmetic, so for example Mean of {+Inf, -Inf} is NaN.
//
// # Errors
//
// Only a request that cannot be met returns an error: a probability p outside
// [0, 1] (or NaN) returns [ErrProbability], an unknown [Method] returns
// [ErrMethod]. Both are wrapped, so use errors.Is. No function panics on any
// input.
//
// # Ownership and cost
//
// Inputs are never modified, except by the functions whose name ends in
// InPlace, which permute the caller's slice so that a hot path can run
// without allocating. None of them sorts: they select.
//
//   - Small inputs (fewer than 32768 non-NaN values) and calls asking for many
//     probabilities are copied once into a scratch buffer (8 bytes per value)
//     where a selection algorithm runs: Floyd–Rivest with a branch-free
//     partition and a fallback to an O(n log n) sort, so that no input
//     (adversarial, sorted, all-equal) costs O(n²). Expected O(n) time for
//     one quantile, O(n log m) for m quantiles.
//   - Large inputs are not copied: [Median], [Quantile], [Quantiles] (up to 8
//     probabilities) and [Describe] draw a random sample of about n^(2/3)
//     values, bracket the wanted order statistics between two sample values,
//     and scan x once per probability, keeping only the few percent of values
//     inside the bracket (values equal to a bracket end are only counted, so
//     ties cost nothing). Extra memory is then O(n^(2/3)) words for ordinary
//     data, at most 8 bytes per value for pathological clustering; when the
//     bracket misses (rare) or x is mostly NaN they fall back to the copy.
//     The result is exact either way.
//
// # Quantile definitions
//
// The default [Method], [Linear], equals numpy.quantile's and
// pandas.Series.quantile's default "linear" method (R type 7): on the sorted
// non-NaN values v[0..n-1] the virtual index is h = (n-1)·p and the result
// interpolates between v[⌊h⌋] and v[⌊h⌋+1]. [Lower], [Higher], [Nearest] and
// [Midpoint] are numpy's other named methods. Interpolation is computed the way
// numpy's _lerp computes it, so results agree with numpy to the last bit in
// ordinary cases.
//
// # Relation to gonum
//
// gonum's stat and floats packages propagate NaN (stat.Mean), panic on empty
// input (floats.Min) and define quantiles differently, so this package owns
// its NaN policy and quantile definitions. The tests cross-check every
// moment against gonum on NaN-free data.
//
// Its quantiles are its own because gonum's stat.Quantile(p, kind, x,
// weights) wants x sorted (it panics otherwise), panics on an empty x and
// on p outside [0, 1], returns NaN when x holds any NaN instead of skipping
// it, and offers two kinds, neither of which is numpy's default:
//
//   - stat.Empirical is R's type 1, numpy's "inverted_cdf": x[⌈n·p⌉-1], the
//     inverse of the empirical distribution function. No method here equals
//     it for every p, but it always picks the order statistic of [Lower]
//     (x[⌊(n-1)·p⌋]) or of [Higher] (x[⌈(n-1)·p⌉]): Lower when n·p is whole
//     or its fractional part is at least p, Higher otherwise. Checked bit
//     for bit on random data (TestGonumEmpirical); at p = k/n and
//     p = k/(n-1), where float64 rounding of n·p or (n-1)·p can move an
//     index by one, it is still one of the two.
//   - stat.LinInterp is R's type 4, numpy's "interpolated_inverted_cdf": it
//     interpolates at the virtual index h = n·p-1 (x[0] for n·p <= 1)
//     where [Linear] uses h = (n-1)·p. So LinInterp at p equals Linear at
//     p' = (n·p-1)/(n-1), up to the rounding of the two interpolation
//     formulas (checked to 1e-12 of the data's magnitude,
//     TestGonumLinInterp). At the same p they agree at p = 0 and p = 1 and
//     in general differ in between: the median of 1, 2, 3, 4 is 2 with
//     LinInterp, 2.5 with Linear (and numpy, pandas, R's default, Excel's
//     PERCENTILE.INC).
//
// gonum's quantiles do take weights, which this package does not; to use
// them (or any gonum statistic) per group, see frame.AggFunc.
package stats
