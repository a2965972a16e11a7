// Package parallel is sluice's engine: it runs the serial kernels of package
// frame on every core.
//
// # Worker budget
//
// All functions of this package share one process-wide budget of workers,
// runtime.GOMAXPROCS(0) as read at the first call. A call runs its tasks on
// the calling goroutine, which always counts as one worker, plus as many
// helper goroutines as it can get tokens for, up to Options.Workers-1; the
// process holds GOMAXPROCS-1 tokens. Tokens are only ever taken without
// waiting (a try-acquire), so a nested call — a task that itself calls Map,
// Join or GroupBy — gets helpers if some are idle and otherwise runs its
// work inline on the goroutine that is already running it. Nothing ever
// blocks waiting for a token, so nesting cannot deadlock, and however deep
// the nesting one top-level call keeps at most GOMAXPROCS goroutines busy.
// (Concurrent top-level calls from different goroutines each add their own
// calling goroutine.)
//
// # Errors and panics
//
// Tasks run under golang.org/x/sync/errgroup: the first error cancels the
// context the other tasks see, and is the one returned, wrapped with the
// task it came from ("parallel: join: partition 3: …"). A panic inside a
// task is recovered by one wrapper and returned as a [*PanicError] that
// carries the panic value, the task and the goroutine's stack.
//
// # Determinism
//
// Results are placed by index, never appended under a lock, and the
// relational operators restore the order of the serial kernels: Join,
// GroupBy and Map return the same result, row for row and bit for bit, for
// any Workers and Partitions.
//
// # Operators and streams
//
// Every relational operator is one function from streams to a stream:
// [Join], [GroupBy], [Sort], [Distinct], [Filter], [MapChunks], [Limit]
// take their input as a [Source] — the chunk stream readers.Open yields,
// or another operator's output — and return a Source, so a pipeline is
// operators nested in each other and nothing is materialised between them.
// [Frames] turns a frame into a Source and [Collect] a Source into a frame;
// [Write] drains a Source into a writer; a [Spool] lets several consumers
// read one stream.
//
// # Out of core
//
// The operators stay within the memory budget (Options.MemoryBudget, or a
// [Budget] shared by all operators of a run). Input that fits what is
// free (a third for group-by, distinct and group-apply, a quarter for a
// join's build side, an eighth for sort) is processed in memory;
// otherwise it is spilled to a run-specific directory under
// Options.SpillDir: hash partitions by key for group-by, join, distinct and
// group-apply (each row tagged with its ordinal, so the results come back
// in the in-memory order), sorted runs for sort, which are then k-way
// merged. Every result equals the in-memory one, row for row. The spill
// directory is removed when the stream ends, whatever happened, and as soon
// as ctx is cancelled.
//
// No operator waits for memory that only another operator could release:
// a reservation either fits now, or waits for a task of the same call that
// is in flight (and will release), or the operator spills, splits its
// partition, or fails at once with an error wrapping [ErrBudget] that names
// the operator, what it needed and the budget.
//
// # Memory
//
// The budget counts what the engine holds: input chunks it has taken from
// the source, partitions read back, runs being sorted, merge cursors' chunks
// and output chunks being built, as the bytes of their values (8 a number,
// 8 per string offset plus the string bytes, validity bitmaps), times a
// working-space factor where a kernel needs more (4 for joins, 3 for
// group-by and distinct: ids, hash tables, gathered values; 2 plus 40 bytes
// a row for sorting a run), plus 32 KiB per open spill file buffer. Memory
// is reserved before it is materialised, by every goroutine of the call
// against one budget, so concurrent partitions wait rather than exceed it.
// Not counted — the constant overhead — are the Go runtime, the reader's
// own buffers (its chunks in flight before the engine takes them) and the
// writer's; measured with the CLI on the OES data this was about 50–65 MiB
// (see bench/ooc). A single group or join key larger than the budget fails
// with an error wrapping [ErrBudget] that names the key and its size.
//
// # Smallest budgets
//
// What an operator needs at the least is measured by TestBudgetMatrix
// (budget_matrix_test.go), which runs every operator at budgets of 256 KiB
// to 256 MiB on four input shapes — 20,000 rows with 4,000 keys
// ("uniform"), the same with one key holding half the rows ("skewed"),
// 1,500 × 1,200 rows on 12 keys, each key matching about a hundred rows
// ("fanout"), and 1,500 rows of 1–3 KB strings ("wide") — and checks that
// each run gives the in-memory result or fails at once with ErrBudget,
// never hangs. The smallest budget that succeeded:
//
//	operator                       uniform  skewed   fanout   wide
//	Filter, MapChunks, Spool, Sort 256 KiB  256 KiB  256 KiB  256 KiB
//	GroupBy, Distinct, GroupApply  256 KiB  2 MiB    256 KiB  256 KiB
//	Join (right side built)        256 KiB  2 MiB    256 KiB  512 KiB
//	Join (OrderByRight, not semi
//	  or anti)                     256 KiB  4 MiB    512 KiB  512 KiB
//	Write (of a GroupBy)           256 KiB  2 MiB    256 KiB  256 KiB
//	Filter→Join→GroupBy→Sort on
//	  one shared Budget            512 KiB  128 MiB  4 MiB    512 KiB
//
// (The chain's skewed join makes one 33 MB group.)
//
// In general: the streaming operators (Filter, MapChunks, Spool, Write)
// and Sort need a few rows (chunks too big for what is free are cut); the
// key-grouped operators need their largest group three times over
// (GroupBy, Distinct, GroupApply: the skewed key above is 540 KB), and
// Join its largest key's rows on both sides four times over, plus 32 KiB
// per spill partition file (at least two). Below that they fail with an
// error wrapping ErrBudget that names the key.
// Under 256 KiB nothing is promised.
//
// # Crashes and full disks
//
// A spill directory is named sluice-spill-<pid>-<random> and holds a lock
// file its process keeps locked while it runs. A process killed outright
// cannot remove its directory; the first operator of the next run to spill
// under the same SpillDir removes every such directory whose lock no live
// process holds, and SweepSpill does the same on demand. A spill that
// fills the disk fails with a [NoSpaceError], "no space left on DIR (spill
// needed ~X)", after its directory is removed.
package parallel

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Options tunes a parallel call. The zero value means defaults.
type Options struct {
	// Workers is the most goroutines the call may keep busy, the caller's
	// included; 0 means runtime.GOMAXPROCS(0). The process-wide budget
	// (see the package documentation) may grant fewer.
	Workers int
	// Partitions is the number of hash partitions of an in-memory group-by
	// (0 chooses from the input size and Workers) and of the spill
	// partitions of the out-of-core operators (0: chosen from the budget).
	// Results do not depend on it.
	Partitions int

	// MemoryBudget is the most bytes an operator (Join, GroupBy, Sort,
	// Distinct, Filter, MapChunks, GroupApply) holds at once: the
	// frames they keep, plus their hash tables and sort buffers, estimated
	// from Frame.Size (see the package documentation, "Memory"). 0 means
	// unlimited: nothing is spilled unless ForceSpill is set.
	MemoryBudget int64
	// Budget, if set, is a memory budget shared with other calls — the
	// operators of one pipeline run — and MemoryBudget is ignored: see
	// [Budget].
	Budget *Budget
	// SpillDir is where the run-specific spill directory is created; ""
	// means os.TempDir().
	SpillDir string
	// ForceSpill makes the out-of-core operators take the spilling path even
	// when the input fits the budget (a debugging and testing switch, like
	// DuckDB's): results are the same.
	ForceSpill bool
	// Unordered lets MapStream, MapFiles and the Sink hand results on as
	// they finish instead of in input order.
	Unordered bool
	// Progress, if set, is called from the operators' goroutines (one call
	// at a time) as rows go through each phase, and once with Done at the
	// end of a phase.
	Progress func(Progress)
}

