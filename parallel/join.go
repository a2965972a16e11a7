package parallel

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// joinFactor is the working set of joining a spilled partition pair, as a
// multiple of the pair's in-memory size: the chunks read back and
// concatenated, ordinal sorts, key ids and the hash table; output is
// produced in slices.
const joinFactor = 4

// joinSlice is the most row pairs gathered into one output frame.
const joinSlice = 1 << 14

// Join is [frame.Join] of two streams, on every core and within the memory
// budget, with frame.Join's columns, rows and row order (including
// [frame.OrderByRight]'s).
//
// One side is the build side, the other is streamed (the probe side): by
// default the right side is built and the left streamed, so the output
// comes in left-row order as it is produced; with frame.OrderByRight the
// left side is built and the right streamed. The build side is read first;
// when it fits the budget (half of what is free when the call starts) a
// [frame.JoinIndex] is built on it and the probe side's chunks are joined
// against it on every core as they arrive, in order, without ever holding
// the probe side (a broadcast hash join: the usual case, one big table and
// one small one). Unmatched build rows, for the kinds that keep them, come
// last. Otherwise — the build side too big — both sides, each row tagged
// with its ordinal, are hash-partitioned by key into spill files (a
// partition pair too big for the budget is split further by a remixed
// hash), each pair is joined on its own goroutine into a run ordered by
// (probe ordinal, build ordinal), and the runs are k-way merged, which is
// again exactly frame.Join's order. A single key whose rows on both sides
// exceed the budget fails with an error wrapping [ErrBudget] naming the
// key.
//
// Memory: the build side and its index (about 12 bytes a row plus its
// distinct key bytes), plus a few chunks in flight per worker.
func Join(ctx context.Context, left, right Source, how frame.JoinType, on frame.JoinOn, opt Options, jopts ...frame.JoinOption) Source {
	return stream(func(emit func(*frame.Frame) error) error {
		return joinTo(ctx, left, right, how, on, emit, opt, jopts)
	})
}

// joinSides names the two sides of a join as build and probe.
type joinSides struct {
	how          frame.JoinType
	on           frame.JoinOn
	probeRight   bool // the right side is streamed
	pkeys, bkeys []string
	jopts        []frame.JoinOption
}

// keepProbe and keepBuild say whether unmatched rows of each side are kept.
func (s *joinSides) keepProbe() bool {
	if s.probeRight {
		return s.how == frame.Right || s.how == frame.Outer
	}
	return s.how == frame.Left || s.how == frame.Outer
}

func (s *joinSides) keepBuild() bool {
	if s.probeRight {
		return s.how == frame.Left || s.how == frame.Outer
	}
	return s.how == frame.Right || s.how == frame.Outer
}

// take builds output rows from (probe row, build row) pairs, -1 for a
// missing side.
func (s *joinSides) take(probe, build *frame.Frame, pi, bi []int32) (*frame.Frame, error) {
	if s.how == frame.Semi || s.how == frame.Anti {
		return frame.JoinTake(probe, build, s.how, s.on, pi, nil, s.jopts...)
	}
	if s.probeRight {
		return frame.JoinTake(build, probe, s.how, s.on, bi, pi, s.jopts...)
	}
	return frame.JoinTake(probe, build, s.how, s.on, pi, bi, s.jopts...)
}

