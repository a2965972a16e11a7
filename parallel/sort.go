package parallel

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// sortScratch is frame.Sort's scratch per row (permutation, radix keys).
const sortScratch = 40

// Sort is an external [frame.Frame.Sort] of a stream of chunks within the
// memory budget: the same rows in the same order (stable, nulls last
// whatever the direction).
//
// An input that fits an eighth of the free budget is sorted in memory.
// Otherwise consecutive runs of about an eighth of the budget are sorted by
// frame.Sort — the next run is read while the last is sorted, on another
// goroutine — and spilled in small chunks; the runs are then k-way merged
// with a heap (ties go to the earlier run, which keeps the sort stable),
// in several passes if one chunk of every run would not fit half the
// budget.
func Sort(ctx context.Context, src Source, keys []frame.SortKey, opt Options) Source {
	return stream(func(emit func(*frame.Frame) error) error {
		return sortTo(ctx, src, keys, emit, opt)
	})
}

func sortTo(ctx context.Context, src Source, keys []frame.SortKey, emit func(*frame.Frame) error, opt Options) (err error) {
	e := newExec(ctx, "sort", opt)
	defer e.finish(&err)
	if len(keys) == 0 {
		return fmt.Errorf("parallel: sort: no keys")
	}
	runBytes := e.free() / 8
	threshold := runBytes
	if opt.ForceSpill {
		threshold = 0
		runBytes = max(min(runBytes, e.sizing()/8), 1)
	}
	b, err := e.buffer(ctx, src, threshold, "")
	defer b.stop()
	if err != nil {
		b.release(e)
		return err
	}
	var idx []int
	var desc []bool
	if c := b.schema; c != nil {
		for _, k := range keys {
			i, err := colIndex(c, k.Name)
			if err != nil {
				b.release(e)
				_, err = c.Column(k.Name)
				return fmt.Errorf("parallel: sort: %w", err)
			}
			idx = append(idx, i)
			desc = append(desc, k.Desc)
		}
	}
	extra := b.size + b.rows*sortScratch
	if b.done && (!opt.ForceSpill || b.rows == 0) && e.budget.TryAcquire(extra) {
		all, err := b.all()
		var s *frame.Frame
		if err == nil && all.NumCols() > 0 {
			s, err = all.Sort(keys...)
		} else if err == nil {
			s = all
		}
		e.budget.Release(extra)
		b.release(e)
		if err != nil {
			return err
		}
		return emitChunks(ctx, s, emit)
	}

	// run formation: this goroutine reads; one sorter goroutine sorts
	// and spills the previous run. The sorter reserves its working space
	// before the reader may reserve anything more, so the two never wait
	// for each other.
	type job struct {
		chunks []*frame.Frame
		held   int64
		n      int
	}
	jobs := make(chan job)
	acks := make(chan error)
	var runs []*spill.File
	sortErr := make(chan error, 1)
	// busy is 1 while the sorter holds a run: the reader may then wait for
	// budget, which the sorter will release
	var busy atomic.Int64
	go func() {
		var ferr error
		for j := range jobs {
			if ferr != nil {
				e.budget.Release(j.held)
				busy.Add(-1)
				acks <- ferr
				continue
			}
			rows := 0
			for _, c := range j.chunks {
				rows += c.NumRows()
			}
			extra := 2*j.held + int64(rows)*sortScratch // concatenation, sorted copy, scratch
			if ferr = e.reserveNow(extra, fmt.Sprintf("sorting run %d", j.n)); ferr != nil {
				e.budget.Release(j.held)
				busy.Add(-1)
				acks <- ferr
				continue
			}
			acks <- nil
			ferr = e.sortRun(j.chunks, j.held, extra, keys, &runs, j.n)
			busy.Add(-1)
		}
		sortErr <- ferr
	}()
	readErr := func() error {
		cur, held := b.chunks, b.size
		b.chunks, b.size = nil, 0
		n := 0
		send := func() error {
			if len(cur) == 0 {
				return nil
			}
			busy.Add(1)
			select {
			case jobs <- job{cur, held, n}:
			case <-ctx.Done():
				e.budget.Release(held)
				busy.Add(-1)
				return context.Cause(ctx)
			}
			cur, held = nil, 0
			n++
			return <-acks
		}
		if held >= runBytes || b.pending != nil {
			if err := send(); err != nil {
				return err
			}
		}
		// queue holds chunks pulled and not yet reserved: the pending
		// head, or the pieces of a chunk bigger than half a run
		var queue []*frame.Frame
		if b.pending != nil {
			queue = append(queue, b.pending)
			b.pending = nil
		}
		if !b.done || len(queue) > 0 {
			for {
				var c *frame.Frame
				if len(queue) > 0 {
					c, queue = queue[0], queue[1:]
				} else if b.done {
					break
				} else {
					var err error
					var ok bool
					c, err, ok = b.next()
					if !ok {
						break
					}
					if err == nil {
						err = ctx.Err()
					}
					if err != nil {
						e.budget.Release(held)
						return err
					}
				}
				s := spill.SizeOf(c)
				if lim, rows := max(runBytes/2, 16<<10), c.NumRows(); s > lim && rows > 1 {
					// a run must hold more than one chunk: cut it
					step := max(1, int(int64(rows)*(lim/2)/s))
					var pieces []*frame.Frame
					for i := 0; i < rows; i += step {
						pieces = append(pieces, c.Slice(i, i+step))
					}
					queue = append(pieces, queue...)
					continue
				}
				if err := e.reserve(ctx, s, fmt.Sprintf("run %d chunk", n), busy.Load); err != nil {
					e.budget.Release(held)
					return err
				}
				e.progress("read", int64(c.NumRows()), s)
				cur = append(cur, c)
				held += s
				if held >= runBytes {
					if err := send(); err != nil {
						return err
					}
				}
			}
		}
		return send()
	}()
	close(jobs)
	serr := <-sortErr
	if readErr == nil {
		readErr = serr
	}
	if readErr != nil {
		for _, r := range runs {
			r.Remove()
		}
		return readErr
	}
	e.done("sort runs")
	return e.mergeRuns(ctx, runs, keyCmp(idx, desc), nil, emit)
}

