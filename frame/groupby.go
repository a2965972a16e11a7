package frame

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/sluicedata/sluice/stats"
)

// Grouping is a frame split into groups of rows with equal keys, ready for
// [Grouping.Agg]. Make one with [Frame.GroupBy]. It is a small value that
// holds no computed state; a bad key is reported by Agg.
type Grouping struct {
	f      *Frame
	keys   []string
	sorted bool
}

// GroupBy groups the rows of f by the named key columns (any type; Float64
// keys compare by value). Null is a key value like any other: rows whose key
// is null form their own group, as in SQL's GROUP BY and polars (pandas'
// default dropna=True would drop them; filter them out first for that).
//
//	out, err := f.GroupBy("title", "state").Agg(frame.Median("a_mean"), frame.Quantile("a_mean", 0.9))
func (f *Frame) GroupBy(keys ...string) *Grouping {
	return &Grouping{f: f, keys: append([]string(nil), keys...)}
}

// Sorted returns a grouping whose Agg output is sorted by the keys
// (ascending, nulls last; see [Frame.Sort]) instead of ordered by first
// appearance.
func (g *Grouping) Sorted() *Grouping {
	c := *g
	c.sorted = true
	return &c
}

// Frame returns the grouped frame.
func (g *Grouping) Frame() *Frame { return g.f }

// Keys returns the grouping's key names.
func (g *Grouping) Keys() []string { return append([]string(nil), g.keys...) }

// IsSorted reports whether [Grouping.Sorted] was applied.
func (g *Grouping) IsSorted() bool { return g.sorted }

type aggKind uint8

const (
	aggCount aggKind = iota
	aggCountNonNull
	aggSum
	aggMean
	aggMedian
	aggQuantile
	aggMin
	aggMax
	aggStd
	aggVar
	aggNUnique
	aggFirst
	aggLast
	aggFunc  // a user function of one column (groupfunc.go)
	aggFunc2 // a user function of two columns
)

var aggSuffix = [...]string{"count", "count", "sum", "mean", "median", "", "min", "max", "std", "var", "nunique", "first", "last", "", ""}

// Agg is one aggregation of [Grouping.Agg]: a function applied to one column
// (or, for [Count], to the rows) of every group, giving one output column.
// Build it with [Count], [Sum], [Median], …, or around a function of the
// caller's with [AggFunc] and [AggFunc2], and rename it with [Agg.As].
//
// Null policy (as pandas): null values are skipped by every aggregation but
// Count. An aggregation over a group with no non-null value gives null,
// except Sum (0), CountNonNull and NUnique (0).
type Agg struct {
	kind   aggKind
	col    string
	name   string
	p      float64
	method stats.Method
	ddof   int

	// user functions (aggFunc, aggFunc2): fn is called fname in
	// descriptions; col2 is the second column of aggFunc2
	fname string
	fn    func(x []float64) float64
	fn2   func(x, y []float64) float64
	col2  string
}

// Count counts the rows of each group, nulls included; output "count",
// Int64.
func Count() Agg { return Agg{kind: aggCount, name: "count"} }

// CountNonNull counts the non-null values of col; output "<col>_count",
// Int64.
func CountNonNull(col string) Agg { return Agg{kind: aggCountNonNull, col: col} }

// Sum sums col (Int64, Float64 or Bool, true counting 1); output
// "<col>_sum", Int64 for Int64 and Bool columns (wrapping on overflow),
// Float64 for Float64 columns (compensated summation, as [stats.Sum]).
func Sum(col string) Agg { return Agg{kind: aggSum, col: col} }

// Mean averages col (Int64, Float64 or Bool) as [stats.Mean]; output
// "<col>_mean", Float64.
func Mean(col string) Agg { return Agg{kind: aggMean, col: col} }

// Median is the median of col (Int64, Float64 or Bool) as numpy.median and
// [stats.Median]; output "<col>_median", Float64.
func Median(col string) Agg { return Agg{kind: aggMedian, col: col} }