func joinTo(ctx context.Context, left, right Source, how frame.JoinType, on frame.JoinOn, emit func(*frame.Frame) error, opt Options, jopts []frame.JoinOption) (err error) {
	e := newExec(ctx, "join", opt)
	defer e.finish(&err)
	if len(on.Left) == 0 || len(on.Left) != len(on.Right) {
		return fmt.Errorf("parallel: join: need equally many left and right keys, have %d and %d", len(on.Left), len(on.Right))
	}
	s := &joinSides{how: how, on: on, jopts: jopts, probeRight: frame.OrdersByRight(how, jopts...)}
	psrc, bsrc := left, right
	s.pkeys, s.bkeys = on.Left, on.Right
	bside, pside := "right", "left"
	if s.probeRight {
		psrc, bsrc = right, left
		s.pkeys, s.bkeys = on.Right, on.Left
		bside, pside = "left", "right"
	}
	// the build side: its frame, its index (about its size again) and the
	// concatenation (briefly twice) must fit what is free
	threshold := e.free() / 4
	if opt.ForceSpill {
		threshold = 0
	}
	bb, err := e.buffer(ctx, bsrc, threshold, bside+" side: ")
	defer bb.stop()
	if err != nil {
		bb.release(e)
		return err
	}
	pb, err := e.buffer(ctx, psrc, 0, pside+" side: ")
	defer pb.stop()
	if err != nil {
		bb.release(e)
		pb.release(e)
		return err
	}
	if bb.schema == nil || pb.schema == nil {
		bb.release(e)
		pb.release(e)
		side := bside
		if pb.schema == nil {
			side = pside
		}
		return fmt.Errorf("parallel: join: empty input (no columns) on the %s", side)
	}
	// validate on empty frames before any work
	l0, r0 := pb.schema, bb.schema
	if s.probeRight {
		l0, r0 = r0, l0
	}
	if _, err := frame.JoinTake(l0, r0, how, on, []int32{}, []int32{}, jopts...); err != nil {
		bb.release(e)
		pb.release(e)
		return err
	}
	// broadcast when the whole build side is buffered and concatenating
	// it (briefly twice) fits what is free now; otherwise (other
	// operators of a shared budget hold the rest) the join spills
	if bb.done && !opt.ForceSpill && e.budget.TryAcquire(bb.size) {
		return e.broadcastJoin(ctx, s, bb, pb, l0, r0, emit)
	}
	return e.graceJoin(ctx, s, bb, pb, l0, r0, emit)
}

