package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// Source is a stream of frame chunks of one schema, as readers.Open yields
// them: the out-of-core operators pull chunks one at a time and never ask
// for the whole input at once.
type Source = iter.Seq2[*frame.Frame, error]

// Frames returns a Source yielding f in chunks of chunkRows rows (0: 65536)
// that share f's buffers; a frame of no rows is yielded once, so its
// schema reaches the consumer.
func Frames(f *frame.Frame, chunkRows int) Source {
	if chunkRows <= 0 {
		chunkRows = 1 << 16
	}
	return func(yield func(*frame.Frame, error) bool) {
		if f.NumRows() == 0 {
			yield(f, nil)
			return
		}
		for i := 0; i < f.NumRows(); i += chunkRows {
			if !yield(f.Slice(i, i+chunkRows), nil) {
				return
			}
		}
	}
}

// ErrBudget is wrapped by the errors of a reservation that can never fit
// the memory budget: a chunk, or a single key's group, bigger than
// Options.MemoryBudget allows.
var ErrBudget = spill.ErrBudget

// ordinal column names carried through spill files (the NUL keeps them
// from clashing with a user's columns).
const (
	ordCol  = "\x00ord"
	lordCol = "\x00lord"
	rordCol = "\x00rord"
)

// exec is the per-call state of an out-of-core operator: its budget, its
// lazily created spill directory and its progress reporting.
type exec struct {
	opt    Options
	budget *spill.Budget
	name   string

	dirMu sync.Mutex
	dir   *spill.Dir
	ctx   context.Context

	progMu sync.Mutex
	prog   map[string]*Progress
}

func newExec(ctx context.Context, name string, opt Options) *exec {
	return &exec{opt: opt, budget: spill.NewBudget(opt.MemoryBudget), name: name, ctx: ctx, prog: map[string]*Progress{}}
}

// limit is the budget, or a large number when unlimited.
func (e *exec) limit() int64 {
	if l := e.budget.Limit(); l > 0 {
		return l
	}
	return 1 << 62
}

// sizing is the budget used to choose run and partition sizes: the budget,
// or 256 MiB when unlimited (only reached with ForceSpill).
func (e *exec) sizing() int64 {
	if l := e.budget.Limit(); l > 0 {
		return l
	}
	return 256 << 20
}

// acquire reserves n bytes, naming what for in the error.
func (e *exec) acquire(ctx context.Context, n int64, what string) error {
	if err := e.budget.Acquire(ctx, n); err != nil {
		if errors.Is(err, spill.ErrBudget) {
			return fmt.Errorf("parallel: %s: %s needs %d bytes, the memory budget is %d: %w", e.name, what, n, e.budget.Limit(), spill.ErrBudget)
		}
		return err
	}
	return nil
}

// reserveNow reserves n bytes without waiting, for phases that run on one
// goroutine (nothing else would release): a reservation that does not fit
// now fails with ErrBudget.
func (e *exec) reserveNow(n int64, what string) error {
	if e.budget.TryAcquire(n) {
		return nil
	}
	return fmt.Errorf("parallel: %s: %s needs %d bytes, %d of the %d-byte memory budget are in use: %w",
		e.name, what, n, e.budget.Used(), e.budget.Limit(), spill.ErrBudget)
}

// spillDir returns the run's spill directory, creating it on first use.
func (e *exec) spillDir() (*spill.Dir, error) {
	e.dirMu.Lock()
	defer e.dirMu.Unlock()
	if e.dir == nil {
		d, err := spill.NewDir(e.ctx, e.opt.SpillDir)
		if err != nil {
			return nil, fmt.Errorf("parallel: %s: %w", e.name, err)
		}
		e.dir = d
	}
	return e.dir, nil
}

// closeHook, if set (by tests), sees every call's budget at its end.
var closeHook func(name string, used, peak, limit int64)

// finish ends an operator call whose result is *err: it removes the spill
// directory (an error doing so becomes the result when there was none),
// and once the call's context is done it makes the result report the
// cancellation. (A cancelled context removes the spill directory under the
// workers, so their first error may be a vanished file, not the cause.)
func (e *exec) finish(err *error) {
	cerr := e.close()
	if *err == nil {
		*err = cerr
		return
	}
	if c := context.Cause(e.ctx); c != nil && !errors.Is(*err, c) {
		*err = fmt.Errorf("parallel: %s: %w (and then: %v)", e.name, c, *err)
	}
}

// close removes the spill directory (if any) and reports the accounting.
func (e *exec) close() error {
	e.dirMu.Lock()
	defer e.dirMu.Unlock()
	if closeHook != nil {
		closeHook(e.name, e.budget.Used(), e.budget.Peak(), e.budget.Limit())
	}
	if e.dir != nil {
		if err := e.dir.Remove(); err != nil {
			return fmt.Errorf("parallel: %s: removing spill files: %w", e.name, err)
		}
	}
	return nil
}

// progress adds rows and bytes to a phase and reports it.
func (e *exec) progress(phase string, rows, bytes int64) {
	if e.opt.Progress == nil {
		return
	}
	e.progMu.Lock()
	defer e.progMu.Unlock()
	p := e.prog[phase]
	if p == nil {
		p = &Progress{Phase: phase}
		e.prog[phase] = p
	}
	p.Rows += rows
	p.Bytes += bytes
	e.opt.Progress(*p)
}

// done reports the end of a phase.
func (e *exec) done(phase string) {
	if e.opt.Progress == nil {
		return
	}
	e.progMu.Lock()
	defer e.progMu.Unlock()
	p := e.prog[phase]
	if p == nil {
		p = &Progress{Phase: phase}
	}
	q := *p
	q.Done = true
	e.opt.Progress(q)
}

// emitChunks hands f to emit in slices of about 64K rows (one call for an
// empty frame, so the schema reaches the sink).
func emitChunks(ctx context.Context, f *frame.Frame, emit func(*frame.Frame) error) error {
	const rows = 1 << 16
	for i := 0; i < f.NumRows() || i == 0; i += rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(f.Slice(i, i+rows)); err != nil {
			return err
		}
		if f.NumRows() == 0 {
			break
		}
	}
	return nil
}

// collect returns an emit function appending to a list and a function
// concatenating the list.
func collect() (func(*frame.Frame) error, func() (*frame.Frame, error)) {
	var parts []*frame.Frame
	return func(f *frame.Frame) error {
			parts = append(parts, f)
			return nil
		}, func() (*frame.Frame, error) {
			if len(parts) == 0 {
				return frame.Empty(), nil
			}
			return frame.Concat(parts...)
		}
}

// withOrd returns f with an Int64 column name holding base, base+1, ….
func withOrd(f *frame.Frame, name string, base int64) (*frame.Frame, error) {
	v := make([]int64, f.NumRows())
	for i := range v {
		v[i] = base + int64(i)
	}
	return f.WithColumn(frame.AdoptInt64s(name, frame.Int64, v, nil, 0))
}

// sortByOrd returns f ordered by its Int64 column name (f itself when it
// already is).
func sortByOrd(f *frame.Frame, name string) (*frame.Frame, error) {
	c, err := f.Column(name)
	if err != nil {
		return nil, err
	}
	v := c.Int64s()
	sorted := true
	for i := 1; i < len(v); i++ {
		if v[i] < v[i-1] {
			sorted = false
			break
		}
	}
	if sorted {
		return f, nil
	}
	return f.Sort(frame.Asc(name))
}