// Quantile is the p-quantile of col (Int64, Float64 or Bool) with numpy's
// default "linear" method (see [Agg.Method]); output "<col>_p<100p>", e.g.
// "a_mean_p90" for p = 0.9, Float64. A p outside [0, 1] is an error of Agg.
func Quantile(col string, p float64) Agg {
	return Agg{kind: aggQuantile, col: col, p: p, method: stats.Linear}
}

// Min is the smallest non-null value of col (any type; strings bytewise,
// false < true); output "<col>_min", of col's type.
func Min(col string) Agg { return Agg{kind: aggMin, col: col} }

// Max is the largest non-null value of col; see [Min]. Output "<col>_max".
func Max(col string) Agg { return Agg{kind: aggMax, col: col} }

// Std is the standard deviation of col (Int64, Float64 or Bool) with ddof 1
// as pandas (see [Agg.Ddof]); output "<col>_std", Float64.
func Std(col string) Agg { return Agg{kind: aggStd, col: col, ddof: 1} }

// Var is the variance of col with ddof 1 as pandas (see [Agg.Ddof]), computed
// as [stats.Var]; output "<col>_var", Float64.
func Var(col string) Agg { return Agg{kind: aggVar, col: col, ddof: 1} }

// NUnique counts the distinct non-null values of col (any type); output
// "<col>_nunique", Int64.
func NUnique(col string) Agg { return Agg{kind: aggNUnique, col: col} }

// First is the first non-null value of col in row order (pandas' first());
// output "<col>_first", of col's type.
func First(col string) Agg { return Agg{kind: aggFirst, col: col} }

// Last is the last non-null value of col in row order; output "<col>_last".
func Last(col string) Agg { return Agg{kind: aggLast, col: col} }

// As returns the aggregation with output column name.
func (a Agg) As(name string) Agg { a.name = name; return a }

// Method returns a Quantile aggregation computed with quantile method m
// instead of [stats.Linear]; other aggregations are returned unchanged.
func (a Agg) Method(m stats.Method) Agg {
	if a.kind == aggQuantile {
		a.method = m
	}
	return a
}

// Ddof returns a Std or Var aggregation with ddof delta degrees of freedom
// (0: population, 1: sample, the default); others are returned unchanged.
func (a Agg) Ddof(ddof int) Agg {
	if a.kind == aggStd || a.kind == aggVar {
		a.ddof = ddof
	}
	return a
}

// Column returns the name of the aggregated column ("" for [Count]; the
// first column of an [AggFunc2]).
func (a Agg) Column() string { return a.col }

// Columns returns the names of every column the aggregation reads: none for
// [Count], two for [AggFunc2], one otherwise.
func (a Agg) Columns() []string {
	switch a.kind {
	case aggCount:
		return nil
	case aggFunc2:
		return []string{a.col, a.col2}
	}
	return []string{a.col}
}

// Name returns the output column name.
func (a Agg) Name() string {
	if a.name != "" {
		return a.name
	}
	switch a.kind {
	case aggQuantile:
		return a.col + "_p" + strconv.FormatFloat(a.p*100, 'g', -1, 64)
	case aggFunc:
		return a.col + "_" + a.fname
	case aggFunc2:
		return a.col + "_" + a.col2 + "_" + a.fname
	}
	return a.col + "_" + aggSuffix[a.kind]
}

// String describes the aggregation, e.g. "median(a_mean)".
func (a Agg) String() string {
	fn := aggSuffix[a.kind]
	switch a.kind {
	case aggCount:
		return "count()"
	case aggCountNonNull:
		fn = "count_non_null"
	case aggQuantile:
		return fmt.Sprintf("quantile(%s, %g, %v)", a.col, a.p, a.method)
	case aggFunc:
		fn = a.fname
	case aggFunc2:
		return a.fname + "(" + a.col + ", " + a.col2 + ")"
	}
	return fn + "(" + a.col + ")"
}

