package parallel

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// chunkFn processes one chunk, handing its output frames to out (in order;
// out blocks while the consumer is behind and fails once it stopped).
type chunkFn func(ctx context.Context, c *frame.Frame, seq int, out func(*frame.Frame) error) error

// orderedJob is one chunk in flight through orderedMap.
type orderedJob struct {
	seq  int
	c    *frame.Frame
	outs chan *frame.Frame // closed by the worker when done
	err  error             // set before outs is closed
}

// orderedMap runs fn over chunks — first the held ones (reserved in the
// budget by buffer: their reservation is released as they are handed
// out), then pending, then the rest of next — on the call's workers, and
// hands the outputs to emit in chunk order, from the calling goroutine.
//
// The chunks in flight are not reserved in the budget: a streaming
// operator holds at most twice as many chunks as workers, and a worker's
// outputs wait in a channel of two, so a chunk whose outputs are many (a
// join with a large fan-out) streams them instead of holding them all.
// That is a small constant per worker — part of the budget's stated
// overhead, like the reader's own chunks in flight — and it must be: a
// stream is paused whenever its consumer is busy, and a reservation held
// while paused would make an operator downstream wait for memory only its
// own progress could free.
func (e *exec) orderedMap(ctx context.Context, held []*frame.Frame, pending *frame.Frame,
	next func() (*frame.Frame, error, bool), fn chunkFn, emit func(*frame.Frame) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := 1 + tryAcquire(e.opt.workers()-1)
	defer func() {
		for range workers - 1 {
			release()
		}
	}()
	jobs := make(chan *orderedJob)
	order := make(chan *orderedJob, 2*workers)
	var inflight atomic.Int64
	var srcErr error
	var wg sync.WaitGroup

	// dispatcher: pulls chunks, reserves their cost, hands them out in order
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		seq := 0
		send := func(c *frame.Frame, held int64) bool {
			e.budget.Release(held)
			inflight.Add(1)
			j := &orderedJob{seq: seq, c: c, outs: make(chan *frame.Frame, 2)}
			seq++
			select {
			case order <- j:
			case <-ctx.Done():
				inflight.Add(-1)
				return false
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				// the emitter sees the job without output and its error
				j.err = context.Cause(ctx)
				close(j.outs)
				return false
			}
			return true
		}
		for i, c := range held {
			held[i] = nil
			if !send(c, spill.SizeOf(c)) {
				for _, c := range held[i+1:] {
					e.budget.Release(spill.SizeOf(c))
				}
				return
			}
		}
		if pending != nil {
			if !send(pending, 0) {
				return
			}
		}
		if next == nil {
			return
		}
		for {
			c, err, ok := next()
			if !ok {
				return
			}
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				srcErr = err
				cancel(err)
				return
			}
			e.progress("read", int64(c.NumRows()), spill.SizeOf(c))
			if !send(c, 0) {
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				out := func(f *frame.Frame) error {
					select {
					case j.outs <- f:
						return nil
					case <-ctx.Done():
						return context.Cause(ctx)
					}
				}
				err := protect(func() string { return fmt.Sprintf("%s: chunk %d", e.name, j.seq) },
					func() error { return fn(ctx, j.c, j.seq, out) })
				j.c = nil
				if err != nil {
					if _, ok := err.(*PanicError); !ok && ctx.Err() == nil {
						err = fmt.Errorf("parallel: %s: chunk %d: %w", e.name, j.seq, err)
					}
					j.err = err
					cancel(err)
				}
				close(j.outs)
			}
		}()
	}
	// emitter: this goroutine, in chunk order
	var first error
	for j := range order {
		for f := range j.outs {
			if first != nil {
				continue
			}
			if err := emit(f); err != nil {
				first = err
				cancel(err)
			}
		}
		if j.err != nil && first == nil {
			first = j.err
		}
		inflight.Add(-1)
	}
	wg.Wait()
	if first == nil {
		first = srcErr
	}
	if first == nil {
		first = ctx.Err()
		if first != nil {
			first = context.Cause(ctx)
		}
	}
	return first
}