// broadcastJoin builds an index on the whole build side bb and streams the
// probe side pb through it.
// The caller has reserved bb.size more bytes for the concatenation. When
// the index does not fit what is free, it falls back to graceJoin.
func (e *exec) broadcastJoin(ctx context.Context, s *joinSides, bb, pb *buffered, l0, r0 *frame.Frame, emit func(*frame.Frame) error) error {
	build, err := bb.all()
	e.budget.Release(bb.size)
	held := bb.size
	bb.chunks = nil
	if err != nil {
		e.budget.Release(held)
		pb.release(e)
		return err
	}
	ix, err := frame.NewJoinIndex(build, s.bkeys...)
	if err == nil && !e.budget.TryAcquire(ix.Size()) {
		// no room for the index: spill both sides instead, the build
		// side as the one chunk it now is (still reserved)
		bb.chunks = []*frame.Frame{build}
		return e.graceJoin(ctx, s, bb, pb, l0, r0, emit)
	}
	if err == nil {
		held += ix.Size()
	}
	defer func() { e.budget.Release(held) }()
	if err != nil {
		pb.release(e)
		return err
	}
	e.progress("build", int64(build.NumRows()), held)
	var hit []atomic.Bool
	if s.keepBuild() {
		hit = make([]atomic.Bool, ix.NumKeys())
	}
	rowBytes := int64(16)
	if n := build.NumRows(); n > 0 {
		rowBytes += spill.SizeOf(build) / int64(n)
	}
	probe := func(ctx context.Context, c *frame.Frame, seq int, out func(*frame.Frame) error) error {
		ids, err := ix.Lookup(c, s.pkeys...)
		if err != nil {
			return err
		}
		e.progress("probe", int64(c.NumRows()), spill.SizeOf(c))
		if s.how == frame.Semi || s.how == frame.Anti {
			want := s.how == frame.Semi
			var keep []int32
			for k, id := range ids {
				if (id >= 0) == want {
					keep = append(keep, int32(k))
				}
			}
			if len(keep) == 0 && seq > 0 {
				return nil
			}
			if keep == nil {
				keep = []int32{}
			}
			f, err := s.take(c, build, keep, nil)
			if err != nil {
				return err
			}
			return out(f)
		}
		keepP := s.keepProbe()
		pi := make([]int32, 0, min(len(ids), joinSlice))
		bi := make([]int32, 0, min(len(ids), joinSlice))
		flush := func(force bool) error {
			if len(pi) == 0 && !force {
				return nil
			}
			f, err := s.take(c, build, pi, bi)
			if err != nil {
				return err
			}
			pi, bi = pi[:0], bi[:0]
			return out(f)
		}
		sent := false
		for k, id := range ids {
			if id < 0 {
				if keepP {
					pi, bi = append(pi, int32(k)), append(bi, -1)
				}
			} else {
				rows := ix.Rows(id)
				if hit != nil {
					hit[id].Store(true)
				}
				for _, r := range rows {
					pi, bi = append(pi, int32(k)), append(bi, r)
					if len(pi) >= joinSlice {
						if err := flush(false); err != nil {
							return err
						}
						sent = true
					}
				}
			}
			if len(pi) >= joinSlice {
				if err := flush(false); err != nil {
					return err
				}
				sent = true
			}
		}
		if len(pi) > 0 || (!sent && seq == 0) {
			return flush(true)
		}
		return nil
	}
	err = e.orderedMap(ctx, pb.chunks, pb.pending, pullOrNil(pb), probe, emit)
	pb.chunks, pb.size = nil, 0
	if err != nil {
		return err
	}
	e.done("probe")
	if hit == nil {
		return nil
	}
	// the unmatched build rows, in build order
	var bi []int32
	probe0 := pb.schema
	flush := func() error {
		pi := make([]int32, len(bi))
		for k := range pi {
			pi[k] = -1
		}
		f, err := s.take(probe0, build, pi, bi)
		if err != nil {
			return err
		}
		bi = bi[:0]
		return emit(f)
	}
	for r := range build.NumRows() {
		if id := ix.RowKey(r); id < 0 || !hit[id].Load() {
			bi = append(bi, int32(r))
			if len(bi) >= joinSlice {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if len(bi) > 0 {
		return flush()
	}
	return nil
}

// pullOrNil returns b's pull function, or nil when b holds all of its
// source.
func pullOrNil(b *buffered) func() (*frame.Frame, error, bool) {
	if b.done {
		return nil
	}
	return b.next
}

// graceJoin hash-partitions both sides into spill files and joins the
// partition pairs, merging their runs back into the join's order.
func (e *exec) graceJoin(ctx context.Context, s *joinSides, bb, pb *buffered, l0, r0 *frame.Frame, emit func(*frame.Frame) error) error {
	how, on, jopts := s.how, s.on, s.jopts
	np := e.fitNP(e.chooseParts(bb.size+pb.size, joinFactor))
	lb, rb := pb, bb
	if s.probeRight {
		lb, rb = bb, pb
	}
	lfiles, err := e.spillPartitions(ctx, lb, on.Left, np, lordCol, "left")
	if err != nil {
		rb.release(e)
		return err
	}
	rfiles, err := e.spillPartitions(ctx, rb, on.Right, np, rordCol, "right")
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
	maxCost := max(e.free()/int64(e.opt.workers()), 1)
	if parts, err = e.fitParts(ctx, parts, [][]string{on.Left, on.Right}, joinFactor, maxCost, 0); err != nil {
		return err
	}
	runs := make([]*spill.File, len(parts))
	var inflight atomic.Int64
	err = run(ctx, len(parts), e.opt, "join", label("partition"), func(ctx context.Context, p int) error {
		cost := joinFactor * parts[p].size()
		if err := e.reserve(ctx, cost, fmt.Sprintf("partition %d", p), inflight.Load); err != nil {
			return err
		}
		inflight.Add(1)
		defer func() {
			e.budget.Release(cost)
			inflight.Add(-1)
		}()
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
		var li, ri []int32
		if s.probeRight {
			ri, li, err = frame.JoinRows(r, l, how.Mirror(), on.Swap(), nil, nil)
		} else {
			li, ri, err = frame.JoinRows(l, r, how, on, nil, nil)
		}
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
		pk, bk := lk, rk
		if s.probeRight {
			pk, bk = rk, lk
		}
		less = func(a *frame.Frame, i int, b *frame.Frame, j int) int {
			if c := compareCells(a.ColumnAt(pk), i, b.ColumnAt(pk), j, false); c != 0 {
				return c
			}
			return compareCells(a.ColumnAt(bk), i, b.ColumnAt(bk), j, false)
		}
	}
	return e.mergeRuns(ctx, runs, less, drop, emit)
}