// Agg computes the aggregations for every group in one pass over the keys:
// the output has the key columns (named as in the input), then one column
// per aggregation, in the order given, and one row per group, ordered by
// first appearance of the group's key in f (or by key with
// [Grouping.Sorted]). Several quantiles and the median of one column share
// one gathering of that column's values.
//
// Errors: an unknown column (ErrNoColumn), an aggregation that does not
// apply to the column's type (ErrType), two output columns with one name
// (ErrDuplicate), a quantile p outside [0, 1], a panic in the function of
// an [AggFunc] or [AggFunc2] ([*FuncPanicError], naming the group).
//
// Cost: O(rows) for the keys (4 bytes a row of group ids, hash tables of
// distinct keys), O(rows) per aggregation; a column's median/quantiles copy
// its non-null values by ranges of groups into one buffer of at most an
// eighth of them (or 2 MiB; more for one bigger group), about 8 passes
// over the group ids, and select within each group (expected linear time).
func (g *Grouping) Agg(aggs ...Agg) (*Frame, error) {
	out, _, err := g.AggRows(nil, aggs...)
	if err != nil {
		return nil, err
	}
	if g.sorted && out.nrows > 1 {
		keys := make([]SortKey, len(g.keys))
		for i, k := range g.keys {
			keys[i] = Asc(k)
		}
		return out.Sort(keys...)
	}
	return out, nil
}

// AggRows is [Grouping.Agg] restricted to the rows at rows (ascending row
// indices; nil means every row) and without sorting: groups are ordered by
// first appearance. It also returns, for each output row, the row of f where
// that group first appears. Package parallel uses it to aggregate hash
// partitions and restore the order of the serial result.
func (g *Grouping) AggRows(rows []int32, aggs ...Agg) (*Frame, []int32, error) {
	f := g.f
	if len(g.keys) == 0 {
		return nil, nil, fmt.Errorf("frame: group by: no key columns")
	}
	if f.nrows > math.MaxInt32 {
		return nil, nil, fmt.Errorf("frame: group by: more than %d rows", math.MaxInt32)
	}
	for _, r := range rows {
		if r < 0 || int(r) >= f.nrows {
			return nil, nil, fmt.Errorf("frame: group by: row %d of %d: %w", r, f.nrows, ErrIndex)
		}
	}
	kcols, err := keyColumns(f, "group by", g.keys)
	if err != nil {
		return nil, nil, err
	}
	// validate the aggregations before any work
	vcols := make([]*Column, len(aggs))
	var ycols []*Column // the second columns of AggFunc2s
	for i, a := range aggs {
		if a.kind == aggCount {
			continue
		}
		c, err := f.Column(a.col)
		if err != nil {
			return nil, nil, fmt.Errorf("frame: group by: %v: %w", a, err)
		}
		if err := checkAgg(a, c); err != nil {
			return nil, nil, err
		}
		vcols[i] = c
		if a.kind == aggFunc2 {
			y, err := f.Column(a.col2)
			if err != nil {
				return nil, nil, fmt.Errorf("frame: group by: %v: %w", a, err)
			}
			if err := checkNumber(a, y); err != nil {
				return nil, nil, err
			}
			if ycols == nil {
				ycols = make([]*Column, len(aggs))
			}
			ycols[i] = y
		}
	}

	ids, first := groupIDs(kcols, rows)
	ng := len(first)
	cols := make([]*Column, 0, len(kcols)+len(aggs))
	for _, c := range kcols {
		cols = append(cols, takeRows(c, first))
	}
	ga := &groupAgg{ids: ids, rows: rows, ng: ng}
	qcols := ga.quantiles(aggs, vcols)
	for i, a := range aggs {
		c := qcols[i]
		switch {
		case c != nil:
		case a.kind == aggFunc || a.kind == aggFunc2:
			var y *Column
			if ycols != nil {
				y = ycols[i]
			}
			c, err = ga.userFunc(a, vcols[i], y, kcols, first)
			if err != nil {
				idScratch.put(ids)
				return nil, nil, err
			}
		default:
			c = ga.compute(a, vcols[i])
		}
		c.name = a.Name()
		cols = append(cols, c)
	}
	idScratch.put(ids) // nothing computed refers to it
	ga = nil
	out, err := New(cols...)
	if err != nil {
		return nil, nil, fmt.Errorf("frame: group by: %w (rename with Agg.As)", err)
	}
	out.nrows = ng
	return out, first, nil
}

