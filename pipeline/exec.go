package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/parallel/fuzzy"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// Options control a run. The zero value uses all cores and no memory
// budget, resolves relative paths against the spec file's directory and
// writes outputs where the plan says.
type Options struct {
	// Options are the engine settings (workers, memory budget, spill
	// directory, progress). With a MemoryBudget every operator of the run
	// — intermediates between steps included — shares one budget of that
	// many bytes (see parallel.Budget).
	parallel.Options
	// DataDir, if set, is the directory relative input and output paths are
	// resolved against (instead of the spec file's directory).
	DataDir string
	// Out, if set, replaces the path of the plan's only output ("-" for
	// Stdout); OutFormat, if set, its format.
	Out       string
	OutFormat string
	// Writer configures the outputs (delimiter, header, boolean spelling,
	// Parquet timestamp unit); its Format is set per output.
	Writer writers.Options
	// Stdin is read by inputs whose path is "-" (default os.Stdin); Stdout
	// receives outputs whose path is "-" (default os.Stdout).
	Stdin  io.Reader
	Stdout io.Writer
	// Checkpoints, if set, is a run directory (created if missing) where
	// each step's result is checkpointed as it streams, and where a step
	// whose checkpoint matches its definition, everything upstream of it
	// and its input files' sizes and modification times is read back
	// instead of computed: a run that died is resumed by running it again
	// with the same directory. See [RunDir] for the usual place. On
	// success the checkpoints and the directory are removed unless
	// KeepCheckpoints is set. Two runs cannot share a directory at once.
	Checkpoints string
	// KeepCheckpoints keeps the checkpoints after a successful run (for a
	// later run of a changed plan to reuse what did not change).
	KeepCheckpoints bool
}

// Result describes a finished run.
type Result struct {
	Outputs []OutputResult
	Steps   []StepResult
	Elapsed time.Duration
	// Budget is the run's memory budget (nil without one); its Peak is
	// the most the operators held at once.
	Budget *parallel.Budget
}

// OutputResult is one written output.
type OutputResult struct {
	Path string
	Rows int64
}

// StepResult is one evaluated input or step.
type StepResult struct {
	Name string
	Rows int64
	// Elapsed is the time from the first chunk asked of the frame to its
	// last (steps stream into each other, so these overlap).
	Elapsed time.Duration
	Note    string // pushdowns and strategies applied
	// Reused is set when the step was read from its checkpoint
	// (Options.Checkpoints) instead of computed.
	Reused bool
}

// Run validates the plan, executes it and writes its outputs. Outputs appear
// atomically: on error or cancellation nothing is left at their paths.
func Run(ctx context.Context, p *Plan, opt Options) (*Result, error) {
	start := time.Now()
	a, err := analyze(ctx, p, opt)
	if a != nil {
		defer a.cleanup()
	}
	if err != nil {
		return nil, err
	}
	outs := p.Outputs
	if opt.Out != "" && len(outs) != 1 {
		return nil, p.errf(0, ErrPlan, "an output path given for a plan with %d outputs", len(outs))
	}
	x := newExecutor(ctx, a, opt)
	defer x.close()
	if err := x.openCheckpoints(); err != nil {
		return nil, p.errf(0, err, "resume")
	}
	// every output place is checked before any work starts
	type target struct {
		from, path, format string
	}
	var targets []target
	for _, o := range outs {
		t := target{o.From, a.resolve(o.Path), o.Format}
		if opt.Out != "" {
			t.path = opt.Out
		}
		if opt.OutFormat != "" {
			t.format = opt.OutFormat
		}
		if err := a.checkOutput(t.path, t.format); err != nil {
			return nil, p.errf(o.Line, err, "output %s", t.path)
		}
		targets = append(targets, t)
	}
	res := &Result{Budget: x.popt.Budget}
	for _, t := range targets {
		n, err := x.write(ctx, t.from, t.path, t.format)
		if err != nil {
			return nil, err
		}
		res.Outputs = append(res.Outputs, OutputResult{Path: t.path, Rows: n})
	}
	res.Steps = x.results()
	x.finish()
	res.Elapsed = time.Since(start)
	return res, nil
}

