package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// Options control a run. The zero value uses all cores, resolves relative
// paths against the spec file's directory and writes outputs where the spec
// says.
type Options struct {
	// DataDir, if set, is the directory relative input and output paths are
	// resolved against (instead of the spec file's directory).
	DataDir string
	// Out, if set, replaces the path of the plan's only output.
	Out string
	// Workers bounds the goroutines processing chunks; 0 means GOMAXPROCS.
	Workers int
	// MemoryBudget, if non-zero, bounds the bytes the out-of-core operators
	// hold: a group-by or join that reads a big input directly streams it
	// through parallel.GroupByStream / JoinStream, spilling hash partitions
	// to SpillDir when the input does not fit. Frames between steps (small
	// after pushdown and semi-join reduction in W1-like plans) are held in
	// memory and are not counted.
	MemoryBudget int64
	// SpillDir is where spill files go ("" = the OS temp directory); they
	// are removed when the run ends, whatever the outcome.
	SpillDir string
	// ForceSpill makes the out-of-core operators spill even when their
	// input fits the budget (a testing switch; results are the same).
	ForceSpill bool
	// Progress, if set, is called as work advances (from one goroutine at a
	// time).
	Progress func(Progress)
}

// Progress reports a run's advance.
type Progress struct {
	Phase string // e.g. "read oes", "join matched", "write features.csv"
	Rows  int64  // rows read or produced in this phase so far
	// Bytes and Total are the input bytes parsed so far and the input's
	// size, for reads of uncompressed CSV files (0 otherwise), so a display
	// can show MB/s and an ETA.
	Bytes, Total int64
	Done         bool // the phase finished
}

// inputSize returns the total size of uncompressed CSV inputs (0 when a
// file is compressed or not CSV: then bytes parsed do not map to file size).
// bigInput is the input size (bytes) above which a read first returns
// freed memory to the OS.
const bigInput = 64 << 20

func inputSize(paths []string) int64 {
	var total int64
	for _, p := range paths {
		switch strings.ToLower(filepath.Ext(p)) {
		case ".gz", ".zst", ".zstd", ".xlsx":
			return 0
		}
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		total += st.Size()
	}
	return total
}

// Result describes a finished run.
type Result struct {
	Outputs []OutputResult
	Steps   []StepResult
	Elapsed time.Duration
}

// OutputResult is one written output.
type OutputResult struct {
	Path string
	Rows int64
}

// StepResult is one evaluated input or step.
type StepResult struct {
	Name    string
	Rows    int
	Elapsed time.Duration // the step's own time, its sources excluded
	Note    string        // pushdowns applied
}

