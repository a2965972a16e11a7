package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicedata/sluice/frame"
)

// Items returns a stream of the items of a slice (for [MapStream]).
func Items[T any](items []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// MapStream calls fn(ctx, i, item) for every item of seq (chunks of a
// reader, files, partitions) on up to opt.Workers goroutines and yields
// the results: in input order, or with opt.Unordered as they finish. A
// worker takes the next item as soon as it is done with one, so one slow
// item never idles the others (W4). Items are handed out in batches sized
// from the measured time per item (about 100µs a batch), so tiny tasks
// cost little more than a loop. At most about 4 batches per worker are in
// flight: a slow early item holds back the ordered output, not memory.
//
// The first error — from seq, from fn (wrapped with its item: "parallel:
// map: item 17: …") or a panic in fn (a [*PanicError] with the stack) —
// cancels the ctx the other calls see and is yielded once, last. Breaking
// out of the loop cancels the remaining work; MapStream returns only after
// its goroutines have stopped. fn must be safe for concurrent use.
func MapStream[T, R any](ctx context.Context, seq iter.Seq2[T, error], fn func(ctx context.Context, i int, item T) (R, error), opt Options) iter.Seq2[R, error] {
	return mapStream(ctx, seq, fn, func(i int, _ T) string { return fmt.Sprintf("item %d", i) }, opt)
}

// MapFiles is [MapStream] over file paths; errors name the file
// ("parallel: map: file /data/x.csv: …").
func MapFiles[R any](ctx context.Context, paths []string, fn func(ctx context.Context, i int, path string) (R, error), opt Options) iter.Seq2[R, error] {
	return mapStream(ctx, Items(paths), fn, func(_ int, p string) string { return "file " + p }, opt)
}

// ForEach calls fn for every item of seq as [MapStream] does and returns
// the first error.
func ForEach[T any](ctx context.Context, seq iter.Seq2[T, error], fn func(ctx context.Context, i int, item T) error, opt Options) error {
	opt.Unordered = true
	for _, err := range MapStream(ctx, seq, func(ctx context.Context, i int, it T) (struct{}, error) {
		return struct{}{}, fn(ctx, i, it)
	}, opt) {
		if err != nil {
			return err
		}
	}
	return nil
}

type mapBatch[T any] struct {
	seq   int
	first int
	items []T
}

type mapResult[R any] struct {
	seq  int
	outs []R
	err  error
}

func mapStream[T, R any](ctx context.Context, seq iter.Seq2[T, error], fn func(ctx context.Context, i int, item T) (R, error), describe func(int, T) string, opt Options) iter.Seq2[R, error] {
	return func(yield func(R, error) bool) {
		var zero R
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		ctx, cancel := context.WithCancelCause(ctx)
		defer cancel(nil)
		workers := 1 + tryAcquire(opt.workers()-1)
		window := make(chan struct{}, 4*workers) // batches in flight
		jobs := make(chan mapBatch[T])
		results := make(chan mapResult[R])
		var nsPerItem atomic.Int64 // moving average
		var wg sync.WaitGroup
		srcErr := make(chan error, 1)
		// dispatcher: pulls seq, batches items
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(jobs)
			var b mapBatch[T]
			i, nb := 0, 0
			size := 1
			send := func() bool {
				if len(b.items) == 0 {
					return true
				}
				select {
				case window <- struct{}{}:
				case <-ctx.Done():
					return false
				}
				b.seq = nb
				select {
				case jobs <- b:
				case <-ctx.Done():
					return false
				}
				nb++
				b = mapBatch[T]{first: i}
				if ns := nsPerItem.Load(); ns > 0 {
					size = int(min(max(100_000/ns, 1), 1024))
				}
				return true
			}
			for it, err := range seq {
				if err != nil {
					srcErr <- err
					cancel(err)
					return
				}
				b.items = append(b.items, it)
				i++
				if len(b.items) >= size && !send() {
					return
				}
			}
			send()
		}()
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if w > 0 {
					defer release()
				}
				for b := range jobs {
					r := mapResult[R]{seq: b.seq, outs: make([]R, 0, len(b.items))}
					start := time.Now()
					for k, it := range b.items {
						i := b.first + k
						if err := ctx.Err(); err != nil {
							r.err = context.Cause(ctx)
							break
						}
						var out R
						err := protect(func() string { return "map: " + describe(i, it) }, func() error {
							var err error
							out, err = fn(ctx, i, it)
							return err
						})
						if err != nil {
							if _, ok := err.(*PanicError); !ok {
								err = fmt.Errorf("parallel: map: %s: %w", describe(i, it), err)
							}
							r.err = err
							cancel(err)
							break
						}
						r.outs = append(r.outs, out)
					}
					if n := len(b.items); n > 0 {
						ns := int64(time.Since(start)) / int64(n)
						old := nsPerItem.Load()
						nsPerItem.Store((old*3 + ns) / 4)
					}
					select {
					case results <- r:
					case <-ctx.Done():
						if r.err == nil {
							return
						}
						// the error must reach the consumer
						results <- r
						return
					}
				}
			}()
		}
		go func() { wg.Wait(); close(results) }()
		pending := map[int][]R{}
		next := 0
		var firstErr error
		stopped := false
		emit := func(outs []R) bool {
			<-window
			for _, o := range outs {
				if !yield(o, nil) {
					return false
				}
			}
			return true
		}
		for r := range results {
			if stopped {
				continue
			}
			if r.err != nil {
				if firstErr == nil {
					firstErr = r.err
				}
				stopped = true
				cancel(r.err)
				continue
			}
			if opt.Unordered {
				if !emit(r.outs) {
					stopped = true
					cancel(nil)
				}
				continue
			}
			pending[r.seq] = r.outs
			for {
				outs, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if !emit(outs) {
					stopped = true
					cancel(nil)
					break
				}
			}
		}
		select {
		case err := <-srcErr:
			if firstErr == nil || context.Cause(ctx) == err {
				firstErr = err
			}
		default:
		}
		if firstErr == nil && !stopped {
			if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			yield(zero, firstErr)
		}
	}
}

