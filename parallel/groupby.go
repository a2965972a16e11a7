package parallel

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// groupFactor is the working set of aggregating a partition, as a multiple
// of its in-memory size: the chunks read back, their concatenation, the
// ordinal sort, group ids (4 bytes a row), gathered values for medians (8
// bytes a value) and the key tables.
const groupFactor = 3

// GroupBy groups a stream by the key columns and aggregates each group, on
// every core and within the memory budget: the same output as
// frame.GroupBy(keys...).Agg(aggs...) of the whole stream, row for row and
// bit for bit (groups in order of first appearance; sort the result for key
// order).
//
// If the whole input fits a third of the free budget it is aggregated in
// memory by [Agg] (hash partitions of row indices aggregated on every
// core). Otherwise every chunk, tagged with the global ordinal of each row,
// is hash-partitioned by key into spill files; each partition (split
// further while its working set, 3× its size, exceeds the budget) is read
// back, ordered by ordinal and aggregated by [frame.Grouping.AggRows] on
// its own goroutine, its groups written to a run sorted by the ordinal of
// their first row; the runs are k-way merged by that ordinal. Medians and
// quantiles stay exact: a group lives in one partition. A single group too
// big for the budget fails with an error wrapping [ErrBudget] that names
// its key.
func GroupBy(ctx context.Context, src Source, keys []string, aggs []frame.Agg, opt Options) Source {
	return stream(func(emit func(*frame.Frame) error) error {
		return groupByTo(ctx, src, keys, aggs, emit, opt)
	})
}

func groupByTo(ctx context.Context, src Source, keys []string, aggs []frame.Agg, emit func(*frame.Frame) error, opt Options) (err error) {
	e := newExec(ctx, "group by", opt)
	defer e.finish(&err)
	if len(keys) == 0 {
		return fmt.Errorf("parallel: group by: no key columns")
	}
	b, err := e.bufferGrouped(ctx, src, opt)
	defer b.stop()
	if err != nil {
		return err
	}
	if b.schema != nil && b.schema.NumCols() > 0 {
		// validate before spilling anything
		if _, _, err := b.schema.GroupBy(keys...).AggRows([]int32{}, aggs...); err != nil {
			b.release(e)
			return err
		}
	}
	// in memory when all of it is buffered and its working space fits
	// what is free now; otherwise (other operators of a shared budget
	// hold the rest) it spills
	extra := int64(groupFactor-1) * b.size
	if b.done && (!opt.ForceSpill || b.rows == 0) && (b.rows == 0 || e.budget.TryAcquire(extra)) {
		if b.rows == 0 {
			extra = 0
		}
		all, err := b.all()
		if err == nil && all.NumCols() == 0 {
			err = fmt.Errorf("parallel: group by: empty input (no columns)")
		}
		var g *frame.Frame
		if err == nil {
			g, err = Agg(ctx, all.GroupBy(keys...), aggs, opt)
		}
		e.budget.Release(extra)
		b.release(e)
		if err != nil {
			return err
		}
		return emitChunks(ctx, g, emit)
	}
	parts, err := e.keyPartitions(ctx, b, keys, "group")
	if err != nil {
		return err
	}
	runs, err := e.partitionRuns(ctx, parts, opt, func(ctx context.Context, f *frame.Frame) (*spill.File, error) {
		out, first, err := f.GroupBy(keys...).AggRows(nil, aggs...)
		if err != nil {
			return nil, err
		}
		ordv := f.MustColumn(ordCol).Int64s()
		ords := make([]int64, len(first))
		for i, r := range first {
			ords[i] = ordv[r]
		}
		out, err = withInts(out, ordCol, ords)
		if err != nil {
			return nil, err
		}
		r, err := e.writeRun(out, "groups", e.runChunkBytes())
		e.progress("aggregate", int64(f.NumRows()), spill.SizeOf(f))
		return r, err
	})
	if err != nil {
		return err
	}
	e.done("aggregate")
	k := -1
	for _, r := range runs {
		if r != nil {
			f, err := r.Open()
			if err != nil {
				return err
			}
			c, err := f.Next()
			f.Close()
			if err != nil {
				return fmt.Errorf("parallel: group by: %w", err)
			}
			if k, err = colIndex(c, ordCol); err != nil {
				return err
			}
			break
		}
	}
	if k < 0 && b.schema != nil && b.schema.NumCols() > 0 {
		// no rows at all (an empty first chunk that went the spilling
		// way): no groups, with the in-memory result's columns
		g, err := b.schema.GroupBy(keys...).Agg(aggs...)
		if err != nil {
			return err
		}
		return emit(g)
	}
	if k < 0 {
		return fmt.Errorf("parallel: group by: internal error: no runs")
	}
	return e.mergeRuns(ctx, runs, ordCmp(k), []string{ordCol}, emit)
}