func checkAgg(a Agg, c *Column) error {
	switch a.kind {
	case aggSum, aggMean, aggMedian, aggQuantile, aggStd, aggVar, aggFunc, aggFunc2:
		if err := checkNumber(a, c); err != nil {
			return err
		}
	}
	if a.kind == aggFunc || a.kind == aggFunc2 {
		if a.fname == "" {
			return fmt.Errorf("frame: group by: %v: a user function needs a name", a)
		}
		if (a.kind == aggFunc && a.fn == nil) || (a.kind == aggFunc2 && a.fn2 == nil) {
			return fmt.Errorf("frame: group by: %v: nil function", a)
		}
	}
	if a.kind == aggQuantile {
		if !(a.p >= 0 && a.p <= 1) {
			return fmt.Errorf("frame: group by: %v: %w", a, stats.ErrProbability)
		}
		if a.method < stats.Linear || a.method > stats.Midpoint {
			return fmt.Errorf("frame: group by: %v: %w", a, stats.ErrMethod)
		}
	}
	if a.kind > aggFunc2 {
		return fmt.Errorf("frame: group by: unknown aggregation %d", a.kind)
	}
	return nil
}

// checkNumber checks that column c, read by aggregation a, is a number
// (Int64, Float64 or Bool).
func checkNumber(a Agg, c *Column) error {
	if c.typ != Int64 && c.typ != Float64 && c.typ != Bool {
		return fmt.Errorf("frame: group by: %v: column %q is %v, want a number: %w", a, c.name, c.typ, ErrType)
	}
	return nil
}

// groupAgg holds the group ids of a grouping.
type groupAgg struct {
	ids  []int32 // group of each position
	rows []int32 // row of each position (nil: identity)
	ng   int
}

// floatAt returns value r of a numeric column as float64 (NaN for null).
func floatAt(c *Column, r int) float64 {
	if !c.validAt(r) {
		return math.NaN()
	}
	switch c.typ {
	case Float64:
		return c.floats[r]
	case Int64:
		return float64(c.ints[r])
	case Bool:
		return float64(b2i(c.bools[r]))
	}
	return math.NaN()
}

// gatherVals is the most values gathered at once for medians and quantiles
// (8 bytes each), unless a column has more than gatherMaxPasses times as many.
const gatherVals = 1 << 18

// gatherMaxPasses bounds the passes over the group ids that gathering takes.
const gatherMaxPasses = 8

// quantiles computes every median and quantile aggregation of aggs, all
// those of one column together: the column's non-null values are gathered by
// group (in row order within a group) into one bounded buffer, a range of
// groups at a time, and each group's aggregations run in the order given on
// its segment of that buffer. The result has a column for each such
// aggregation, nil for the others.
func (ga *groupAgg) quantiles(aggs []Agg, vcols []*Column) []*Column {
	isQ := func(a Agg) bool { return a.kind == aggMedian || a.kind == aggQuantile }
	var outs []*Column
	for i, a := range aggs {
		if !isQ(a) || (outs != nil && outs[i] != nil) {
			continue
		}
		if outs == nil {
			outs = make([]*Column, len(aggs))
		}
		c := vcols[i]
		var idx []int
		var res [][]float64
		for j := i; j < len(aggs); j++ {
			if isQ(aggs[j]) && vcols[j] == c {
				idx = append(idx, j)
				res = append(res, make([]float64, ga.ng))
			}
		}
		ga.eachGroupVals(c, func(g int, seg []float64) {
			for k, j := range idx {
				if a := aggs[j]; a.kind == aggMedian {
					res[k][g] = stats.MedianInPlace(seg)
				} else {
					res[k][g], _ = stats.QuantileInPlace(seg, a.p, a.method) // arguments checked
				}
			}
		})
		for k, j := range idx {
			outs[j] = NewFloat64("", res[k])
		}
	}
	if outs == nil {
		outs = make([]*Column, len(aggs))
	}
	return outs
}

