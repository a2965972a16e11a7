// Package sluicebeam runs sluice pipeline specs (package pipeline) on Apache
// Beam: the plan is validated as `sluice run` validates it, translated to a
// Beam pipeline, and run by any Beam runner — Prism (in process, offline),
// or a portable Flink or Spark job server, or Google Cloud Dataflow. The
// output is the one `sluice run` writes on the same data: the same rows,
// values and order.
//
// # Translation
//
//   - An input is a Create of its files (globs expanded, sorted), a
//     Reshuffle, a ParDo that cuts big plain CSV and TSV files into byte
//     ranges on record boundaries (split.go), a Reshuffle, and a ParDo
//     that parses each range or whole file with package readers into
//     chunks.
//   - Chunks travel between stages as encoded frames ([chunk.Encode]), not
//     as rows, each with a hidden order column that records the row's place
//     in the local engine's output order (see ops.go).
//   - derive and filter, select and rename are ParDos over chunks.
//   - A join whose smaller side derives from at most
//     Options.BroadcastBytes of input files broadcasts that side as a side
//     input and joins the other side chunk by chunk, without a shuffle
//     (unless the join keeps the small side's unmatched rows). Otherwise it
//     hash-partitions both sides by key into Options.Shards shards,
//     CoGroupByKeys them and joins each shard with frame.Join's kernels.
//   - group_by + agg hash-partitions the rows by the group keys and
//     GroupByKeys them; each shard's rows, in order, go through
//     frame.GroupBy, so medians and quantiles are exact and every
//     aggregation equals the local engine's. An agg without group_by
//     gathers all rows on one worker.
//   - distinct hash-partitions by the distinct columns and keeps each
//     shard's first occurrences.
//   - sort and limit gather the step's rows on one worker.
//   - An output gathers its rows on one worker, sorts them into the local
//     engine's order and writes one file with package writers. The path
//     must be writable by that worker (a local path for Prism; a shared
//     file system on a cluster).
//
// Not translated (rejected by [Build] before any work): match steps (fuzzy
// joins), standard input and output ("-"), and inputs with a forced
// format.
package sluicebeam

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/sluicedata/sluice/beam/chunk"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/writers"

	// formats every spec may name
	_ "github.com/sluicedata/sluice/readers/json"
	_ "github.com/sluicedata/sluice/readers/parquet"
	_ "github.com/sluicedata/sluice/readers/xlsx"
	_ "github.com/sluicedata/sluice/writers/parquet"
	_ "github.com/sluicedata/sluice/writers/xlsx"
)

// ErrUntranslatable is wrapped by the errors of plans (or parts of plans)
// that have no Beam translation.
var ErrUntranslatable = errors.New("not translatable to Beam")

// DefaultShards is the number of hash partitions of joins, group-bys and
// distincts when Options.Shards is 0.
const DefaultShards = 16

// Options configure a translation.
type Options struct {
	// DataDir, if set, is the directory relative input and output paths are
	// resolved against (instead of the spec file's directory), as in
	// pipeline.Options.
	DataDir string
	// Out, if set, replaces the path of the plan's only output; OutFormat,
	// if set, its format.
	Out       string
	OutFormat string
	// Shards is the number of hash partitions of keyed stages (0:
	// DefaultShards). More shards spread a join or group-by over more
	// workers; each shard's rows are held by one worker at a time.
	Shards int
	// BroadcastBytes: a join side whose estimated size is at most this many
	// bytes is broadcast to every worker as a side input, and the other
	// side is joined chunk by chunk where it is read, without a shuffle
	// (when the join kind allows: the small side must not need its
	// unmatched rows, so not for outer joins). The estimate of a step is
	// the total size of the input files it derives from. 0 means
	// DefaultBroadcastBytes; negative never broadcasts.
	BroadcastBytes int64
	// SplitBytes: plain CSV and TSV files larger than this are read in
	// byte ranges of about this size, each by its own worker (see
	// split.go). 0 means DefaultSplitBytes; negative never splits.
	SplitBytes int64
}

// DefaultBroadcastBytes is the broadcast threshold when
// Options.BroadcastBytes is 0.
const DefaultBroadcastBytes = 64 << 20