// Collect runs the plan up to the frame named from (an input or a step;
// "" for the source of the plan's only output) and returns that frame in
// memory instead of writing outputs. Everything before it runs as in
// [Run], under the same budget; only the result itself is held whole.
func Collect(ctx context.Context, p *Plan, from string, opt Options) (*frame.Frame, *Result, error) {
	start := time.Now()
	if from == "" {
		if len(p.Outputs) != 1 {
			return nil, nil, p.errf(0, ErrPlan, "collect: name the frame to collect (the plan has %d outputs)", len(p.Outputs))
		}
		from = p.Outputs[0].From
	}
	// the collected frame stands in for the outputs
	q := *p
	q.Outputs = []Output{{From: from}}
	p = &q
	a, err := analyze(ctx, p, opt)
	if a != nil {
		defer a.cleanup()
	}
	if err != nil {
		return nil, nil, err
	}
	x := newExecutor(ctx, a, opt)
	defer x.close()
	if err := x.openCheckpoints(); err != nil {
		return nil, nil, p.errf(0, err, "resume")
	}
	f, err := parallel.Collect(x.source(from))
	if err != nil {
		return nil, nil, err
	}
	res := &Result{Budget: x.popt.Budget, Steps: x.results()}
	x.finish()
	res.Elapsed = time.Since(start)
	return f, res, nil
}