// Writer is a chunked sink that publishes its output on Close and discards
// it on Abort; writers.Writer satisfies it (this package does not import
// writers, so engine users do not compile its formats).
type Writer interface {
	Write(chunk *frame.Frame) error
	Close() error
	Abort() error
}

// ErrClosed is returned by a Sink used after Close or Abort.
var ErrClosed = errors.New("parallel: sink is closed")

// Write writes every chunk of src to w and closes it, returning the rows
// written; on any error (from src, w or a cancelled ctx) it aborts w, so
// nothing is left at w's output.
func Write(ctx context.Context, src Source, w Writer) (rows int64, err error) {
	for c, err := range src {
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = w.Write(c)
		}
		if err != nil {
			w.Abort()
			return rows, err
		}
		rows += int64(c.NumRows())
	}
	if err := ctx.Err(); err != nil {
		w.Abort()
		return rows, context.Cause(ctx)
	}
	return rows, w.Close()
}

// Sink accepts frames from many workers and writes them through one
// [Writer], one Write at a time: ordered (frames handed over with
// Put are written in the order of their sequence numbers 0, 1, 2, …,
// whatever order they arrive in) unless made with Options.Unordered
// (frames written as they arrive). The first error is kept and returned by
// every later call; call Abort on any error so nothing is left at the
// output path, and Close on success. All methods are safe for concurrent
// use.
type Sink struct {
	mu      sync.Mutex
	w       Writer
	ordered bool
	next    int
	pending map[int][]*frame.Frame
	rows    int64
	err     error
	done    bool
}

// NewSink returns a sink writing to w, ordered unless opt.Unordered.
func NewSink(w Writer, opt Options) *Sink {
	return &Sink{w: w, ordered: !opt.Unordered, pending: map[int][]*frame.Frame{}}
}

// Put hands over the result of task seq (each seq from 0 up exactly once;
// frames may be none). An ordered sink writes it once every earlier seq
// has been put, holding it until then; an unordered one writes it now.
func (s *Sink) Put(seq int, frames ...*frame.Frame) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	if s.done {
		return fmt.Errorf("parallel: sink: put after close: %w", ErrClosed)
	}
	if !s.ordered {
		return s.writeLocked(frames)
	}
	if seq < s.next || s.pending[seq] != nil {
		s.err = fmt.Errorf("parallel: sink: sequence %d put twice", seq)
		return s.err
	}
	if frames == nil {
		frames = []*frame.Frame{}
	}
	s.pending[seq] = frames
	for {
		fs, ok := s.pending[s.next]
		if !ok {
			return nil
		}
		delete(s.pending, s.next)
		s.next++
		if err := s.writeLocked(fs); err != nil {
			return err
		}
	}
}

// Write writes f now (for unordered use, and for a single producer).
func (s *Sink) Write(f *frame.Frame) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return s.writeLocked([]*frame.Frame{f})
}

func (s *Sink) writeLocked(fs []*frame.Frame) error {
	for _, f := range fs {
		if f == nil {
			continue
		}
		if err := s.w.Write(f); err != nil {
			s.err = fmt.Errorf("parallel: sink: %w", err)
			return s.err
		}
		s.rows += int64(f.NumRows())
	}
	return nil
}

// Rows returns the rows written so far.
func (s *Sink) Rows() int64 { s.mu.Lock(); defer s.mu.Unlock(); return s.rows }

// Close publishes the output. It fails (and aborts the writer) after an
// earlier error or if an ordered sink is still missing a sequence number.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	if s.err == nil && len(s.pending) > 0 {
		s.err = fmt.Errorf("parallel: sink: closed while waiting for sequence %d (%d later results held)", s.next, len(s.pending))
	}
	if s.err != nil {
		s.w.Abort()
		return s.err
	}
	if err := s.w.Close(); err != nil {
		s.err = err
		return err
	}
	return nil
}

// Abort discards the output: nothing is left at its path.
func (s *Sink) Abort() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.done = true
	s.pending = map[int][]*frame.Frame{}
	return s.w.Abort()
}