// keyPartitions hash-partitions the buffered input b (and the rest of its
// source) by keys into spill files sized from the budget, then splits any
// partition whose working set would not fit: the first half of every
// key-grouped out-of-core operator (group by, distinct, group apply).
func (e *exec) keyPartitions(ctx context.Context, b *buffered, keys []string, phase string) ([]part, error) {
	np := e.fitNP(e.chooseParts(b.size, groupFactor))
	files, err := e.spillPartitions(ctx, b, keys, np, ordCol, phase)
	if err != nil {
		return nil, err
	}
	parts := make([]part, len(files))
	for i, f := range files {
		parts[i] = part{f}
	}
	return e.fitParts(ctx, parts, [][]string{keys}, groupFactor, max(e.free()/int64(e.opt.workers()), 1), 0)
}

// bufferGrouped buffers the head of src for a key-grouped operator (group
// by, distinct, group apply): up to a third of the budget, what its
// in-memory path may use (with opt.ForceSpill, only up to the first
// rows). On error the buffered chunks are already released; the caller
// must still call b.stop.
func (e *exec) bufferGrouped(ctx context.Context, src Source, opt Options) (*buffered, error) {
	threshold := e.free() / groupFactor
	if opt.ForceSpill {
		threshold = 0
	}
	b, err := e.buffer(ctx, src, threshold, "")
	if err != nil {
		b.release(e)
	}
	return b, err
}

// partitionRuns is the second half of every key-grouped out-of-core
// operator. For each of parts (from keyPartitions), on every core, it
// reserves groupFactor times the partition's size of the budget, reads it
// back ordered by ordCol, removes its spill files and hands the rows to fn
// (so fn runs concurrently); the spill file fn returns (nil for none)
// becomes runs[p]. If any partition fails, every run written is removed
// and the error returned.
func (e *exec) partitionRuns(ctx context.Context, parts []part, opt Options, fn func(ctx context.Context, f *frame.Frame) (*spill.File, error)) ([]*spill.File, error) {
	runs := make([]*spill.File, len(parts))
	var inflight atomic.Int64
	err := run(ctx, len(parts), opt, e.name, label("partition"), func(ctx context.Context, p int) error {
		cost := groupFactor * parts[p].size()
		if err := e.reserve(ctx, cost, fmt.Sprintf("partition %d", p), inflight.Load); err != nil {
			return err
		}
		inflight.Add(1)
		defer func() {
			e.budget.Release(cost)
			inflight.Add(-1)
		}()
		f, err := loadPart(ctx, parts[p][0], ordCol)
		if err != nil {
			return err
		}
		parts[p].remove()
		runs[p], err = fn(ctx, f)
		return err
	})
	if err != nil {
		for _, r := range runs {
			r.Remove()
		}
		return nil, err
	}
	return runs, nil
}

// Agg is g.Agg(aggs...) (see [frame.Grouping.Agg]) on every core, with the
// same output, row for row and bit for bit, whatever the workers and
// partitions. The frame's rows are hash-partitioned by key (row indices
// only), each partition is aggregated by [frame.Grouping.AggRows] on its own
// goroutine (a group lives in one partition, so medians and quantiles stay
// exact), and the groups are put back in order of first appearance, then
// sorted if g is [frame.Grouping.Sorted].
func Agg(ctx context.Context, g *frame.Grouping, aggs []frame.Agg, opt Options) (*frame.Frame, error) {
	// validate (cheap: no rows)
	if _, _, err := g.AggRows([]int32{}, aggs...); err != nil {
		return nil, err
	}
	f := g.Frame()
	np := numPartitions(opt, f.NumRows())
	if np == 1 {
		return g.Agg(aggs...)
	}
	pt, err := partitionRows(ctx, f, g.Keys(), np, opt, false)
	if err != nil {
		return nil, err
	}
	outs := make([]*frame.Frame, np)
	firsts := make([][]int32, np)
	err = run(ctx, np, opt, "group by", label("partition"), func(ctx context.Context, p int) error {
		var err error
		outs[p], firsts[p], err = g.AggRows(pt.of(p), aggs...)
		return err
	})
	pt.release()
	if err != nil {
		return nil, err
	}
	all, err := frame.Concat(outs...)
	if err != nil {
		return nil, fmt.Errorf("parallel: group by: %w", err)
	}
	first := slices.Concat(firsts...)
	perm := make([]int, len(first))
	for i := range perm {
		perm[i] = i
	}
	slices.SortFunc(perm, func(a, b int) int { return int(first[a]) - int(first[b]) })
	out, err := all.Take(perm)
	if err != nil {
		return nil, fmt.Errorf("parallel: group by: %w", err)
	}
	if g.IsSorted() && out.NumRows() > 1 {
		keys := make([]frame.SortKey, 0)
		for _, k := range g.Keys() {
			keys = append(keys, frame.Asc(k))
		}
		return out.Sort(keys...)
	}
	return out, nil
}