// sortRun sorts one run's chunks and spills them; held and extra bytes
// are released.
func (e *exec) sortRun(chunks []*frame.Frame, held, extra int64, keys []frame.SortKey, runs *[]*spill.File, n int) error {
	defer e.budget.Release(held + extra)
	all, err := frame.Concat(chunks...)
	if err != nil {
		return fmt.Errorf("parallel: sort: run %d: %w", n, err)
	}
	clear(chunks)
	s, err := all.Sort(keys...)
	if err != nil {
		return fmt.Errorf("parallel: sort: %w", err)
	}
	all = nil
	r, err := e.writeRun(s, "run", e.runChunkBytes())
	if err != nil {
		return err
	}
	*runs = append(*runs, r)
	e.progress("sort runs", int64(s.NumRows()), held)
	return nil
}

// Distinct keeps the first row of each distinct combination of cols (all
// columns when none are named), in input order, within the memory budget:
// [frame.Frame.Distinct] of the whole stream. Out of core it
// hash-partitions the rows (tagged with their ordinals) by cols, keeps each
// partition's first occurrences, and merges the partitions' survivors by
// ordinal.
func Distinct(ctx context.Context, src Source, cols []string, opt Options) Source {
	return stream(func(emit func(*frame.Frame) error) error {
		return distinctTo(ctx, src, cols, emit, opt)
	})
}

func distinctTo(ctx context.Context, src Source, cols []string, emit func(*frame.Frame) error, opt Options) (err error) {
	e := newExec(ctx, "distinct", opt)
	defer e.finish(&err)
	b, err := e.bufferGrouped(ctx, src, opt)
	defer b.stop()
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		cols = b.names
	}
	if b.schema != nil {
		if _, err := b.schema.Distinct(cols...); err != nil {
			b.release(e)
			return err
		}
	}
	extra := b.size
	if b.done && (!opt.ForceSpill || b.rows == 0) && e.budget.TryAcquire(extra) {
		all, err := b.all()
		var d *frame.Frame
		if err == nil {
			d, err = all.Distinct(cols...)
		}
		e.budget.Release(extra)
		b.release(e)
		if err != nil {
			return err
		}
		return emitChunks(ctx, d, emit)
	}
	parts, err := e.keyPartitions(ctx, b, cols, "distinct")
	if err != nil {
		return err
	}
	runs, err := e.partitionRuns(ctx, parts, opt, func(ctx context.Context, f *frame.Frame) (*spill.File, error) {
		d, err := f.Distinct(cols...)
		if err != nil {
			return nil, err
		}
		return e.writeRun(d, "distinct", e.runChunkBytes())
	})
	if err != nil {
		return err
	}
	k := len(b.names) // withOrd appends the ordinal last
	return e.mergeRuns(ctx, runs, ordCmp(k), []string{ordCol}, emit)
}