// Progress reports how a phase of work advances: an operator's ("join:
// probe", "group by: spill group", "sort: merge") or a read's ("read oes").
type Progress struct {
	Phase string
	// Rows and Bytes are the rows and bytes handled in the phase so far:
	// for an operator the rows and their in-memory size, for a read of an
	// uncompressed file the rows and the input bytes parsed.
	Rows, Bytes int64
	// Total, if not 0, is the Bytes the phase will reach (a read's file
	// size), so a display can show a percentage and an ETA.
	Total int64
	// Done is set on the phase's last report.
	Done bool
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

var (
	tokensOnce sync.Once
	tokens     chan struct{}
)

// tryAcquire takes up to n helper tokens without waiting and returns how
// many it got.
func tryAcquire(n int) int {
	tokensOnce.Do(func() {
		k := max(runtime.GOMAXPROCS(0)-1, 0)
		tokens = make(chan struct{}, k)
		for range k {
			tokens <- struct{}{}
		}
	})
	got := 0
	for got < n {
		select {
		case <-tokens:
			got++
		default:
			return got
		}
	}
	return got
}

func release() { tokens <- struct{}{} }

// PanicError is the error a panicking task turns into.
type PanicError struct {
	Task  string // what panicked, e.g. "join: partition 3" or "map: item 17"
	Value any    // the value passed to panic
	Stack []byte // the panicking goroutine's stack (runtime/debug.Stack)
}

// Error reports the task, the panic value and the stack.
func (e *PanicError) Error() string {
	return fmt.Sprintf("parallel: panic in %s: %v\n%s", e.Task, e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is sees
// through a panic(err).
func (e *PanicError) Unwrap() error {
	if err, ok := e.Value.(error); ok {
		return err
	}
	return nil
}

// protect runs fn, turning a panic into a *PanicError naming the task.
func protect(task func() string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Task: task(), Value: r, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// run calls fn(ctx, i) for i in [0, n) on up to opt.workers() goroutines
// (see the package documentation). Errors are labelled "parallel: name:
// describe(i): …". The first error cancels the others and is returned.
// describe is called on the goroutine that ran task i, after it failed.
func run(ctx context.Context, n int, opt Options, name string, describe func(i int) string, fn func(ctx context.Context, i int) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	work := func() error {
		for gctx.Err() == nil {
			i := int(next.Add(1) - 1)
			if i >= n {
				return nil
			}
			err := protect(func() string { return name + ": " + describe(i) },
				func() error { return fn(gctx, i) })
			if err != nil {
				if _, ok := err.(*PanicError); ok {
					return err
				}
				return fmt.Errorf("parallel: %s: %s: %w", name, describe(i), err)
			}
		}
		return context.Cause(gctx)
	}
	helpers := tryAcquire(min(opt.workers(), n) - 1)
	for range helpers {
		g.Go(func() error {
			defer release()
			return work()
		})
	}
	if err := work(); err != nil {
		g.Go(func() error { return err })
	}
	return g.Wait()
}

// label returns a describe function for run: "unit i".
func label(unit string) func(int) string {
	return func(i int) string { return fmt.Sprintf("%s %d", unit, i) }
}

// Map calls fn(ctx, i, items[i]) for every item on up to opt.Workers
// goroutines and returns the results in the order of items, whatever the
// scheduling. Items are handed out in batches, so tiny tasks cost little
// more than a loop. The first error (or panic, as a [*PanicError]) cancels
// ctx for the remaining calls; Map then returns nil and that error, wrapped
// with the item's index ("parallel: map: item 17: …"). fn must be safe for
// concurrent use.
func Map[T, R any](ctx context.Context, items []T, fn func(ctx context.Context, i int, item T) (R, error), opt Options) ([]R, error) {
	out := make([]R, len(items))
	n := len(items)
	batch := max(1, n/(opt.workers()*8))
	nb := (n + batch - 1) / batch
	cur := make([]int, nb) // item being run by each batch, for error labels
	describe := func(b int) string { return fmt.Sprintf("item %d", cur[b]) }
	err := run(ctx, nb, opt, "map", describe, func(ctx context.Context, b int) error {
		for i := b * batch; i < min(n, (b+1)*batch); i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			cur[b] = i
			r, err := fn(ctx, i, items[i])
			if err != nil {
				return err
			}
			out[i] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