// Translation is a built Beam pipeline and what it will write.
type Translation struct {
	Pipeline *beam.Pipeline
	// Outputs are the paths the pipeline writes, in plan order.
	Outputs []string
	// Notes say how each join was translated ("step matched: broadcast
	// pair_codes (1.2 MB of input files)" or "… shuffled by key").
	Notes []string
}

// node is a translated input or step: its collection of encoded chunks and
// its schema (an empty frame, order column included).
type node struct {
	col   beam.PCollection
	empty *frame.Frame
	// size estimates the frame's bytes: the total size of the input files
	// it derives from
	size int64
}

// Build validates plan (as pipeline.Validate does, reading only headers and
// inference samples) and translates it into a Beam pipeline. Plans with
// steps that have no translation are rejected here, before any work, with
// an error wrapping ErrUntranslatable.
func Build(ctx context.Context, plan *pipeline.Plan, opt Options) (*Translation, error) {
	where := func(line int) string {
		loc := plan.File
		if loc == "" {
			loc = "plan"
		}
		if line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, line)
		}
		return loc
	}
	// standard input is rejected before validation, which would read it
	for _, in := range plan.Inputs {
		for _, p := range in.AllPaths() {
			if p == "-" {
				return nil, fmt.Errorf("%s: input %q: standard input cannot be read by a Beam job: %w", where(in.Line), in.Name, ErrUntranslatable)
			}
		}
	}
	if err := pipeline.Validate(ctx, plan, pipeline.Options{DataDir: opt.DataDir, Stdin: strings.NewReader("")}); err != nil {
		return nil, err
	}
	for _, s := range plan.Steps {
		if s.Match != nil {
			return nil, fmt.Errorf("%s: step %q: match (fuzzy join) has no Beam translation yet: %w", where(s.Line), s.Name, ErrUntranslatable)
		}
	}
	if opt.Out != "" && len(plan.Outputs) != 1 {
		return nil, fmt.Errorf("%s: an output path given for a plan with %d outputs: %w", where(0), len(plan.Outputs), pipeline.ErrPlan)
	}
	base := opt.DataDir
	if base == "" && plan.File != "" {
		base = filepath.Dir(plan.File)
	}
	resolve := func(p string) string {
		if filepath.IsAbs(p) || base == "" {
			return p
		}
		return filepath.Join(base, p)
	}
	shards := opt.Shards
	if shards <= 0 {
		shards = DefaultShards
	}
	bcast := opt.BroadcastBytes
	if bcast == 0 {
		bcast = DefaultBroadcastBytes
	}

	p, s := beam.NewPipelineWithRoot()
	nodes := map[string]*node{}
	inputs := map[string]bool{}
	sizes := map[string]int64{}
	for i := range plan.Inputs {
		in := &plan.Inputs[i]
		inputs[in.Name] = true
		paths, err := expandPaths(in, base)
		if err != nil {
			return nil, fmt.Errorf("%s: input %q: %w", where(in.Line), in.Name, err)
		}
		sizes[in.Name] = totalSize(paths)
		cfg, err := inferInput(ctx, plan, in, paths)
		if err != nil {
			return nil, err
		}
		switch {
		case opt.SplitBytes == 0:
			cfg.SplitBytes = DefaultSplitBytes
		case opt.SplitBytes > 0:
			cfg.SplitBytes = opt.SplitBytes
		}
		js, err := encodeJSON(cfg)
		if err != nil {
			return nil, fmt.Errorf("%s: input %q: options: %w", where(in.Line), in.Name, err)
		}
		tasks := make([]any, len(paths))
		for k, path := range paths {
			tasks[k] = fileTask(k, path)
		}
		sc := s.Scope("input " + in.Name)
		files := beam.Reshuffle(sc, beam.Create(sc, tasks...))
		ranges := beam.Reshuffle(sc, beam.ParDo(sc, &splitFn{Cfg: js}, files))
		nodes[in.Name] = &node{
			col:   beam.ParDo(sc, &readFn{Cfg: js}, ranges),
			empty: cfg.empty(),
			size:  sizes[in.Name],
		}
	}
	// steps in dependency order (validation rejected cycles)
	done := map[string]bool{}
	var notes []string
	for len(done) < len(plan.Steps) {
		progressed := false
		for i := range plan.Steps {
			st := &plan.Steps[i]
			if done[st.Name] {
				continue
			}
			ready := true
			for _, d := range deps(st) {
				if nodes[d] == nil {
					ready = false
				}
			}
			if !ready {
				continue
			}
			cfg := newStepCfg(plan, st)
			if st.Join != nil {
				// the local planner streams the right side of an inner join
				// whose right side is a file and whose left side is computed
				// or a smaller file; that choice decides the output order
				j := st.Join
				if j.How == frame.Inner && inputs[j.Right] && (!inputs[j.Left] || sizes[j.Right] > sizes[j.Left]) {
					cfg.StreamRight = true
				}
			}
			n, note, err := translateStep(s.Scope("step "+st.Name), cfg, nodes, shards, bcast)
			if err != nil {
				return nil, err
			}
			nodes[st.Name] = n
			if note != "" {
				notes = append(notes, note)
			}
			done[st.Name] = true
			progressed = true
		}
		if !progressed {
			return nil, fmt.Errorf("%s: steps form a cycle: %w", where(0), pipeline.ErrPlan)
		}
	}
	t := &Translation{Pipeline: p, Notes: notes}
	for _, o := range plan.Outputs {
		path, format := resolve(o.Path), o.Format
		if opt.Out != "" {
			path = opt.Out
		}
		if opt.OutFormat != "" {
			format = opt.OutFormat
		}
		if path == "-" {
			return nil, fmt.Errorf("%s: output to standard output: a Beam job writes files: %w", where(o.Line), ErrUntranslatable)
		}
		if err := checkOutput(path, format); err != nil {
			return nil, fmt.Errorf("%s: output %s: %w", where(o.Line), path, err)
		}
		n := nodes[o.From]
		sc := s.Scope("output " + path)
		empty := chunk.Encode(n.empty)
		all := beam.Flatten(sc, n.col, beam.Create(sc, empty))
		keyed := beam.ParDo(sc, &keyFn{Step: "output " + path, Stage: "write", Shards: 1}, all)
		beam.ParDo0(sc, &writeFn{Path: path, Format: format, Empty: empty}, beam.GroupByKey(sc, keyed))
		t.Outputs = append(t.Outputs, path)
	}
	return t, nil
}

