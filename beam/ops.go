package sluicebeam

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
)

// The chunk operations below are plain functions over frames. The Beam
// DoFns call them on the chunks of a running job, and the translator calls
// them on empty frames to learn every step's output schema before the job
// starts (the same code both times, so the schemas cannot drift).
//
// # Row order
//
// Beam collections are unordered, but sluice's outputs have a defined order
// (package pipeline, "Order"). Every chunk therefore carries a hidden
// column, ordCol, holding each row's position in the local engine's order
// as a string that sorts bytewise:
//
//   - an input row: 16 hex digits of fileIndex<<40 | rowInFile;
//   - a join row: the streamed side's position, ".", the other side's
//     (the streamed side alone for an unmatched row; "~" then the right
//     side's position for an unmatched right row of a Right or Outer join,
//     which frame.Join puts after all the others);
//   - a group or a distinct row: the smallest position among its rows (the
//     first occurrence, as frame.GroupBy and frame.Distinct keep);
//   - after a sort: the row's rank.
//
// The positions of one frame never are prefixes of each other, so the
// bytewise order of the strings is the order of the local engine. The
// output stage sorts by them and drops the column.

// ordCol names the hidden order column.
const ordCol = "\x00ord"

// allKey names the constant key of an aggregation without group_by.
const allKey = "\x00all"

// stepCfg is what the DoFns of one step need, JSON-encoded into them.
type stepCfg struct {
	Name        string
	File        string
	Line        int
	Derive      []pipeline.Derived
	Filter      string
	GroupBy     []string
	Agg         []pipeline.AggSpec
	Select      []string
	Rename      []pipeline.Rename
	Distinct    []string
	DistinctAll bool
	Sort        []frame.SortKey
	Limit       int64
	HasLimit    bool
	// Join: How, LeftOn, RightOn; StreamRight mirrors the local planner's
	// choice of the streamed side (it decides the output order).
	Join        bool
	From        string
	Left, Right string
	How         frame.JoinType
	LeftOn      []string
	RightOn     []string
	StreamRight bool
}

func newStepCfg(p *pipeline.Plan, s *pipeline.Step) stepCfg {
	c := stepCfg{
		Name: s.Name, File: p.File, Line: s.Line,
		Derive: s.Derive, Filter: s.Filter, GroupBy: s.GroupBy, Agg: s.Agg,
		Select: s.Select, Rename: s.Rename, Distinct: s.Distinct, DistinctAll: s.DistinctAll,
		Sort: s.Sort, Limit: s.Limit, HasLimit: s.HasLimit,
	}
	if s.Join != nil {
		c.Join, c.How, c.LeftOn, c.RightOn = true, s.Join.How, s.Join.LeftOn, s.Join.RightOn
		c.Left, c.Right = s.Join.Left, s.Join.Right
	} else {
		c.From = s.From
	}
	return c
}

// errorf wraps err with the step's name, stage and spec line, as the local
// engine's errors name them.
func (c *stepCfg) errorf(stage string, err error) error {
	loc := c.File
	if loc == "" {
		loc = "plan"
	}
	if c.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, c.Line)
	}
	return fmt.Errorf("%s: step %q: %s: %w", loc, c.Name, stage, err)
}

// compiled holds a step's parsed expressions and aggregations.
type compiled struct {
	derive []frame.Expr
	filter frame.Expr
	hasFil bool
	aggs   []frame.Agg
}

func (c *stepCfg) compile() (*compiled, error) {
	out := &compiled{}
	for _, d := range c.Derive {
		e, err := frame.ParseExpr(d.Expr)
		if err != nil {
			return nil, c.errorf("derive "+d.Name, err)
		}
		out.derive = append(out.derive, e)
	}
	if c.Filter != "" {
		e, err := frame.ParseExpr(c.Filter)
		if err != nil {
			return nil, c.errorf("filter", err)
		}
		out.filter, out.hasFil = e, true
	}
	for _, a := range c.Agg {
		g, err := a.Agg()
		if err != nil {
			return nil, c.errorf("agg "+a.Name, err)
		}
		out.aggs = append(out.aggs, g)
	}
	return out, nil
}