// eachGroupVals calls fn for every group g with the non-null values of c in
// group g, in row order, as a scratch slice fn may reorder. The values are
// gathered a range of groups at a time into one reused buffer of at most
// max(gatherVals, values/gatherMaxPasses) values (more for one bigger group).
func (ga *groupAgg) eachGroupVals(c *Column, fn func(g int, seg []float64)) {
	ng := ga.ng
	if ng == 0 {
		return
	}
	start := make([]int, ng+1)
	plain := c.typ == Float64 && c.valid == nil
	if plain {
		for _, g := range ga.ids {
			start[g+1]++
		}
	} else {
		for k, g := range ga.ids {
			if c.validAt(rowAt(ga.rows, k)) {
				start[g+1]++
			}
		}
	}
	for i := 1; i <= ng; i++ {
		start[i] += start[i-1]
	}
	total := start[ng]
	limit := max(gatherVals, (total+gatherMaxPasses-1)/gatherMaxPasses)
	fill := start[:ng:ng] // reused as write cursors, restored per range below
	var buf []float64
	for g0 := 0; g0 < ng; {
		base := start[g0]
		g1 := g0 + 1
		for g1 < ng && start[g1+1]-base <= limit {
			g1++
		}
		n := start[g1] - base
		if n > cap(buf) {
			valScratch.put(buf)
			buf = valScratch.get(max(n, min(total, limit)))
		}
		b := buf[:n]
		// write positions relative to base; cursors live in fill[g0:g1]
		lo, span := int32(g0), uint32(g1-g0)
		all := g0 == 0 && g1 == ng
		switch {
		case plain && ga.rows == nil:
			vals := c.floats
			for k, g := range ga.ids {
				if all || uint32(g-lo) < span {
					b[fill[g]-base] = vals[k]
					fill[g]++
				}
			}
		case plain:
			vals := c.floats
			for k, g := range ga.ids {
				if all || uint32(g-lo) < span {
					b[fill[g]-base] = vals[ga.rows[k]]
					fill[g]++
				}
			}
		default:
			for k, g := range ga.ids {
				if all || uint32(g-lo) < span {
					if r := rowAt(ga.rows, k); c.validAt(r) {
						b[fill[g]-base] = floatAt(c, r)
						fill[g]++
					}
				}
			}
		}
		// fill[g] now equals the old start[g+1]: group g's segment is
		// b[end(g-1)-base : fill[g]-base]; restore start[g] as we go
		prev := base
		for g := g0; g < g1; g++ {
			end := fill[g]
			fn(g, b[prev-base:end-base])
			start[g] = prev
			prev = end
		}
		g0 = g1
	}
	valScratch.put(buf)
}

