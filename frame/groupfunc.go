package frame

import (
	"fmt"
	"runtime/debug"
	"strings"
	"unsafe"
)

// AggFunc is an aggregation that applies the caller's function fn to each
// group's non-null values of col (Int64, Float64 or Bool, as float64; true
// is 1), in row order: any statistic of the form func([]float64) float64,
// such as gonum's
//
//	frame.AggFunc("sd", "a_mean", func(x []float64) float64 { return stat.StdDev(x, nil) })
//
// Its output column is "<col>_<name>" (e.g. "a_mean_sd"; rename with
// [Agg.As]), Float64; name also names the function in errors and in
// [Agg.String] ("sd(a_mean)"). A result that is NaN is null.
//
// It runs wherever the built-in aggregations run — [Grouping.Agg], and in
// package parallel GroupBy on every core and GroupByStream out of core,
// where a group's values are still seen together — and gives the same result
// there, bit for bit, because fn sees the same values in the same order.
//
// Contract for fn:
//   - A group with no non-null value gives null without calling fn, so fn
//     never sees an empty slice.
//   - x is scratch space valid only during the call: fn may reorder or
//     overwrite it (to sort it, say) but must not keep it. It starts at a
//     64-byte aligned address, so that SIMD kernels (gonum's floats.Sum
//     behind stat.Mean, for one) add in the same order for every call with
//     the same values, whatever the partitioning.
//   - fn may be called from several goroutines at once (package parallel
//     aggregates partitions concurrently), each call with its own x, so it
//     must be safe for concurrent use; a pure function is.
//   - A panic in fn does not crash the program: the aggregation stops and
//     returns a [*FuncPanicError] naming the aggregation and the group's key.
//
// Cost: the values of a column are gathered by ranges of groups into one
// bounded buffer, as for [Median], and each group's values copied once more
// into an aligned buffer as big as the largest group; then one call of fn
// per group.
func AggFunc(name, col string, fn func(x []float64) float64) Agg {
	return Agg{kind: aggFunc, col: col, fname: name, fn: fn}
}

// AggFunc2 is [AggFunc] for a function of two columns of each group, such
// as gonum's correlation or a weighted statistic (x the values, y the
// weights):
//
//	frame.AggFunc2("corr", "x", "y", func(x, y []float64) float64 { return stat.Correlation(x, y, nil) })
//	frame.AggFunc2("sd_w", "x", "w", func(x, w []float64) float64 { return stat.StdDev(x, w) })
//
// A row takes part only when both its xcol and its ycol values are non-null
// (pairwise-complete, like pandas' corr): fn gets two slices of equal
// length, x[i] and y[i] from the same row, in row order. A group with no
// such row gives null without calling fn. The output column is
// "<xcol>_<ycol>_<name>", Float64; the rest of the contract is AggFunc's.
func AggFunc2(name, xcol, ycol string, fn func(x, y []float64) float64) Agg {
	return Agg{kind: aggFunc2, col: xcol, col2: ycol, fname: name, fn2: fn}
}

// FuncPanicError is the error a panic in the function of an [AggFunc] or
// [AggFunc2] turns into.
type FuncPanicError struct {
	Agg   string // the aggregation, as Agg.String gives it: "sd(a_mean)"
	Key   string // the group's key: "(title=Chemists, state=TX)"
	Value any    // the value passed to panic
	Stack []byte // the stack of the panicking call (runtime/debug.Stack)
}

// Error names the aggregation, the group and the panic value (not the
// stack, which is in the Stack field).
func (e *FuncPanicError) Error() string {
	return fmt.Sprintf("frame: group by: %s: panic in group %s: %v", e.Agg, e.Key, e.Value)
}