// pre applies derive and filter to a chunk.
func (c *stepCfg) pre(x *compiled, f *frame.Frame) (*frame.Frame, error) {
	var err error
	for k, d := range c.Derive {
		if f, err = f.Derive(d.Name, x.derive[k]); err != nil {
			return nil, c.errorf("derive", err)
		}
	}
	if x.hasFil {
		if f, err = f.Filter(x.filter); err != nil {
			return nil, c.errorf("filter", err)
		}
	}
	return f, nil
}

// post applies select and rename to a chunk, keeping the order column.
func (c *stepCfg) post(f *frame.Frame) (*frame.Frame, error) {
	var err error
	if len(c.Select) > 0 {
		if f, err = f.Select(append(append([]string(nil), c.Select...), ordCol)...); err != nil {
			return nil, c.errorf("select", err)
		}
	}
	for _, r := range c.Rename {
		if f, err = f.Rename(r.From, r.To); err != nil {
			return nil, c.errorf("rename", err)
		}
	}
	return f, nil
}

// hasDistinct reports whether the step has a distinct stage.
func (c *stepCfg) hasDistinct() bool { return c.DistinctAll || len(c.Distinct) > 0 }

// hasSingle reports whether the step has a sort or limit stage (run on one
// worker).
func (c *stepCfg) hasSingle() bool { return len(c.Sort) > 0 || c.HasLimit }

// distinctCols are the columns distinct compares (all but the order column
// when DistinctAll).
func distinctCols(c *stepCfg, f *frame.Frame) []string {
	if len(c.Distinct) > 0 {
		return c.Distinct
	}
	var cols []string
	for _, n := range f.Names() {
		if n != ordCol {
			cols = append(cols, n)
		}
	}
	return cols
}

// byOrder concatenates parts and sorts the rows by the order column.
func byOrder(empty *frame.Frame, parts []*frame.Frame) (*frame.Frame, error) {
	if len(parts) == 0 {
		return empty, nil
	}
	f := parts[0]
	if len(parts) > 1 {
		var err error
		if f, err = frame.Concat(parts...); err != nil {
			return nil, err
		}
	}
	return f.Sort(frame.Asc(ordCol))
}

// aggregate runs the step's group-by (or global aggregation) over all the
// rows of some groups, gathered from every chunk, in order.
func (c *stepCfg) aggregate(x *compiled, f *frame.Frame) (*frame.Frame, error) {
	keys := c.GroupBy
	if len(keys) == 0 {
		k, err := frame.NewInt64(allKey, make([]int64, f.NumRows()), nil)
		if err == nil {
			f, err = f.WithColumn(k)
		}
		if err != nil {
			return nil, c.errorf("agg", err)
		}
		keys = []string{allKey}
	}
	aggs := append(append([]frame.Agg(nil), x.aggs...), frame.First(ordCol).As(ordCol))
	out, err := f.GroupBy(keys...).Agg(aggs...)
	if err != nil {
		return nil, c.errorf("agg", err)
	}
	if len(c.GroupBy) == 0 {
		if out, err = out.Drop(allKey); err != nil {
			return nil, c.errorf("agg", err)
		}
	}
	return out, nil
}

// distinct keeps the first occurrence of each row (f sorted by order).
func (c *stepCfg) distinct(f *frame.Frame) (*frame.Frame, error) {
	out, err := f.Distinct(distinctCols(c, f)...)
	if err != nil {
		return nil, c.errorf("distinct", err)
	}
	return out, nil
}

// sortLimit sorts (stably) and limits all the rows of the step (f sorted
// by order).
func (c *stepCfg) sortLimit(f *frame.Frame) (*frame.Frame, error) {
	var err error
	if len(c.Sort) > 0 {
		if f, err = f.Sort(c.Sort...); err != nil {
			return nil, c.errorf("sort", err)
		}
		ranks := make([]string, f.NumRows())
		for i := range ranks {
			ranks[i] = fmt.Sprintf("%016x", i)
		}
		if f, err = f.Drop(ordCol); err == nil {
			f, err = f.WithColumn(frame.MustColumn(frame.NewString(ordCol, ranks, nil)))
		}
		if err != nil {
			return nil, c.errorf("sort", err)
		}
	}
	if c.HasLimit && int64(f.NumRows()) > c.Limit {
		f = f.Head(int(c.Limit))
	}
	return f, nil
}