func (ga *groupAgg) compute(a Agg, c *Column) *Column {
	ng := ga.ng
	switch a.kind {
	case aggCount:
		cnt := make([]int64, ng)
		for _, g := range ga.ids {
			cnt[g]++
		}
		return &Column{typ: Int64, n: ng, ints: cnt}
	case aggCountNonNull:
		cnt := make([]int64, ng)
		for k, g := range ga.ids {
			if c.validAt(rowAt(ga.rows, k)) {
				cnt[g]++
			}
		}
		return &Column{typ: Int64, n: ng, ints: cnt}
	case aggSum:
		if c.typ != Float64 {
			s := make([]int64, ng)
			for k, g := range ga.ids {
				r := rowAt(ga.rows, k)
				if c.validAt(r) {
					if c.typ == Int64 {
						s[g] += c.ints[r]
					} else {
						s[g] += int64(b2i(c.bools[r]))
					}
				}
			}
			return &Column{typ: Int64, n: ng, ints: s}
		}
		sums, _ := ga.sums(c)
		out := make([]float64, ng)
		for g := range out {
			out[g] = sums[g].Value()
		}
		return NewFloat64("", out)
	case aggMean:
		sums, cnt := ga.sums(c)
		out := make([]float64, ng)
		for g := range out {
			out[g] = math.NaN()
			if cnt[g] > 0 {
				out[g] = sums[g].Value() / float64(cnt[g])
			}
		}
		return NewFloat64("", out)
	case aggStd, aggVar:
		sums, cnt := ga.sums(c)
		mean := make([]float64, ng)
		for g := range mean {
			if cnt[g] > 0 {
				mean[g] = sums[g].Value() / float64(cnt[g])
			}
		}
		ss := make([]float64, ng)
		cc := make([]float64, ng)
		for k, g := range ga.ids {
			v := floatAt(c, rowAt(ga.rows, k))
			if v == v {
				d := v - mean[g]
				ss[g] += d * d
				cc[g] += d
			}
		}
		out := make([]float64, ng)
		for g := range out {
			n := cnt[g]
			if n-a.ddof <= 0 {
				out[g] = math.NaN()
				continue
			}
			v := (ss[g] - cc[g]*cc[g]/float64(n)) / float64(n-a.ddof)
			if a.kind == aggStd {
				v = math.Sqrt(v)
			}
			out[g] = v
		}
		return NewFloat64("", out)
	case aggMin, aggMax:
		return takeRows(c, ga.argBest(c, a.kind == aggMax))
	case aggFirst, aggLast:
		arg := make([]int32, ng)
		for g := range arg {
			arg[g] = -1
		}
		for k, g := range ga.ids {
			r := rowAt(ga.rows, k)
			if c.validAt(r) && (arg[g] < 0 || a.kind == aggLast) {
				arg[g] = int32(r)
			}
		}
		return takeRows(c, arg)
	case aggNUnique:
		vids, _ := columnIDs(c, ga.rows)
		t := newWordTable(ng)
		cnt := make([]int64, ng)
		for k, g := range ga.ids {
			v := vids[k]
			if v < 0 {
				continue
			}
			before := t.n
			t.insert(uint64(uint32(g))<<32 | uint64(uint32(v)))
			if t.n > before {
				cnt[g]++
			}
		}
		return &Column{typ: Int64, n: ng, ints: cnt}
	}
	panic("frame: internal error: unknown aggregation")
}

// sums returns the compensated sum (stats.CompensatedSum, so group sums
// and means equal stats.Sum and stats.Mean of the group's values) and count of the non-null values of a
// numeric column per group.
func (ga *groupAgg) sums(c *Column) ([]stats.CompensatedSum, []int) {
	sums := make([]stats.CompensatedSum, ga.ng)
	cnt := make([]int, ga.ng)
	for k, g := range ga.ids {
		v := floatAt(c, rowAt(ga.rows, k))
		if v == v {
			sums[g].Add(v)
			cnt[g]++
		}
	}
	return sums, cnt
}

// argBest returns, per group, the row of its smallest (or largest) non-null
// value, the first such row on ties, -1 for none.
func (ga *groupAgg) argBest(c *Column, largest bool) []int32 {
	arg := make([]int32, ga.ng)
	for g := range arg {
		arg[g] = -1
	}
	better := func(r, b int) bool { // is row r better than row b?
		switch c.typ {
		case Int64, Date, Datetime:
			if largest {
				return c.ints[r] > c.ints[b]
			}
			return c.ints[r] < c.ints[b]
		case Float64:
			if largest {
				return c.floats[r] > c.floats[b]
			}
			return c.floats[r] < c.floats[b]
		case Bool:
			if largest {
				return c.bools[r] && !c.bools[b]
			}
			return !c.bools[r] && c.bools[b]
		case String:
			x := bytes.Compare(c.strBytes(r), c.strBytes(b))
			if largest {
				return x > 0
			}
			return x < 0
		}
		return false
	}
	for k, g := range ga.ids {
		r := rowAt(ga.rows, k)
		if !c.validAt(r) {
			continue
		}
		if b := arg[g]; b < 0 || better(r, int(b)) {
			arg[g] = int32(r)
		}
	}
	return arg
}
