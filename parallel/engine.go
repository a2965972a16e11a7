package parallel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/spill"
)

// Source is a stream of frame chunks of one schema, as readers.Open yields
// them and as every operator of this package yields its result. A Source is
// lazy: nothing happens until it is ranged over, and breaking out of the
// loop stops the work behind it (and removes its spill files). A Source
// yields an error at most once, last.
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

// Collect drains src and concatenates its chunks into one frame (what the
// operators of this package would hold in memory at the end of a stream).
// An empty stream gives an empty frame with the schema of its first chunk,
// or no columns at all when it yielded none.
func Collect(src Source) (*frame.Frame, error) {
	var parts []*frame.Frame
	for c, err := range src {
		if err != nil {
			return nil, err
		}
		parts = append(parts, c)
	}
	switch len(parts) {
	case 0:
		return frame.Empty(), nil
	case 1:
		return parts[0], nil
	}
	return frame.Concat(parts...)
}

// Limit passes on the first n rows of src (all of them when n < 0) and then
// stops src, so the work behind it ends early (a `head` over a huge file
// reads a few chunks). At least one chunk is yielded, so the schema reaches
// the consumer.
func Limit(src Source, n int64) Source {
	return func(yield func(*frame.Frame, error) bool) {
		if n < 0 {
			for c, err := range src {
				if !yield(c, err) || err != nil {
					return
				}
			}
			return
		}
		left := n
		sent := false
		for c, err := range src {
			if err != nil {
				yield(nil, err)
				return
			}
			if int64(c.NumRows()) > left {
				c = c.Slice(0, int(left))
			}
			if c.NumRows() > 0 || !sent {
				sent = true
				left -= int64(c.NumRows())
				if !yield(c, nil) {
					return
				}
			}
			if left <= 0 {
				return
			}
		}
	}
}

// ErrBudget is wrapped by the errors of a reservation that can never fit
// the memory budget: a chunk, or a single key's group, bigger than
// Options.MemoryBudget allows.
var ErrBudget = spill.ErrBudget

// Budget is a memory budget shared by the operators of one run (a
// pipeline's every step, say), so that together — intermediates included —
// they hold at most its limit: give the same *Budget in the Options of
// every call. Operators reserve before they materialise, never wait for
// memory another operator holds, and spill (or fail with [ErrBudget]) when
// a reservation does not fit. A Budget is safe for concurrent use.
type Budget struct{ b *spill.Budget }

// NewBudget returns a budget of limit bytes (0: unlimited, but still
// counting Used and Peak).
func NewBudget(limit int64) *Budget { return &Budget{spill.NewBudget(limit)} }

// Limit returns the budget's limit in bytes (0: unlimited).
func (b *Budget) Limit() int64 { return b.b.Limit() }

// Used returns the bytes reserved now.
func (b *Budget) Used() int64 { return b.b.Used() }

// Peak returns the most bytes ever reserved at once.
func (b *Budget) Peak() int64 { return b.b.Peak() }

// budget returns the spill budget a call reserves from: the shared one, or
// a new one of MemoryBudget bytes.
func (o Options) budget() *spill.Budget {
	if o.Budget != nil {
		return o.Budget.b
	}
	return spill.NewBudget(o.MemoryBudget)
}

// errStop is returned by an emit function whose consumer stopped early.
var errStop = errors.New("parallel: consumer stopped")