// join joins the rows of one hash partition of both sides.
func (c *stepCfg) join(l, r *frame.Frame) (*frame.Frame, error) {
	lo, err := l.Column(ordCol)
	if err != nil {
		return nil, c.errorf("join", err)
	}
	ro, err := r.Column(ordCol)
	if err != nil {
		return nil, c.errorf("join", err)
	}
	lf, _ := l.Drop(ordCol)
	rf, _ := r.Drop(ordCol)
	on := frame.JoinOn{Left: c.LeftOn, Right: c.RightOn}
	var li, ri []int32
	if c.StreamRight {
		ri, li, err = frame.JoinRows(rf, lf, c.How.Mirror(), on.Swap(), nil, nil)
	} else {
		li, ri, err = frame.JoinRows(lf, rf, c.How, on, nil, nil)
	}
	if err != nil {
		return nil, c.errorf("join", err)
	}
	out, err := frame.JoinTake(lf, rf, c.How, on, li, ri)
	if err != nil {
		return nil, c.errorf("join", err)
	}
	ords := make([]string, len(li))
	var b strings.Builder
	for k := range li {
		b.Reset()
		switch {
		case c.StreamRight:
			b.WriteString(ro.Str(int(ri[k])))
			b.WriteByte('.')
			b.WriteString(lo.Str(int(li[k])))
		case li[k] < 0:
			b.WriteByte('~')
			b.WriteString(ro.Str(int(ri[k])))
		case ri == nil || ri[k] < 0:
			b.WriteString(lo.Str(int(li[k])))
		default:
			b.WriteString(lo.Str(int(li[k])))
			b.WriteByte('.')
			b.WriteString(ro.Str(int(ri[k])))
		}
		ords[k] = b.String()
	}
	out, err = out.WithColumn(frame.MustColumn(frame.NewString(ordCol, ords, nil)))
	if err != nil {
		return nil, c.errorf("join", err)
	}
	return out, nil
}

// partition splits f into shards by a hash of the named columns (no
// columns: everything in shard 0). Rows whose keys are equal — as
// frame.Join, frame.GroupBy and frame.Distinct compare them: floats by
// value with 0 = -0, strings bytewise, nulls alike — land in the same
// shard, whatever chunk or worker they come from.
func partition(f *frame.Frame, cols []string, shards int) (map[int]*frame.Frame, error) {
	if f.NumRows() == 0 {
		return nil, nil
	}
	if len(cols) == 0 || shards <= 1 {
		return map[int]*frame.Frame{0: f}, nil
	}
	kc := make([]*frame.Column, len(cols))
	for i, name := range cols {
		c, err := f.Column(name)
		if err != nil {
			return nil, err
		}
		kc[i] = c
	}
	rows := map[int][]int{}
	h := fnv.New64a()
	var scratch [8]byte
	put := func(v uint64) {
		for i := range scratch {
			scratch[i] = byte(v >> (8 * i))
		}
		h.Write(scratch[:])
	}
	for i := range f.NumRows() {
		h.Reset()
		for _, c := range kc {
			if c.IsNull(i) {
				h.Write([]byte{0})
				continue
			}
			h.Write([]byte{1})
			switch c.Type() {
			case frame.Float64:
				v := c.Float64(i)
				if v == 0 {
					v = 0 // -0 hashes as 0
				}
				put(math.Float64bits(v))
			case frame.Bool:
				if c.Bool(i) {
					put(1)
				} else {
					put(0)
				}
			case frame.String:
				s := c.StrBytes(i)
				put(uint64(len(s)))
				h.Write(s)
			default:
				put(uint64(c.Int64(i)))
			}
		}
		k := int(h.Sum64() % uint64(shards))
		rows[k] = append(rows[k], i)
	}
	out := make(map[int]*frame.Frame, len(rows))
	for k, idx := range rows {
		if len(idx) == f.NumRows() {
			out[k] = f
			continue
		}
		part, err := f.Take(idx)
		if err != nil {
			return nil, err
		}
		out[k] = part
	}
	return out, nil
}
