package parallel

import (
	"context"
	"fmt"
	"iter"
	"sync"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// MapChunks applies fn to every chunk of src on every core and yields the
// results in input order (a chunk-wise select, rename or derived column).
// At most two chunks per worker are in flight. fn must be safe
// for concurrent use; an error or panic in fn names the chunk and stops
// the stream.
func MapChunks(ctx context.Context, src Source, fn func(ctx context.Context, c *frame.Frame) (*frame.Frame, error), opt Options) Source {
	return mapChunks(ctx, "map", src, func(ctx context.Context, c *frame.Frame, seq int, out func(*frame.Frame) error) error {
		r, err := fn(ctx, c)
		if err != nil {
			return err
		}
		return out(r)
	}, opt)
}

// Filter keeps the rows of src where pred is true (null counts as false),
// on every core, in input order. Chunks left empty are dropped, but the
// first chunk always goes on (with no rows, if none passed), so the schema
// reaches the consumer.
func Filter(ctx context.Context, src Source, pred frame.Expr, opt Options) Source {
	return mapChunks(ctx, "filter", src, func(ctx context.Context, c *frame.Frame, seq int, out func(*frame.Frame) error) error {
		r, err := c.Filter(pred)
		if err != nil {
			return err
		}
		if r.NumRows() == 0 && seq > 0 {
			return nil
		}
		return out(r)
	}, opt)
}

func mapChunks(ctx context.Context, name string, src Source, fn chunkFn, opt Options) Source {
	return stream(func(emit func(*frame.Frame) error) (err error) {
		e := newExec(ctx, name, opt)
		defer e.finish(&err)
		next, stop := iter.Pull2(src)
		defer stop()
		return e.orderedMap(ctx, nil, nil, next, fn, emit)
	})
}

// Spool holds a stream so that it can be read more than once (a pipeline
// step that several others read): the stream is drained on first read,
// its chunks kept in memory while the budget has room (up to a quarter of
// what is free) and written to a spill file after that. Close releases the
// memory and removes the file.
type Spool struct {
	ctx  context.Context
	src  Source
	e    *exec
	once sync.Once
	err  error
	mem  []*frame.Frame
	held int64
	file *spill.File
	rows int64
}

// NewSpool returns a spool over src; nothing is read until the first
// Source is ranged over.
func NewSpool(ctx context.Context, src Source, opt Options) *Spool {
	return &Spool{ctx: ctx, src: src, e: newExec(ctx, "spool", opt)}
}

// fill drains the source once.
func (s *Spool) fill() error {
	s.once.Do(func() {
		e := s.e
		capBytes := e.free() / 4
		if e.opt.ForceSpill {
			capBytes = 0
		}
		var w *spill.Writer
		for c, err := range s.src {
			if err == nil {
				err = s.ctx.Err()
			}
			if err != nil {
				s.err = err
				break
			}
			s.rows += int64(c.NumRows())
			size := spill.SizeOf(c)
			// in memory only within a quarter of what was free: a spool
			// holds its chunks until Close, and a first chunk as big as
			// the budget would starve every operator after it
			if w == nil && s.held+size <= capBytes && e.budget.TryAcquire(size) {
				s.mem = append(s.mem, c)
				s.held += size
				continue
			}
			if w == nil {
				d, err := e.spillDir()
				if err == nil {
					w, err = d.Create("spool")
				}
				if err != nil {
					s.err = err
					break
				}
			}
			if err := w.Write(c); err != nil {
				s.err = err
				break
			}
			e.progress("spool", int64(c.NumRows()), size)
		}
		if w != nil {
			if s.err != nil {
				w.Abort()
			} else {
				s.file, s.err = w.Close()
			}
		}
		if s.err != nil {
			s.err = fmt.Errorf("parallel: spool: %w", s.err)
		}
	})
	return s.err
}

// Rows returns the rows spooled (after the first read).
func (s *Spool) Rows() int64 { return s.rows }

// Source returns a reader of the whole stream. It may be ranged over any
// number of times, concurrently, until Close.
func (s *Spool) Source() Source {
	return func(yield func(*frame.Frame, error) bool) {
		if err := s.fill(); err != nil {
			yield(nil, err)
			return
		}
		for _, c := range s.mem {
			if !yield(c, nil) {
				return
			}
		}
		if s.file == nil {
			return
		}
		for c, err := range s.file.Chunks(s.ctx) {
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

// Close releases the spooled chunks and removes the spill file.
func (s *Spool) Close() error {
	s.once.Do(func() {}) // a spool never read is never filled
	s.e.budget.Release(s.held)
	s.held = 0
	s.mem = nil
	var err error
	s.e.finish(&err)
	return err
}
