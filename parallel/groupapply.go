package parallel

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// GroupApply runs fn once per group of rows with equal keys (nulls form a
// group, as in GroupBy) on every core, and hands fn's results to emit (one
// call at a time; a [Sink]'s Write fits). key is a one-row frame of the key
// columns; group holds the group's rows in input order, all columns. fn
// must be safe for concurrent use and every result must have one schema.
//
// Results come in order of each group's first appearance, or with
// opt.Unordered as they are made. The input is grouped as [GroupBy]
// does: in memory when it fits a third of the free budget, otherwise
// hash-partitioned into spill files and processed partition by partition
// (each partition's groups in parallel), the ordered results of each
// partition spilled and merged by first appearance.
//
// An error from fn names the group's key ("parallel: group apply: group
// (title=nurse, state=TX): …") and cancels the rest; a panic in fn becomes
// a [*PanicError] whose Task names the key and whose Stack is fn's.
func GroupApply(ctx context.Context, src Source, keys []string, fn func(key, group *frame.Frame) (*frame.Frame, error), emit func(*frame.Frame) error, opt Options) (err error) {
	e := newExec(ctx, "group apply", opt)
	defer e.finish(&err)
	if len(keys) == 0 {
		return fmt.Errorf("parallel: group apply: no key columns")
	}
	b, err := e.bufferGrouped(ctx, src, opt)
	defer b.stop()
	if err != nil {
		return err
	}
	var emitMu sync.Mutex
	lockedEmit := func(f *frame.Frame) error {
		emitMu.Lock()
		defer emitMu.Unlock()
		return emit(f)
	}
	if b.schema != nil && b.schema.NumCols() > 0 {
		if _, err := b.schema.Select(keys...); err != nil {
			b.release(e)
			return fmt.Errorf("parallel: group apply: %w", err)
		}
	}
	// in memory when all of it is buffered and its working space fits
	// what is free now; otherwise it spills
	extra := b.size
	if b.done && (!opt.ForceSpill || b.rows == 0) && e.budget.TryAcquire(extra) {
		all, err := b.all()
		if err == nil && all.NumRows() > 0 {
			all, err = withOrd(all, ordCol, 0)
		}
		if err == nil && all.NumRows() > 0 {
			var outs []*frame.Frame
			outs, err = applyGroups(ctx, all, keys, fn, opt, lockedEmit)
			for _, o := range outs {
				if err == nil {
					o, err = o.Drop(ordCol)
				}
				if err == nil {
					err = emit(o)
				}
			}
		}
		e.budget.Release(extra)
		b.release(e)
		return err
	}
	parts, err := e.keyPartitions(ctx, b, keys, "apply")
	if err != nil {
		return err
	}
	// with opt.Unordered, results go to emit as they are made: no runs
	runs, err := e.partitionRuns(ctx, parts, opt, func(ctx context.Context, f *frame.Frame) (*spill.File, error) {
		outs, err := applyGroups(ctx, f, keys, fn, opt, lockedEmit)
		if err != nil || opt.Unordered {
			return nil, err
		}
		all, err := frame.Concat(outs...)
		if err != nil {
			return nil, fmt.Errorf("results of different schemas: %w", err)
		}
		if all.NumCols() == 0 {
			return nil, nil
		}
		return e.writeRun(all, "applied", e.runChunkBytes())
	})
	if err != nil || opt.Unordered {
		return err
	}
	k := -1
	for _, r := range runs {
		if r == nil {
			continue
		}
		for c, err := range r.Chunks(ctx) {
			if err != nil {
				return err
			}
			if k, err = colIndex(c, ordCol); err != nil {
				return err
			}
			break
		}
		break
	}
	if k < 0 {
		return nil // no group produced a result
	}
	return e.mergeRuns(ctx, runs, ordCmp(k), []string{ordCol}, emit)
}

// applyGroups runs fn on every group of f (ordered by ordCol), in
// parallel. With opt.Unordered results go to emit (without the ordinal) as
// they are made; otherwise they are returned in order of first appearance,
// each with ordCol set to its group's first ordinal.
func applyGroups(ctx context.Context, f *frame.Frame, keys []string, fn func(key, group *frame.Frame) (*frame.Frame, error), opt Options, emit func(*frame.Frame) error) ([]*frame.Frame, error) {
	sk := make([]frame.SortKey, len(keys))
	idx := make([]int, len(keys))
	for i, k := range keys {
		sk[i] = frame.Asc(k)
		var err error
		if idx[i], err = colIndex(f, k); err != nil {
			return nil, err
		}
	}
	perm, err := f.SortIndex(sk...)
	if err != nil {
		return nil, err
	}
	eq := keyCmp(idx, make([]bool, len(keys)))
	// groups: runs of equal keys in the stable sort; each run starts at
	// its first appearance
	var starts []int
	for i := range perm {
		if i == 0 || eq(f, int(perm[i-1]), f, int(perm[i])) != 0 {
			starts = append(starts, i)
		}
	}
	starts = append(starts, len(perm))
	ng := len(starts) - 1
	order := make([]int, ng)
	for g := range order {
		order[g] = g
	}
	slices.SortFunc(order, func(a, b int) int { return int(perm[starts[a]]) - int(perm[starts[b]]) })
	ordv := f.MustColumn(ordCol).Int64s()
	body, err := f.Drop(ordCol)
	if err != nil {
		return nil, err
	}
	outs := make([]*frame.Frame, ng)
	err = run(ctx, ng, opt, "group apply", label("group"), func(ctx context.Context, k int) error {
		g := order[k]
		rows := make([]int, starts[g+1]-starts[g])
		for i := range rows {
			rows[i] = int(perm[starts[g]+i])
		}
		group, err := body.Take(rows)
		if err != nil {
			return err
		}
		key, err := group.Head(1).Select(keys...)
		if err != nil {
			return err
		}
		out, err := callUser(fn, key, group)
		if err != nil {
			return err
		}
		if out == nil || out.NumCols() == 0 {
			return nil
		}
		if opt.Unordered {
			return emit(out)
		}
		ords := make([]int64, out.NumRows())
		for i := range ords {
			ords[i] = ordv[rows[0]]
		}
		outs[k], err = withInts(out, ordCol, ords)
		return err
	})
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(outs, func(f *frame.Frame) bool { return f == nil }), nil
}

// callUser runs the user's function, naming the group in its error or
// panic.
func callUser(fn func(key, group *frame.Frame) (*frame.Frame, error), key, group *frame.Frame) (out *frame.Frame, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Task: "group apply: group " + describeKey(key), Value: r, Stack: debug.Stack()}
		}
	}()
	out, err = fn(key, group)
	if err != nil {
		err = fmt.Errorf("parallel: group apply: group %s: %w", describeKey(key), err)
	}
	return out, err
}