// checkOutput fails early on an output that cannot be written: an unknown
// format, a path that is one of the inputs, a missing or read-only
// directory.
func (a *analysis) checkOutput(path, format string) error {
	if path == "-" {
		if format == "" {
			format = "csv"
		}
		if !knownFormat(format) {
			return fmt.Errorf("unknown format %q: %w", format, writers.ErrFormat)
		}
		return nil
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
		if format == "" {
			return fmt.Errorf("cannot tell the output format from a name without extension: name it .%s or give the format (--format): %w", strings.ReplaceAll(formatNames(), ", ", ", ."), writers.ErrFormat)
		}
	}
	if !knownFormat(format) {
		return fmt.Errorf("unknown output format %q (have %s): %w", format, formatNames(), writers.ErrFormat)
	}
	same := func(p string) bool {
		si, err1 := os.Stat(p)
		so, err2 := os.Stat(path)
		return err1 == nil && err2 == nil && os.SameFile(si, so)
	}
	for _, n := range a.nodes {
		for _, p := range n.paths {
			if same(p) {
				return fmt.Errorf("the output is also input %q: write it elsewhere", n.name)
			}
		}
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, unwrapPathError(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".sluice-check-*")
	if err != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, unwrapPathError(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

func knownFormat(name string) bool {
	for _, f := range writers.Formats() {
		if strings.EqualFold(f.Name, name) {
			return true
		}
		for _, e := range f.Exts {
			if strings.EqualFold(strings.TrimPrefix(e, "."), name) {
				return true
			}
		}
	}
	return false
}

func formatNames() string {
	var names []string
	for _, f := range writers.Formats() {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// executor builds the run's streams: one Source per node, nested into
// each other; a node read more than once is spooled.
type executor struct {
	ctx  context.Context
	a    *analysis
	opt  Options
	popt parallel.Options

	mu     sync.Mutex
	spools map[string]*parallel.Spool
	stats  map[string]*nodeStats
	ckpt   *checkpoints // nil without Options.Checkpoints
}

type nodeStats struct {
	rows        atomic.Int64
	first, last atomic.Int64 // unix nanoseconds
	note        string
	reused      atomic.Bool  // read from its checkpoint
	ckptErr     atomic.Value // string: why no checkpoint was written
}

func newExecutor(ctx context.Context, a *analysis, opt Options) *executor {
	popt := opt.Options
	if popt.Budget == nil && popt.MemoryBudget > 0 {
		popt.Budget = parallel.NewBudget(popt.MemoryBudget)
	}
	x := &executor{ctx: ctx, a: a, opt: opt, popt: popt, spools: map[string]*parallel.Spool{}, stats: map[string]*nodeStats{}}
	for name := range a.nodes {
		x.stats[name] = &nodeStats{}
	}
	return x
}

// close releases the spools and the checkpoint directory (keeping the
// checkpoints: only finish, on success, removes them).
func (x *executor) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, s := range x.spools {
		s.Close()
	}
	x.spools = nil
	x.ckpt.close(false)
}

// openCheckpoints opens Options.Checkpoints, if set.
func (x *executor) openCheckpoints() error {
	if x.opt.Checkpoints == "" {
		return nil
	}
	c, err := x.a.openCheckpoints(x.opt.Checkpoints)
	x.ckpt = c
	return err
}

// finish ends a successful run: its checkpoints are removed unless
// Options.KeepCheckpoints.
func (x *executor) finish() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ckpt.close(!x.opt.KeepCheckpoints)
}

// results lists the nodes' rows and times, in plan order.
func (x *executor) results() []StepResult {
	var out []StepResult
	for _, n := range x.a.order {
		st := x.stats[n.name]
		r := StepResult{Name: n.name, Rows: st.rows.Load(), Note: x.note(n), Reused: st.reused.Load()}
		if f, l := st.first.Load(), st.last.Load(); f > 0 && l >= f {
			r.Elapsed = time.Duration(l - f)
		}
		out = append(out, r)
	}
	return out
}

func (x *executor) progress(p parallel.Progress) {
	if x.opt.Progress != nil {
		x.opt.Progress(p)
	}
}

// source returns the stream of a node: spooled if it is read more than
// once, otherwise built afresh (each node is then read exactly once).
func (x *executor) source(name string) parallel.Source {
	n := x.a.nodes[name]
	if !n.spooled() {
		return x.counted(n, x.checkpointed(n, func() parallel.Source { return x.build(n) }))
	}
	x.mu.Lock()
	sp := x.spools[name]
	x.mu.Unlock()
	if sp != nil {
		return sp.Source()
	}
	// Build outside the lock: building a step asks for its inputs'
	// sources, which may be spooled too.
	built := parallel.NewSpool(x.ctx, x.counted(n, x.checkpointed(n, func() parallel.Source { return x.build(n) })), x.popt)
	x.mu.Lock()
	if sp = x.spools[name]; sp == nil {
		sp = built
		x.spools[name] = sp
	}
	x.mu.Unlock()
	if sp != built {
		built.Close()
	}
	return sp.Source()
}

// counted wraps a node's stream to count its rows and time it.
func (x *executor) counted(n *node, src parallel.Source) parallel.Source {
	st := x.stats[n.name]
	return func(yield func(*frame.Frame, error) bool) {
		st.first.CompareAndSwap(0, time.Now().UnixNano())
		defer func() { st.last.Store(time.Now().UnixNano()) }()
		for c, err := range src {
			if err == nil {
				st.rows.Add(int64(c.NumRows()))
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
		if n.step != nil {
			x.progress(parallel.Progress{Phase: n.name, Rows: st.rows.Load(), Done: true})
		}
	}
}

func (x *executor) build(n *node) parallel.Source {
	if n.input != nil {
		return x.readInput(n)
	}
	return x.runStep(n)
}

// readInput streams an input's files with its projection, its pushed-down
// filter and its semi-join reduction.
func (x *executor) readInput(n *node) parallel.Source {
	in, p := n.input, x.a.plan
	wrap := func(err error) error {
		var pe *Error
		if errors.As(err, &pe) || errors.Is(err, context.Canceled) {
			return err
		}
		return p.inputErr(in, err)
	}
	ctx := x.ctx
	return func(yield func(*frame.Frame, error) bool) {
		opt := in.Options
		opt.Columns = n.readCols
		if b := x.popt.MemoryBudget; b > 0 && opt.ChunkRows == 0 {
			opt.ChunkRows = budgetChunkRows(b, len(n.readCols))
		}
		if n.semiBy != "" {
			keys, err := x.semiKeys(n)
			if err != nil {
				yield(nil, err)
				return
			}
			if keys != nil {
				opt.Keep = &readers.KeyFilter{Columns: n.semiOn.Left, Keys: keys}
				x.stats[n.name].note = fmt.Sprintf("semi-join reduced by %d keys of %s", keys.NumRows(), n.semiOther)
			}
		}
		total := x.a.inputBytes(n)
		var seq parallel.Source
		var stats *readers.Stats
		switch {
		case in.Union && len(n.paths) > 1:
			seq = x.unionRead(n, opt)
		case len(n.paths) == 1:
			seq, stats = readers.OpenStats(ctx, n.paths[0], opt)
		default:
			seq, stats = readers.FilesStats(ctx, n.paths, opt)
		}
		if n.pushFilter {
			seq = parallel.Filter(ctx, seq, x.a.nodes[n.pushedBy].filter, x.popt)
		}
		phase := "read " + in.Name
		var rows int64
		sent := false
		for c, err := range seq {
			if err != nil {
				yield(nil, wrap(err))
				return
			}
			sent = true
			rows += int64(c.NumRows())
			pr := parallel.Progress{Phase: phase, Rows: rows}
			if stats != nil {
				pr.Bytes, pr.Total = stats.Bytes, total
			}
			x.progress(pr)
			if !yield(c, nil) {
				return
			}
		}
		if !sent {
			// no chunk at all: an empty frame of the schema
			if !yield(x.emptyOf(n), nil) {
				return
			}
		}
		x.progress(parallel.Progress{Phase: phase, Rows: rows, Bytes: total, Total: total, Done: true})
	}
}

// emptyOf is a frame with n's read columns and no rows.
func (x *executor) emptyOf(n *node) *frame.Frame {
	var cols []*frame.Column
	for _, name := range n.readCols {
		c := n.out[n.out.index(name)]
		cols = append(cols, frame.NewBuilder(c.typ, 0).Build(c.name))
	}
	f, _ := frame.New(cols...)
	return f
}

// unionRead reads each file on its own and aligns its chunks to the
// input's schema: missing columns null, widened types converted.
func (x *executor) unionRead(n *node, opt readers.Options) parallel.Source {
	want := schema{}
	for _, c := range n.readCols {
		want = append(want, n.out[n.out.index(c)])
	}
	return func(yield func(*frame.Frame, error) bool) {
		for _, path := range n.paths {
			o := opt
			o.Columns = nil
			o.Types = map[string]frame.Type{}
			for k, v := range opt.Types {
				o.Types[k] = v
			}
			for _, c := range want {
				if !n.fileHas[path][c.name] {
					continue // a column this file lacks: null in alignTo
				}
				if c.typ == frame.String || c.typ == frame.Float64 {
					o.Types[c.name] = c.typ
				}
			}
			for c, err := range readers.Open(x.ctx, path, o) {
				if err == nil {
					c, err = alignTo(c, want)
				}
				if err != nil {
					yield(nil, fmt.Errorf("%s: %w", path, err))
					return
				}
				if !yield(c, nil) {
					return
				}
			}
		}
	}
}

// alignTo returns c with exactly the columns of want, in order: columns c
// lacks are null.
func alignTo(c *frame.Frame, want schema) (*frame.Frame, error) {
	cols := make([]*frame.Column, 0, len(want))
	for _, w := range want {
		if col, err := c.Column(w.name); err == nil {
			if col.Type() != w.typ {
				return nil, fmt.Errorf("column %s is %v here, %v in the union: %w", w.name, col.Type(), w.typ, frame.ErrType)
			}
			cols = append(cols, col)
			continue
		}
		b := frame.NewBuilder(w.typ, c.NumRows())
		for range c.NumRows() {
			b.AppendNull()
		}
		cols = append(cols, b.Build(w.name))
	}
	return frame.New(cols...)
}

// semiKeys returns the distinct key tuples of the other side of n's
// semi-join reduction, or nil when they are too many to be worth holding
// (more than an eighth of the budget).
func (x *executor) semiKeys(n *node) (*frame.Frame, error) {
	var parts []*frame.Frame
	var size int64
	limit := int64(1) << 62
	if b := x.popt.Budget; b != nil && b.Limit() > 0 {
		limit = b.Limit() / 8
	}
	for c, err := range x.source(n.semiOther) {
		if err != nil {
			return nil, err
		}
		k, err := c.Select(n.semiOn.Right...)
		if err == nil {
			k, err = k.Distinct()
		}
		if err != nil {
			return nil, x.a.plan.errf(n.line, err, "input %q", n.name)
		}
		size += k.Size()
		if size > limit {
			return nil, nil
		}
		parts = append(parts, k)
	}
	if len(parts) == 0 {
		return nil, nil
	}
	all, err := frame.Concat(parts...)
	if err == nil {
		all, err = all.Distinct()
	}
	return all, err
}

// runStep builds a step's stream: its source, then derive, filter,
// group-by, select, rename, distinct, sort and limit, each an operator of
// package parallel.
func (x *executor) runStep(n *node) parallel.Source {
	s, p := n.step, x.a.plan
	ctx, popt := x.ctx, x.popt
	wrapAt := func(field string, src parallel.Source) parallel.Source {
		return func(yield func(*frame.Frame, error) bool) {
			for c, err := range src {
				if err != nil {
					var pe *Error
					if !errors.As(err, &pe) && !errors.Is(err, context.Canceled) {
						err = p.errf(s.lineOf(field), err, "step %q", s.Name)
					}
					yield(nil, err)
					return
				}
				if !yield(c, nil) {
					return
				}
			}
		}
	}
	var src parallel.Source
	switch {
	case s.Join != nil:
		j := s.Join
		var jopts []frame.JoinOption
		if n.streamRight {
			jopts = append(jopts, frame.OrderByRight())
		}
		src = wrapAt("join", parallel.Join(ctx, x.source(j.Left), x.source(j.Right), j.How,
			frame.JoinOn{Left: j.LeftOn, Right: j.RightOn}, popt, jopts...))
	case s.Match != nil:
		src = wrapAt("match", x.match(n))
	default:
		src = x.source(s.From)
	}
	if len(n.derive) > 0 {
		src = wrapAt("derive", parallel.MapChunks(ctx, src, func(_ context.Context, c *frame.Frame) (*frame.Frame, error) {
			var err error
			for k, d := range s.Derive {
				if n.deadDerive[k] {
					continue
				}
				if c, err = c.Derive(d.Name, n.derive[k]); err != nil {
					return nil, err
				}
			}
			return c, nil
		}, popt))
	}
	if n.hasFil && !(s.From != "" && x.a.nodes[s.From].pushFilter) {
		src = wrapAt("filter", parallel.Filter(ctx, src, n.filter, popt))
	}
	if len(s.Agg) > 0 {
		if len(s.GroupBy) > 0 {
			src = wrapAt("agg", parallel.GroupBy(ctx, src, s.GroupBy, n.aggs, popt))
		} else {
			src = wrapAt("agg", globalAgg(ctx, src, n.aggs, popt))
		}
	}
	if len(s.Select) > 0 {
		sel := s.Select
		src = wrapAt("select", mapFrames(src, func(c *frame.Frame) (*frame.Frame, error) { return c.Select(sel...) }))
	}
	if len(s.Rename) > 0 {
		src = wrapAt("rename", mapFrames(src, func(c *frame.Frame) (*frame.Frame, error) {
			var err error
			for _, r := range s.Rename {
				if c, err = c.Rename(r.From, r.To); err != nil {
					return nil, err
				}
			}
			return c, nil
		}))
	}
	if s.DistinctAll || len(s.Distinct) > 0 {
		src = wrapAt("distinct", parallel.Distinct(ctx, src, s.Distinct, popt))
	}
	if len(s.Sort) > 0 {
		src = wrapAt("sort", parallel.Sort(ctx, src, s.Sort, popt))
	}
	if s.HasLimit {
		src = parallel.Limit(src, s.Limit)
	}
	return src
}

// mapFrames applies a cheap function to each chunk, on the consumer's
// goroutine (select and rename only relabel columns).
func mapFrames(src parallel.Source, fn func(*frame.Frame) (*frame.Frame, error)) parallel.Source {
	return func(yield func(*frame.Frame, error) bool) {
		for c, err := range src {
			if err == nil {
				c, err = fn(c)
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
}

// allKey names the constant key column of an aggregation without group_by.
const allKey = "\x00all"

// globalAgg aggregates all rows into one: a group-by on a constant key.
// An input without rows gives no row.
func globalAgg(ctx context.Context, src parallel.Source, aggs []frame.Agg, opt parallel.Options) parallel.Source {
	keyed := mapFrames(src, func(c *frame.Frame) (*frame.Frame, error) {
		k, err := frame.NewInt64(allKey, make([]int64, c.NumRows()), nil)
		if err != nil {
			return nil, err
		}
		return c.WithColumn(k)
	})
	return mapFrames(parallel.GroupBy(ctx, keyed, []string{allKey}, aggs, opt), func(c *frame.Frame) (*frame.Frame, error) {
		return c.Drop(allKey)
	})
}

// match runs a fuzzy join: both sides are collected (the right side is
// indexed once and shared by the workers).
func (x *executor) match(n *node) parallel.Source {
	m := n.step.Match
	return func(yield func(*frame.Frame, error) bool) {
		left, err := parallel.Collect(x.source(m.Left))
		if err != nil {
			yield(nil, err)
			return
		}
		fo, err := fuzzyOptions(m, x.popt)
		if err != nil {
			yield(nil, err)
			return
		}
		var st fuzzy.Stats
		fo.Stats = &st
		fo.Progress = x.popt.Progress
		if b := x.popt.Budget; b != nil {
			// the index gets what the rest of the run leaves
			fo.MemoryBudget = max(b.Limit()-b.Used(), 1<<20)
		}
		var out *frame.Frame
		if m.BruteForce {
			var right *frame.Frame
			if right, err = parallel.Collect(x.source(m.Right)); err == nil {
				out, err = fuzzy.BruteForce(x.ctx, left, right, fo)
			}
		} else {
			// the right side streams twice (its key column to index it,
			// then the matched rows), never whole in memory
			out, err = fuzzy.JoinStream(x.ctx, left, func([]string) parallel.Source { return x.source(m.Right) }, fo)
		}
		if err != nil {
			yield(nil, err)
			return
		}
		x.stats[n.name].note = fmt.Sprintf("scored %d of %d pairs (%.4f%%), index in %d slices", st.Comparisons, st.Pairs, 100*float64(st.Comparisons)/max(float64(st.Pairs), 1), st.Slices)
		for c, err := range parallel.Frames(out, 0) {
			if !yield(c, err) {
				return
			}
		}
	}
}

// fuzzyOptions maps a match spec to the fuzzy join's options.
func fuzzyOptions(m *MatchSpec, popt parallel.Options) (fuzzy.Options, error) {
	sc := fuzzy.TokenSet
	if m.Scorer != "" {
		var ok bool
		if sc, ok = fuzzy.ParseScorer(m.Scorer); !ok {
			return fuzzy.Options{}, fmt.Errorf("unknown scorer %q (want token_set, token_sort, ratio, partial or jaro_winkler): %w", m.Scorer, ErrPlan)
		}
	}
	thr := m.Threshold
	if thr == 0 {
		thr = 80
	}
	if thr < 0 || thr > 100 {
		return fuzzy.Options{}, fmt.Errorf("threshold %v: want 0–100: %w", thr, ErrPlan)
	}
	var norm fuzzy.Normalize
	if !m.NoNormalize {
		norm = fuzzy.NFKC | fuzzy.DefaultProcess
	}
	rightOn := m.RightOn
	if rightOn == "" {
		rightOn = m.LeftOn
	}
	return fuzzy.Options{LeftOn: m.LeftOn, RightOn: rightOn, Scorer: sc, Threshold: thr, Top: m.Top,
		Normalize: norm, Workers: popt.Workers, KeepUnmatched: m.KeepUnmatched}, nil
}

// write streams a node to an output (path "-": Options.Stdout) through
// an atomic writer.
func (x *executor) write(ctx context.Context, from, path, format string) (int64, error) {
	wopt := x.opt.Writer
	wopt.Format = format
	if b := x.popt.MemoryBudget; b > 0 && wopt.MaxBufferBytes == 0 {
		// The writer's buffers sit outside the operators' accounting:
		// keep them to an eighth of the budget.
		wopt.MaxBufferBytes = max(b/8, 2<<20)
	}
	var w writers.Writer
	var err error
	if path == "-" {
		out := x.opt.Stdout
		if out == nil {
			out = os.Stdout
		}
		if format == "" {
			format = "csv"
		}
		w, err = writers.New(out, format, wopt)
	} else {
		w, err = writers.Create(path, wopt)
	}
	if err != nil {
		return 0, err
	}
	phase := "write " + filepath.Base(path)
	if path == "-" {
		phase = "write standard output"
	}
	var rows int64
	src := func(yield func(*frame.Frame, error) bool) {
		for c, err := range x.source(from) {
			if err == nil {
				rows += int64(c.NumRows())
				x.progress(parallel.Progress{Phase: phase, Rows: rows})
			}
			if !yield(c, err) || err != nil {
				return
			}
		}
	}
	n, err := parallel.Write(ctx, src, w)
	if err != nil {
		return 0, err
	}
	x.progress(parallel.Progress{Phase: phase, Rows: n, Done: true})
	return n, nil
}

// note describes what the planner decided for a node.
func (x *executor) note(n *node) string {
	var parts []string
	if n.input != nil {
		parts = append(parts, fmt.Sprintf("read %d of %d columns", len(n.readCols), n.fileCols))
		if len(n.paths) > 1 {
			parts = append(parts, fmt.Sprintf("%d files", len(n.paths)))
		}
		if n.pushFilter {
			parts = append(parts, "filter pushed down: "+x.a.nodes[n.pushedBy].filter.String())
		}
	}
	if n.streamRight {
		parts = append(parts, "right side streamed")
	}
	if n.spooled() {
		parts = append(parts, "spooled (read more than once)")
	}
	if s := x.stats[n.name].note; s != "" {
		parts = append(parts, s)
	}
	if x.stats[n.name].reused.Load() {
		parts = append(parts, "read from its checkpoint")
	}
	if e, _ := x.stats[n.name].ckptErr.Load().(string); e != "" {
		parts = append(parts, "no checkpoint written: "+e)
	}
	return strings.Join(parts, "; ")
}

// Schema validates the plan and returns the columns of the frame named
// from (an input or a step): names and types, and for text columns that
// inference found almost numeric or dates, what the reader saw (see
// readers.ColumnInfo.Explain). Only headers and inference samples are read.
func Schema(ctx context.Context, p *Plan, from string, opt Options) ([]readers.ColumnInfo, error) {
	q := *p
	q.Outputs = []Output{{From: from}}
	a, err := analyze(ctx, &q, opt)
	if a != nil {
		defer a.cleanup()
	}
	if err != nil {
		return nil, err
	}
	n := a.nodes[from]
	out := make([]readers.ColumnInfo, 0, len(n.out))
	for _, c := range n.out {
		ci := readers.ColumnInfo{Name: c.name, Type: c.typ}
		if t, ok := a.texts[c.name]; ok && c.typ == frame.String {
			ci = t.info
		}
		out = append(out, ci)
	}
	return out, nil
}

// budgetChunkRows is the chunk size of an input read under a memory budget
// of b bytes with cols columns: the readers keep several chunks in flight
// (workers, queues, the consumer's) outside the operators' accounting, so a
// chunk of a wide table at the default 65,536 rows (~29 MB for 29 text
// columns) put a budgeted sort 80 MiB over a 256 MiB budget. The row is
// estimated at 24 bytes a column (a value or an 8-byte string offset plus
// its text); chunks stay between 4,096 rows and the default.
func budgetChunkRows(b int64, cols int) int {
	rows := b / (64 * 24 * int64(max(cols, 1)))
	return int(min(max(rows, 4096), int64(readers.DefaultChunkRows)))
}
