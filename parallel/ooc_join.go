package parallel

import (
	"context"
	"fmt"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// joinFactor is the working set of joining a partition pair, as a multiple
// of the pair's in-memory size: the chunks read back and concatenated,
// ordinal sorts, key ids and the hash table; output is produced in slices.
const joinFactor = 4

// joinSlice is the most row pairs gathered into one output slice.
const joinSlice = 1 << 14

// JoinStream is [frame.Join] over two streams of chunks within
// opt.MemoryBudget, with the same output: the same columns and rows in the
// same order (left rows in order, each followed by its matches in right
// order, then for Right and Outer the unmatched right rows in order). The
// result is held in memory; [JoinTo] streams it instead.
func JoinStream(ctx context.Context, left, right Source, how frame.JoinType, on frame.JoinOn, opt Options, jopts ...frame.JoinOption) (*frame.Frame, error) {
	emit, result := collect()
	if err := JoinTo(ctx, left, right, how, on, emit, opt, jopts...); err != nil {
		return nil, err
	}
	return result()
}

// JoinTo is [JoinStream] handing the joined rows to emit in chunks, in
// [frame.Join]'s order, from one goroutine at a time.
//
// When both inputs together fit a quarter of the budget they are joined in
// memory by [Join] (the output is then materialised before it is
// emitted). Otherwise both sides, each row tagged with its ordinal on its
// side, are hash-partitioned by key into spill files with one hash (a
// partition pair too big for the budget is split further by a remixed
// hash); each pair is joined on its own goroutine by [frame.JoinRows] and
// [frame.JoinTake] in slices of 16K pairs into a run ordered by (left
// ordinal, right ordinal), and the runs are k-way merged by that pair of
// ordinals (unmatched right rows, which have no left ordinal, last),
// which is exactly frame.Join's order. A single key whose rows on both
// sides exceed the budget fails with an error wrapping [ErrBudget] naming
// the key.
func JoinTo(ctx context.Context, left, right Source, how frame.JoinType, on frame.JoinOn, emit func(*frame.Frame) error, opt Options, jopts ...frame.JoinOption) (err error) {
	e := newExec(ctx, "join", opt)
	defer e.finish(&err)
	threshold := e.limit() / (2 * joinFactor)
	if opt.ForceSpill {
		threshold = 0
	}
	bl, err := e.buffer(ctx, left, threshold, "left ")
	defer bl.stop()
	if err != nil {
		bl.release(e)
		return err
	}
	br, err := e.buffer(ctx, right, threshold, "right ")
	defer br.stop()
	if err != nil {
		bl.release(e)
		br.release(e)
		return err
	}
	if bl.names == nil || br.names == nil {
		bl.release(e)
		br.release(e)
		return fmt.Errorf("parallel: join: empty input (no columns) on the %s", map[bool]string{true: "left", false: "right"}[bl.names == nil])
	}
	// validate on empty frames before any work
	l0, r0 := bl.chunks[0].Head(0), br.chunks[0].Head(0)
	if _, err := frame.JoinTake(l0, r0, how, on, []int32{}, []int32{}, jopts...); err != nil {
		bl.release(e)
		br.release(e)
		return err
	}
	if bl.done && br.done && !opt.ForceSpill {
		l, err := bl.all()
		var r, j *frame.Frame
		if err == nil {
			r, err = br.all()
		}
		if err == nil {
			extra := bl.size + br.size
			if err = e.acquire(ctx, extra, "in-memory join"); err == nil {
				j, err = Join(ctx, l, r, how, on, opt, jopts...)
				e.budget.Release(extra)
			}
		}
		bl.release(e)
		br.release(e)
		if err != nil {
			return err
		}
		return emitChunks(ctx, j, emit)
	}
	np := e.chooseParts(bl.size+br.size, joinFactor)
	lfiles, err := e.spillPartitions(ctx, bl, on.Left, np, lordCol, "left")
	if err != nil {
		br.release(e)
		return err
	}
	rfiles, err := e.spillPartitions(ctx, br, on.Right, np, rordCol, "right")
	if err != nil {
		for _, f := range lfiles {
			f.Remove()
		}
		return err
	}
	parts := make([]part, np)
	for p := range parts {
		parts[p] = part{lfiles[p], rfiles[p]}
	}
	lschema, _ := withOrd(l0, lordCol, 0)
	rschema, _ := withOrd(r0, rordCol, 0)
	if parts, err = e.fitParts(ctx, parts, [][]string{on.Left, on.Right}, joinFactor, e.limit(), 0); err != nil {
		return err
	}
	runs := make([]*spill.File, len(parts))
	err = run(ctx, len(parts), opt, "join", label("partition"), func(ctx context.Context, p int) error {
		cost := joinFactor * parts[p].size()
		if err := e.acquire(ctx, cost, fmt.Sprintf("partition %d", p)); err != nil {
			return err
		}
		defer e.budget.Release(cost)
		l, err := loadPart(ctx, parts[p][0], lordCol)
		if err != nil {
			return err
		}
		r, err := loadPart(ctx, parts[p][1], rordCol)
		if err != nil {
			return err
		}
		parts[p].remove()
		if l == nil {
			l = lschema
		}
		if r == nil {
			r = rschema
		}
		li, ri, err := frame.JoinRows(l, r, how, on, nil, nil)
		if err != nil {
			return err
		}
		d, err := e.spillDir()
		if err != nil {
			return err
		}
		w, err := d.Create("joined")
		if err != nil {
			return err
		}
		// slices of about a run chunk, so the merge holds little per run
		rowBytes := int64(16)
		if n := l.NumRows(); n > 0 {
			rowBytes += spill.SizeOf(l) / int64(n)
		}
		if n := r.NumRows(); n > 0 {
			rowBytes += spill.SizeOf(r) / int64(n)
		}
		slice := int(min(max(e.runChunkBytes()/rowBytes, 64), joinSlice))
		for i := 0; i < len(li) || i == 0; i += slice {
			hi := min(len(li), i+slice)
			var rs []int32
			if ri != nil {
				rs = ri[i:hi]
			}
			out, err := frame.JoinTake(l, r, how, on, li[i:hi], rs, jopts...)
			if err == nil {
				err = w.Write(out)
			}
			if err != nil {
				w.Abort()
				return err
			}
			if len(li) == 0 {
				break
			}
		}
		runs[p], err = w.Close()
		e.progress("join", int64(len(li)), spill.SizeOf(l)+spill.SizeOf(r))
		return err
	})
	if err != nil {
		for _, r := range runs {
			r.Remove()
		}
		return err
	}
	e.done("join")
	schema, err := frame.JoinTake(lschema, rschema, how, on, []int32{}, []int32{}, jopts...)
	if err != nil {
		return err
	}
	lk, err := colIndex(schema, lordCol)
	if err != nil {
		return err
	}
	drop := []string{lordCol}
	less := ordCmp(lk)
	if how != frame.Semi && how != frame.Anti {
		rk, err := colIndex(schema, rordCol)
		if err != nil {
			return err
		}
		drop = append(drop, rordCol)
		less = func(a *frame.Frame, i int, b *frame.Frame, j int) int {
			if c := compareCells(a.ColumnAt(lk), i, b.ColumnAt(lk), j, false); c != 0 {
				return c
			}
			return compareCells(a.ColumnAt(rk), i, b.ColumnAt(rk), j, false)
		}
	}
	return e.mergeRuns(ctx, runs, less, drop, emit)
}