// Run validates the plan, executes it and writes its outputs. Outputs appear
// atomically: on error or cancellation nothing is left at their paths.
func Run(ctx context.Context, p *Plan, opt Options) (*Result, error) {
	start := time.Now()
	a, err := analyze(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	x := &executor{a: a, opt: opt, memo: map[string]*frame.Frame{}, left: map[string]int{}}
	for name, n := range a.nodes {
		x.left[name] = n.consumers
	}
	res := &Result{}
	outs := p.Outputs
	if opt.Out != "" && len(outs) != 1 {
		return nil, p.errf(0, ErrPlan, "--out replaces one output, but the plan has %d", len(outs))
	}
	for _, o := range outs {
		f, err := x.eval(ctx, o.From)
		if err != nil {
			return nil, err
		}
		path := a.resolve(o.Path)
		if opt.Out != "" {
			path = opt.Out
		}
		n, err := x.write(ctx, f, path)
		if err != nil {
			return nil, err
		}
		x.release(o.From)
		res.Outputs = append(res.Outputs, OutputResult{Path: path, Rows: n})
	}
	res.Steps = x.steps
	res.Elapsed = time.Since(start)
	return res, nil
}

type executor struct {
	a     *analysis
	opt   Options
	memo  map[string]*frame.Frame
	left  map[string]int // consumers not yet served
	steps []StepResult
	// nested is the time spent evaluating the sources of the frame being
	// evaluated, so StepResult.Elapsed is a step's own time.
	nested time.Duration
}

func (x *executor) progress(p Progress) {
	if x.opt.Progress != nil {
		x.opt.Progress(p)
	}
}

// release drops a frame once its last consumer has used it.
func (x *executor) release(name string) {
	x.left[name]--
	if x.left[name] <= 0 {
		delete(x.memo, name)
	}
}

func (x *executor) eval(ctx context.Context, name string) (*frame.Frame, error) {
	if f, ok := x.memo[name]; ok {
		return f, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := x.a.nodes[name]
	start := time.Now()
	outer := x.nested
	x.nested = 0
	var f *frame.Frame
	var err error
	note := ""
	if n.input != nil {
		f, note, err = x.readInput(ctx, n)
	} else {
		f, err = x.runStep(ctx, n)
	}
	if err != nil {
		return nil, err
	}
	x.memo[name] = f
	total := time.Since(start)
	x.steps = append(x.steps, StepResult{Name: name, Rows: f.NumRows(), Elapsed: total - x.nested, Note: note})
	x.nested = outer + total
	if n.input == nil { // inputs report their own phase, in rows read
		x.progress(Progress{Phase: name, Rows: int64(f.NumRows()), Done: true})
	}
	return f, nil
}

func (x *executor) runStep(ctx context.Context, n *node) (_ *frame.Frame, err error) {
	s, p := n.step, x.a.plan
	defer func() {
		if r := recover(); r != nil {
			err = p.errf(s.Line, fmt.Errorf("panic: %v\n%s", r, debug.Stack()), "step %q", s.Name)
		}
	}()
	wrap := func(field string, err error) error {
		return p.errf(s.lineOf(field), err, "step %q", s.Name)
	}
	var f *frame.Frame
	grouped := false
	if s.Join != nil && (x.streamable(s.Join.Left) || x.streamable(s.Join.Right)) &&
		x.a.nodes[s.Join.Left].semiBy == "" && x.a.nodes[s.Join.Right].semiBy == "" {
		j := s.Join
		l, err := x.source(ctx, j.Left)
		if err != nil {
			return nil, err
		}
		r, err := x.source(ctx, j.Right)
		if err != nil {
			return nil, err
		}
		f, err = parallel.JoinStream(ctx, l, r, j.How, frame.JoinOn{Left: j.LeftOn, Right: j.RightOn}, x.popt())
		if err != nil {
			return nil, wrap("join", err)
		}
		x.release(j.Left)
		x.release(j.Right)
	} else if s.From != "" && len(s.GroupBy) > 0 && x.streamable(s.From) {
		// a group-by straight off a big input: stream it through the
		// out-of-core aggregation (its filter, if any, runs on each chunk)
		src, err := x.source(ctx, s.From)
		if err != nil {
			return nil, err
		}
		if f, err = parallel.GroupByStream(ctx, src, s.GroupBy, n.aggs, x.popt()); err != nil {
			return nil, wrap("agg", err)
		}
		x.release(s.From)
		grouped = true
	} else if s.Join != nil {
		j := s.Join
		l, err := x.eval(ctx, j.Left)
		if err != nil {
			return nil, err
		}
		r, err := x.eval(ctx, j.Right)
		if err != nil {
			return nil, err
		}
		f, err = parallel.Join(ctx, l, r, j.How, frame.JoinOn{Left: j.LeftOn, Right: j.RightOn}, x.popt())
		if err != nil {
			return nil, wrap("join", err)
		}
		x.release(j.Left)
		x.release(j.Right)
	} else {
		src, err := x.eval(ctx, s.From)
		if err != nil {
			return nil, err
		}
		f = src
		x.release(s.From)
	}
	if s.Filter != "" && !(s.From != "" && x.a.nodes[s.From].pushFilter) && !grouped {
		if f, err = f.Filter(n.filter); err != nil {
			return nil, wrap("filter", err)
		}
	}
	if len(s.GroupBy) > 0 && !grouped {
		if f, err = parallel.GroupBy(ctx, f, s.GroupBy, n.aggs, x.popt()); err != nil {
			return nil, wrap("agg", err)
		}
	}
	if len(s.Select) > 0 {
		if f, err = f.Select(s.Select...); err != nil {
			return nil, wrap("select", err)
		}
	}
	if s.DistinctAll || len(s.Distinct) > 0 {
		if f, err = f.Distinct(s.Distinct...); err != nil {
			return nil, wrap("distinct", err)
		}
	}
	if len(s.Sort) > 0 {
		if f, err = f.Sort(s.Sort...); err != nil {
			return nil, wrap("sort", err)
		}
	}
	return f, nil
}

// source returns a named frame as a chunk stream: an input not yet read is
// streamed from its files (projection and pushed-down filter applied per
// chunk); anything else is evaluated and handed over whole.
func (x *executor) source(ctx context.Context, name string) (parallel.Source, error) {
	n := x.a.nodes[name]
	if !x.streamable(name) {
		f, err := x.eval(ctx, name)
		if err != nil {
			return nil, err
		}
		// hand it over in chunks, so the operators can account and spill
		// it piece by piece
		var parts []*frame.Frame
		for i := 0; i < f.NumRows() || i == 0; i += 8192 {
			parts = append(parts, f.Slice(i, i+8192))
			if f.NumRows() == 0 {
				break
			}
		}
		return parallel.Items(parts), nil
	}
	paths, err := x.a.inputPaths(n.input)
	if err != nil {
		return nil, x.a.plan.errf(n.input.Line, err, "input %q", n.name)
	}
	opt := n.input.Options
	opt.Columns = n.readCols
	total := inputSize(paths)
	seq, stats := readers.FilesStats(ctx, paths, opt)
	if len(paths) == 1 {
		seq, stats = readers.OpenStats(ctx, paths[0], opt)
	}
	var filter *frame.Expr
	if n.pushFilter {
		e := x.a.nodes[n.pushedBy].filter
		filter = &e
	}
	phase := "read " + n.name
	var rows int64
	line := n.input.Line
	return func(yield func(*frame.Frame, error) bool) {
		for c, err := range seq {
			if err != nil {
				yield(nil, x.a.plan.errf(line, err, "input %q", n.name))
				return
			}
			rows += int64(c.NumRows())
			x.progress(Progress{Phase: phase, Rows: rows, Bytes: stats.Bytes, Total: total})
			if filter != nil {
				if c, err = c.Filter(*filter); err != nil {
					yield(nil, x.a.plan.errf(line, err, "input %q", n.name))
					return
				}
			}
			if !yield(c, nil) {
				return
			}
		}
		x.progress(Progress{Phase: phase, Rows: rows, Bytes: total, Total: total, Done: true})
	}, nil
}

// readInput reads an input with its projection, and its pushed-down filter
// or semi-join reduction applied to each chunk as it streams in.
func (x *executor) readInput(ctx context.Context, n *node) (*frame.Frame, string, error) {
	in, p := n.input, x.a.plan
	paths, err := x.a.inputPaths(in)
	if err != nil {
		return nil, "", p.errf(in.Line, err, "input %q", in.Name)
	}
	opt := in.Options
	opt.Columns = n.readCols
	total := inputSize(paths)
	var chunkFn func(*frame.Frame) (*frame.Frame, error)
	note := fmt.Sprintf("read %d of %d columns", len(n.readCols), n.fileCols)
	switch {
	case n.pushFilter:
		e := x.a.nodes[n.pushedBy].filter
		chunkFn = func(c *frame.Frame) (*frame.Frame, error) { return c.Filter(e) }
		note += "; filter pushed down: " + e.String()
	case n.semiBy != "":
		other, err := x.eval(ctx, n.semiOther)
		if err != nil {
			return nil, "", err
		}
		// only the key columns of the other side matter, once each
		keys, err := other.Select(n.semiOn.Right...)
		if err == nil {
			keys, err = keys.Distinct()
		}
		if err != nil {
			return nil, "", p.errf(in.Line, err, "input %q", in.Name)
		}
		// the reader tests each record's key as soon as its key fields are
		// parsed (String keys) and skips the rest of a record that does not
		// match, so the other columns of the dropped rows are never converted
		opt.Keep = &readers.KeyFilter{Columns: n.semiOn.Left, Keys: keys}
		note += fmt.Sprintf("; semi-join reduced by %d keys of %s", keys.NumRows(), n.semiOther)
	}
	if total > bigInput {
		// the steps before this read (joins, distinct) leave garbage the
		// collector may not have returned yet; return it now, so that the
		// peak RSS is the larger of the two phases, not their sum (W1 at M
		// peaked at 263-272 MiB in some runs without this, ~200 MiB with)
		debug.FreeOSMemory()
	}
	seq, stats := readers.FilesStats(ctx, paths, opt)
	if len(paths) == 1 {
		seq, stats = readers.OpenStats(ctx, paths[0], opt)
	}
	phase := "read " + in.Name
	var rows int64
	f, err := collect(ctx, seq, x.workers(), chunkFn, func(c *frame.Frame) {
		rows += int64(c.NumRows())
		x.progress(Progress{Phase: phase, Rows: rows, Bytes: stats.Bytes, Total: total})
	})
	if err != nil {
		return nil, "", p.errf(in.Line, err, "input %q", in.Name)
	}
	x.progress(Progress{Phase: phase, Rows: rows, Bytes: total, Total: total, Done: true})
	if f.NumCols() == 0 { // no data rows at all: an empty frame of the schema
		var cols []*frame.Column
		for _, name := range n.readCols {
			c := n.out[n.out.index(name)]
			cols = append(cols, frame.NewBuilder(c.typ, 0).Build(c.name))
		}
		if f, err = frame.New(cols...); err != nil {
			return nil, "", p.errf(in.Line, err, "input %q", in.Name)
		}
	}
	return f, note, nil
}

func (x *executor) popt() parallel.Options {
	return parallel.Options{Workers: x.opt.Workers, MemoryBudget: x.opt.MemoryBudget, SpillDir: x.opt.SpillDir,
		ForceSpill: x.opt.ForceSpill}
}

// streamable reports whether the input node can be streamed into the step
// that is its only consumer instead of being materialised.
func (x *executor) streamable(name string) bool {
	n := x.a.nodes[name]
	_, done := x.memo[name]
	return x.opt.MemoryBudget > 0 && n.input != nil && n.consumers == 1 && n.semiBy == "" && !done
}

func (x *executor) workers() int {
	if x.opt.Workers > 0 {
		return x.opt.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// collect drains a chunk stream, applying fn (if any) to the chunks on up to
// workers goroutines, and concatenates the results in input order. seen is
// called (on the caller's goroutine) for every raw chunk.
func collect(ctx context.Context, seq func(func(*frame.Frame, error) bool), workers int,
	fn func(*frame.Frame) (*frame.Frame, error), seen func(*frame.Frame)) (*frame.Frame, error) {
	if fn == nil {
		var parts []*frame.Frame
		for c, err := range seq {
			if err != nil {
				return nil, err
			}
			seen(c)
			parts = append(parts, c)
		}
		return frame.Concat(parts...)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu      sync.Mutex
		results []*frame.Frame
		wg      sync.WaitGroup
		sem     = make(chan struct{}, workers)
	)
	setErr := func(err error) { cancel(err) }
	i := 0
	for c, err := range seq {
		if err != nil {
			setErr(err)
			break
		}
		if ctx.Err() != nil {
			break
		}
		seen(c)
		mu.Lock()
		results = append(results, nil)
		mu.Unlock()
		idx := i
		i++
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					setErr(fmt.Errorf("chunk %d: panic: %v\n%s", idx, r, debug.Stack()))
				}
			}()
			out, err := fn(c)
			if err != nil {
				setErr(fmt.Errorf("chunk %d: %w", idx, err))
				return
			}
			mu.Lock()
			results[idx] = out
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return frame.Concat(results...)
}

// write streams f to path in chunks through an atomic writer.
func (x *executor) write(ctx context.Context, f *frame.Frame, path string) (int64, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return 0, fmt.Errorf("pipeline: output %s: %w", path, err)
		}
	}
	w, err := writers.Create(path, writers.Options{})
	if err != nil {
		return 0, err
	}
	const chunk = 1 << 16
	phase := "write " + filepath.Base(path)
	for i := 0; i < f.NumRows() || i == 0; i += chunk {
		if err := ctx.Err(); err != nil {
			w.Abort()
			return 0, err
		}
		if err := w.Write(f.Slice(i, i+chunk)); err != nil {
			w.Abort()
			return 0, err
		}
		x.progress(Progress{Phase: phase, Rows: int64(min(i+chunk, f.NumRows()))})
		if f.NumRows() == 0 {
			break
		}
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	x.progress(Progress{Phase: phase, Rows: int64(f.NumRows()), Done: true})
	return int64(f.NumRows()), nil
}