// checkOutput fails early on an output format no writer knows and on an
// output directory that does not exist (as seen from the submitting
// machine: on a cluster, a shared file system both see).
func checkOutput(path, format string) error {
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	}
	known := false
	for _, f := range writers.Formats() {
		known = known || f.Name == format
	}
	if !known {
		return fmt.Errorf("unknown output format %q: %w", format, writers.ErrFormat)
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil {
		return fmt.Errorf("output directory: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// deps returns the names a step reads.
func deps(s *pipeline.Step) []string {
	switch {
	case s.Join != nil:
		return []string{s.Join.Left, s.Join.Right}
	case s.Match != nil:
		return []string{s.Match.Left, s.Match.Right}
	}
	return []string{s.From}
}

// translateStep adds a step's stages to the pipeline and computes its
// schema by running the same stages on empty frames.
func translateStep(s beam.Scope, cfg stepCfg, nodes map[string]*node, shards int, bcast int64) (*node, string, error) {
	x, err := cfg.compile()
	if err != nil {
		return nil, "", err
	}
	js, err := encodeJSON(cfg)
	if err != nil {
		return nil, "", cfg.errorf("config", err)
	}
	var col beam.PCollection
	var empty *frame.Frame
	var size int64
	if cfg.Join {
		l, r := nodes[cfg.Left], nodes[cfg.Right]
		size = l.size + r.size
		if empty, err = cfg.join(l.empty, r.empty); err != nil {
			return nil, "", err
		}
		// broadcast the smaller side when it is small and the join keeps
		// no unmatched rows of it
		leftOK := cfg.How == frame.Inner || cfg.How == frame.Right
		rightOK := cfg.How == frame.Inner || cfg.How == frame.Left || cfg.How == frame.Semi || cfg.How == frame.Anti
		small, big, bigIsLeft, smallName := (*node)(nil), (*node)(nil), false, ""
		switch {
		case bcast < 0:
		case rightOK && r.size <= bcast && (!leftOK || r.size <= l.size):
			small, big, bigIsLeft, smallName = r, l, true, cfg.Right
		case leftOK && l.size <= bcast:
			small, big, smallName = l, r, cfg.Left
		}
		if small != nil {
			// the side input is reshuffled (materialised in its own stage):
			// without it Prism 2.78 stalls ("nothing in progress and no
			// refreshes with non zero pending elements") on plans whose
			// broadcast side is fused with its consumer's stage
			col = beam.ParDo(s, &broadcastJoinFn{Cfg: js, BigIsLeft: bigIsLeft, SmallEmpty: chunk.Encode(small.empty)},
				big.col, beam.SideInput{Input: beam.Reshuffle(s, small.col)})
			n, err := finishStep(s, cfg, x, js, col, empty, size, shards)
			return n, fmt.Sprintf("step %s: %s join, %s broadcast (%d bytes of input files)", cfg.Name, cfg.How, smallName, small.size), err
		}
		lk := beam.ParDo(s, &keyFn{Step: cfg.Name, Stage: "join", Cols: cfg.LeftOn, Shards: shards}, l.col)
		rk := beam.ParDo(s, &keyFn{Step: cfg.Name, Stage: "join", Cols: cfg.RightOn, Shards: shards}, r.col)
		col = beam.ParDo(s, &joinFn{Cfg: js, LeftEmpty: chunk.Encode(l.empty), RightEmpty: chunk.Encode(r.empty)},
			beam.CoGroupByKey(s, lk, rk))
		n, err := finishStep(s, cfg, x, js, col, empty, size, shards)
		return n, fmt.Sprintf("step %s: %s join, both sides shuffled by key into %d shards", cfg.Name, cfg.How, shards), err
	}
	src := nodes[cfg.From]
	n, err := finishStep(s, cfg, x, js, src.col, src.empty, src.size, shards)
	return n, "", err
}

// finishStep adds the stages after a step's source: derive and filter,
// group-by, select and rename, distinct, sort and limit.
func finishStep(s beam.Scope, cfg stepCfg, x *compiled, js string, col beam.PCollection, empty *frame.Frame, size int64, shards int) (*node, error) {
	var err error
	if len(cfg.Derive) > 0 || cfg.Filter != "" {
		if empty, err = cfg.pre(x, empty); err != nil {
			return nil, err
		}
		col = beam.ParDo(s, &mapFn{Cfg: js, Stage: "pre"}, col)
	}
	gather := func(stage string, keys []string, n int) error {
		in := empty
		out, err := cfg.gather(stage, x, in)
		if err != nil {
			return err
		}
		keyed := beam.ParDo(s, &keyFn{Step: cfg.Name, Stage: stage, Cols: keys, Shards: n}, col)
		col = beam.ParDo(s, &gatherFn{Cfg: js, Stage: stage, Empty: chunk.Encode(in)}, beam.GroupByKey(s, keyed))
		empty = out
		return nil
	}
	if len(cfg.Agg) > 0 {
		n := shards
		if len(cfg.GroupBy) == 0 {
			n = 1
		}
		if err := gather("agg", cfg.GroupBy, n); err != nil {
			return nil, err
		}
	}
	if len(cfg.Select) > 0 || len(cfg.Rename) > 0 {
		if empty, err = cfg.post(empty); err != nil {
			return nil, err
		}
		col = beam.ParDo(s, &mapFn{Cfg: js, Stage: "post"}, col)
	}
	if cfg.hasDistinct() {
		if err := gather("distinct", distinctCols(&cfg, empty), shards); err != nil {
			return nil, err
		}
	}
	if cfg.hasSingle() {
		if err := gather("single", nil, 1); err != nil {
			return nil, err
		}
	}
	return &node{col: col, empty: empty, size: size}, nil
}

// totalSize is the size of the files (0 for those it cannot stat).
func totalSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}