// stream turns an operator that hands its result to emit (one call at a
// time) into a Source.
func stream(op func(emit func(*frame.Frame) error) error) Source {
	return func(yield func(*frame.Frame, error) bool) {
		err := op(func(f *frame.Frame) error {
			if !yield(f, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(nil, err)
		}
	}
}

// ordinal column names carried through spill files (the NUL keeps them
// from clashing with a user's columns).
const (
	ordCol  = "\x00ord"
	lordCol = "\x00lord"
	rordCol = "\x00rord"
)

// exec is the per-call state of an operator: its budget, its lazily
// created spill directory and its progress reporting.
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
	return &exec{opt: opt, budget: opt.budget(), name: name, ctx: ctx, prog: map[string]*Progress{}}
}

// limit is the budget, or a large number when unlimited.
func (e *exec) limit() int64 {
	if l := e.budget.Limit(); l > 0 {
		return l
	}
	return 1 << 62
}

// free is the part of the budget not reserved now.
func (e *exec) free() int64 { return max(e.limit()-e.budget.Used(), 0) }

// sizing is the budget used to choose run and partition sizes: the budget,
// or 256 MiB when unlimited (only reached with ForceSpill).
func (e *exec) sizing() int64 {
	if l := e.budget.Limit(); l > 0 {
		return l
	}
	return 256 << 20
}

// acquire reserves n bytes, waiting while other goroutines of this call
// hold budget they will give back. Only call it when something in flight
// is guaranteed to release; otherwise use reserveNow.
func (e *exec) acquire(ctx context.Context, n int64, what string) error {
	if err := e.budget.Acquire(ctx, n); err != nil {
		if errors.Is(err, spill.ErrBudget) {
			return fmt.Errorf("parallel: %s: %s needs %d bytes, the memory budget is %d: %w", e.name, what, n, e.budget.Limit(), spill.ErrBudget)
		}
		return err
	}
	return nil
}

// reserveNow reserves n bytes without waiting: a reservation that does not
// fit now fails with ErrBudget.
func (e *exec) reserveNow(n int64, what string) error {
	if e.budget.TryAcquire(n) {
		return nil
	}
	return fmt.Errorf("parallel: %s: %s needs %d bytes, %d of the %d-byte memory budget are in use: %w",
		e.name, what, n, e.budget.Used(), e.budget.Limit(), spill.ErrBudget)
}

// reserve reserves n bytes for a job of a pool of goroutines: it waits
// only while inflight() > 0 — another job of the pool will release — and
// otherwise fails at once with ErrBudget. Jobs must release their bytes
// before they stop counting in inflight, so that inflight() == 0 means
// every release has happened and one more try is definitive.
func (e *exec) reserve(ctx context.Context, n int64, what string, inflight func() int64) error {
	if n > e.limit() {
		return e.acquire(ctx, n, what) // fails at once: can never fit
	}
	for {
		if e.budget.TryAcquire(n) {
			return nil
		}
		if inflight() == 0 {
			return e.reserveNow(n, what)
		}
		if err := e.budget.WaitRelease(ctx, 20*time.Millisecond); err != nil {
			return err
		}
	}
}

// spillDir returns the call's spill directory, creating it on first use.
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

// closeHook, if set (by tests), sees every call's budget at its end (used
// is 0 for a shared budget, which other calls' reservations are part of).
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
	if errors.Is(*err, errStop) {
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
		used := e.budget.Used()
		if e.opt.Budget != nil {
			used = 0 // a shared budget also holds other calls' bytes
		}
		closeHook(e.name, used, e.budget.Peak(), e.budget.Limit())
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
		p = &Progress{Phase: e.name + ": " + phase}
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
		p = &Progress{Phase: e.name + ": " + phase}
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

// withOrd returns f with an Int64 column name holding base, base+1, ….
func withOrd(f *frame.Frame, name string, base int64) (*frame.Frame, error) {
	v := make([]int64, f.NumRows())
	for i := range v {
		v[i] = base + int64(i)
	}
	return withInts(f, name, v)
}

// withInts returns f with an Int64 column name over vals (not copied).
func withInts(f *frame.Frame, name string, vals []int64) (*frame.Frame, error) {
	c, err := frame.NewInt64(name, vals, nil)
	if err != nil {
		return nil, err
	}
	return f.WithColumn(c)
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

// NoSpaceError is the error (wrapped in the operator's) of a spill that
// ran out of disk space: its message is one line naming the directory and
// about how much the spill needed, "no space left on /tmp (spill needed
// ~1.2 GiB); …". The spill directory is removed before the error is
// returned. Find it with errors.As; errors.Is(err, syscall.ENOSPC) holds
// too.
type NoSpaceError = spill.NoSpaceError

// SweepSpill removes the spill directories under dir ("" means
// os.TempDir(), the default Options.SpillDir) that processes killed before
// they could clean up left behind, and returns their paths. Directories of
// runs still going — in this process or another — are left alone. Every
// operator's first spill under a directory sweeps it once per process
// anyway; SweepSpill is for a `clean` command.
func SweepSpill(dir string) ([]string, error) { return spill.Sweep(dir) }