// Unwrap returns the panic value if it is an error, so errors.Is sees
// through a panic(err).
func (e *FuncPanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// userFunc computes an AggFunc (y == nil) or AggFunc2 for every group.
// kcols and first (the first row of each group) name a group in an error.
func (ga *groupAgg) userFunc(a Agg, x, y *Column, kcols []*Column, first []int32) (*Column, error) {
	out := make([]float64, ga.ng)
	for g := range out {
		out[g] = nan
	}
	var perr *FuncPanicError
	var xbuf, ybuf []float64
	call := func(g int, f func() float64) {
		defer func() {
			if r := recover(); r != nil {
				perr = &FuncPanicError{Agg: a.String(), Key: describeGroup(kcols, int(first[g])), Value: r, Stack: debug.Stack()}
			}
		}()
		out[g] = f()
	}
	if a.kind == aggFunc {
		ga.eachGroupVals(x, func(g int, seg []float64) {
			if perr != nil || len(seg) == 0 {
				return
			}
			xs := alignedCopy(&xbuf, seg)
			call(g, func() float64 { return a.fn(xs) })
		})
	} else {
		ga.eachGroupPairs(x, y, func(g int, xs, ys []float64) {
			if perr != nil || len(xs) == 0 {
				return
			}
			xs, ys = alignedCopy(&xbuf, xs), alignedCopy(&ybuf, ys)
			call(g, func() float64 { return a.fn2(xs, ys) })
		})
	}
	if perr != nil {
		return nil, perr
	}
	return NewFloat64("", out), nil
}

// alignedCopy copies vals into *buf (grown as needed) at a 64-byte aligned
// address and returns the copy, its capacity its length (so an append by
// the user's function reallocates instead of writing past it).
//
// The alignment makes results independent of where a group's values happen
// to sit in the gathering buffer, which depends on the partitioning: SIMD
// kernels such as gonum's floats.Sum (behind stat.Mean and stat.StdDev)
// first add single values up to an aligned address, so the same values at
// another alignment are added in another order and may differ in the last
// bit.
func alignedCopy(buf *[]float64, vals []float64) []float64 {
	const align = 64 / 8 // in float64s
	n := len(vals)
	if cap(*buf) < n+align {
		*buf = make([]float64, max(n, 2*cap(*buf))+align)
	}
	b := (*buf)[:cap(*buf)]
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))%64) / 8
	if off != 0 {
		off = align - off
	}
	out := b[off : off+n : off+n]
	copy(out, vals)
	return out
}

// describeGroup renders the key of the group whose first row is r:
// "(k1=v1, k2=v2)", null as "null".
func describeGroup(kcols []*Column, r int) string {
	var sb strings.Builder
	sb.WriteByte('(')
	for i, c := range kcols {
		if i > 0 {
			sb.WriteString(", ")
		}
		if v := c.Value(r); v == nil {
			fmt.Fprintf(&sb, "%s=null", c.name)
		} else {
			fmt.Fprintf(&sb, "%s=%v", c.name, v)
		}
	}
	sb.WriteByte(')')
	return sb.String()
}

// eachGroupPairs is [groupAgg.eachGroupVals] for two columns: it calls fn
// for every group g with the values of x and y at the group's rows where
// both are non-null, in row order, as scratch slices of equal length. Like
// eachGroupVals it gathers a range of groups at a time into two reused
// buffers of at most max(gatherVals, pairs/gatherMaxPasses) values each
// (more for one bigger group).
func (ga *groupAgg) eachGroupPairs(x, y *Column, fn func(g int, xs, ys []float64)) {
	ng := ga.ng
	if ng == 0 {
		return
	}
	both := func(r int) bool { return x.validAt(r) && y.validAt(r) }
	start := make([]int, ng+1)
	for k, g := range ga.ids {
		if both(rowAt(ga.rows, k)) {
			start[g+1]++
		}
	}
	for i := 1; i <= ng; i++ {
		start[i] += start[i-1]
	}
	total := start[ng]
	limit := max(gatherVals, (total+gatherMaxPasses-1)/gatherMaxPasses)
	fill := start[:ng:ng] // write cursors, restored per range below
	var xbuf, ybuf []float64
	for g0 := 0; g0 < ng; {
		base := start[g0]
		g1 := g0 + 1
		for g1 < ng && start[g1+1]-base <= limit {
			g1++
		}
		n := start[g1] - base
		if n > cap(xbuf) {
			valScratch.put(xbuf)
			valScratch.put(ybuf)
			size := max(n, min(total, limit))
			xbuf, ybuf = valScratch.get(size), valScratch.get(size)
		}
		bx, by := xbuf[:n], ybuf[:n]
		lo, span := int32(g0), uint32(g1-g0)
		for k, g := range ga.ids {
			if uint32(g-lo) < span {
				if r := rowAt(ga.rows, k); both(r) {
					bx[fill[g]-base] = floatAt(x, r)
					by[fill[g]-base] = floatAt(y, r)
					fill[g]++
				}
			}
		}
		prev := base
		for g := g0; g < g1; g++ {
			end := fill[g]
			fn(g, bx[prev-base:end-base], by[prev-base:end-base])
			start[g] = prev
			prev = end
		}
		g0 = g1
	}
	valScratch.put(xbuf)
	valScratch.put(ybuf)
}
