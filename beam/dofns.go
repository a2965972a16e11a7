package sluicebeam

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/sluicedata/sluice/beam/chunk"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
)

// The DoFns of a translated pipeline. Each carries its configuration as a
// JSON string field (Beam serializes exported fields into the job) and
// decodes it once per worker in Setup. Every element is an encoded chunk
// ([chunk.Encode]), keyed by a shard number where a stage needs keys.

func init() {
	register.DoFn3x1[context.Context, string, func([]byte), error](&readFn{})
	register.DoFn3x1[context.Context, string, func(string), error](&splitFn{})
	register.Emitter1[string]()
	register.DoFn2x1[[]byte, func([]byte), error](&mapFn{})
	register.DoFn2x1[[]byte, func(int, []byte), error](&keyFn{})
	register.DoFn4x1[int, func(*[]byte) bool, func(*[]byte) bool, func([]byte), error](&joinFn{})
	register.DoFn3x1[int, func(*[]byte) bool, func([]byte), error](&gatherFn{})
	register.DoFn3x1[[]byte, func(*[]byte) bool, func([]byte), error](&broadcastJoinFn{})
	register.DoFn2x1[int, func(*[]byte) bool, error](&writeFn{})
	register.Emitter1[[]byte]()
	register.Emitter2[int, []byte]()
	register.Iter1[[]byte]()
}

// guard turns a panic in frame or reader code into an error, so a bad
// chunk fails the job with a message instead of crashing the worker.
func guard(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: panic: %v\n%s", what, r, debug.Stack())
	}
}

// fileTask is one file of an input: "index\tpath".
func fileTask(index int, path string) string { return strconv.Itoa(index) + "\t" + path }

func parseTask(t string) (int, string, error) {
	i, path, ok := strings.Cut(t, "\t")
	if !ok {
		return 0, "", fmt.Errorf("sluicebeam: bad file task %q", t)
	}
	n, err := strconv.Atoi(i)
	return n, path, err
}

// splitFn cuts a file of an input into range tasks (see split.go).
type splitFn struct {
	Cfg string
	cfg inputCfg
}

func (f *splitFn) Setup() error { return decodeJSON(f.Cfg, &f.cfg) }

func (f *splitFn) ProcessElement(ctx context.Context, task string, emit func(string)) (err error) {
	defer guard("input "+f.cfg.Name, &err)
	index, path, err := parseTask(task)
	if err != nil {
		return err
	}
	ranges, err := f.cfg.split(ctx, index, path)
	if err != nil {
		return f.cfg.errorf(path, err)
	}
	for _, r := range ranges {
		emit(r.String())
	}
	return nil
}

// readFn reads a range task of an input (a whole file or a byte range of
// a CSV file) into encoded chunks.
type readFn struct {
	Cfg string
	cfg inputCfg
}

func (f *readFn) Setup() error { return decodeJSON(f.Cfg, &f.cfg) }

func (f *readFn) ProcessElement(ctx context.Context, task string, emit func([]byte)) (err error) {
	defer guard("input "+f.cfg.Name, &err)
	t, err := parseRangeTask(task)
	if err != nil {
		return err
	}
	send := func(c *frame.Frame) error {
		emit(chunk.Encode(c))
		return nil
	}
	if t.End < 0 {
		return f.cfg.readFile(ctx, t.File, t.Path, send)
	}
	return f.cfg.readRange(ctx, t, send)
}

// mapFn applies a step's per-chunk stage: "pre" (derive, filter) or
// "post" (select, rename).
type mapFn struct {
	Cfg   string
	Stage string
	cfg   stepCfg
	x     *compiled
}

func (f *mapFn) Setup() error {
	if err := decodeJSON(f.Cfg, &f.cfg); err != nil {
		return err
	}
	var err error
	f.x, err = f.cfg.compile()
	return err
}

func (f *mapFn) ProcessElement(b []byte, emit func([]byte)) (err error) {
	defer guard("step "+f.cfg.Name, &err)
	c, err := chunk.Decode(b)
	if err != nil {
		return f.cfg.errorf(f.Stage, err)
	}
	if f.Stage == "pre" {
		c, err = f.cfg.pre(f.x, c)
	} else {
		c, err = f.cfg.post(c)
	}
	if err != nil {
		return err
	}
	if c.NumRows() > 0 {
		emit(chunk.Encode(c))
	}
	return nil
}

// keyFn splits a chunk into hash partitions of the columns Cols (none: all
// in shard 0) and emits each under its shard number.
type keyFn struct {
	Step   string
	Stage  string
	Cols   []string
	Shards int
}

func (f *keyFn) ProcessElement(b []byte, emit func(int, []byte)) (err error) {
	defer guard("step "+f.Step, &err)
	c, err := chunk.Decode(b)
	if err != nil {
		return fmt.Errorf("step %q: %s: %w", f.Step, f.Stage, err)
	}
	parts, err := partition(c, f.Cols, f.Shards)
	if err != nil {
		return fmt.Errorf("step %q: %s: %w", f.Step, f.Stage, err)
	}
	for k, p := range parts {
		emit(k, chunk.Encode(p))
	}
	return nil
}

// decodeAll decodes the chunks of a grouped element.
func decodeAll(vals func(*[]byte) bool) ([]*frame.Frame, error) {
	var out []*frame.Frame
	var b []byte
	for vals(&b) {
		c, err := chunk.Decode(b)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// joinFn joins one hash partition of both sides of a join step.
type joinFn struct {
	Cfg        string
	LeftEmpty  []byte
	RightEmpty []byte
	cfg        stepCfg
	le, re     *frame.Frame
}

func (f *joinFn) Setup() (err error) {
	if err = decodeJSON(f.Cfg, &f.cfg); err != nil {
		return err
	}
	if f.le, err = chunk.Decode(f.LeftEmpty); err != nil {
		return err
	}
	f.re, err = chunk.Decode(f.RightEmpty)
	return err
}

func (f *joinFn) ProcessElement(_ int, left, right func(*[]byte) bool, emit func([]byte)) (err error) {
	defer guard("step "+f.cfg.Name, &err)
	lp, err := decodeAll(left)
	if err != nil {
		return f.cfg.errorf("join", err)
	}
	rp, err := decodeAll(right)
	if err != nil {
		return f.cfg.errorf("join", err)
	}
	l, err := concat(f.le, lp)
	if err != nil {
		return f.cfg.errorf("join", err)
	}
	r, err := concat(f.re, rp)
	if err != nil {
		return f.cfg.errorf("join", err)
	}
	out, err := f.cfg.join(l, r)
	if err != nil {
		return err
	}
	if out.NumRows() > 0 {
		emit(chunk.Encode(out))
	}
	return nil
}

// broadcastJoinFn joins each chunk of a join's big side with the whole
// small side, a side input every worker holds (decoded once).
type broadcastJoinFn struct {
	Cfg        string
	BigIsLeft  bool
	SmallEmpty []byte
	cfg        stepCfg
	small      *frame.Frame
}

func (f *broadcastJoinFn) Setup() error { return decodeJSON(f.Cfg, &f.cfg) }

func (f *broadcastJoinFn) ProcessElement(b []byte, side func(*[]byte) bool, emit func([]byte)) (err error) {
	defer guard("step "+f.cfg.Name, &err)
	if f.small == nil {
		parts, err := decodeAll(side)
		if err != nil {
			return f.cfg.errorf("join", err)
		}
		empty, err := chunk.Decode(f.SmallEmpty)
		if err != nil {
			return f.cfg.errorf("join", err)
		}
		if f.small, err = concat(empty, parts); err != nil {
			return f.cfg.errorf("join", err)
		}
	}
	c, err := chunk.Decode(b)
	if err != nil {
		return f.cfg.errorf("join", err)
	}
	var out *frame.Frame
	if f.BigIsLeft {
		out, err = f.cfg.join(c, f.small)
	} else {
		out, err = f.cfg.join(f.small, c)
	}
	if err != nil {
		return err
	}
	if out.NumRows() > 0 {
		emit(chunk.Encode(out))
	}
	return nil
}

func concat(empty *frame.Frame, parts []*frame.Frame) (*frame.Frame, error) {
	switch len(parts) {
	case 0:
		return empty, nil
	case 1:
		return parts[0], nil
	}
	return frame.Concat(parts...)
}

// gatherFn runs a step stage over all the rows of a shard, in order:
// "agg" (group-by or global aggregation), "distinct", or "single" (sort and
// limit, on the one shard 0).
type gatherFn struct {
	Cfg   string
	Stage string
	Empty []byte
	cfg   stepCfg
	x     *compiled
	empty *frame.Frame
}

func (f *gatherFn) Setup() (err error) {
	if err = decodeJSON(f.Cfg, &f.cfg); err != nil {
		return err
	}
	if f.x, err = f.cfg.compile(); err != nil {
		return err
	}
	f.empty, err = chunk.Decode(f.Empty)
	return err
}

func (f *gatherFn) ProcessElement(_ int, vals func(*[]byte) bool, emit func([]byte)) (err error) {
	defer guard("step "+f.cfg.Name, &err)
	parts, err := decodeAll(vals)
	if err != nil {
		return f.cfg.errorf(f.Stage, err)
	}
	all, err := byOrder(f.empty, parts)
	if err != nil {
		return f.cfg.errorf(f.Stage, err)
	}
	out, err := f.cfg.gather(f.Stage, f.x, all)
	if err != nil {
		return err
	}
	if out.NumRows() > 0 {
		emit(chunk.Encode(out))
	}
	return nil
}

// gather dispatches a gathering stage.
func (c *stepCfg) gather(stage string, x *compiled, f *frame.Frame) (*frame.Frame, error) {
	switch stage {
	case "agg":
		return c.aggregate(x, f)
	case "distinct":
		return c.distinct(f)
	case "single":
		return c.sortLimit(f)
	}
	return nil, fmt.Errorf("sluicebeam: unknown stage %q", stage)
}

// writeFn writes an output: every chunk of it (all in shard 0, the
// schema's empty chunk among them), in order, through package writers.
type writeFn struct {
	Path   string
	Format string
	Empty  []byte
	empty  *frame.Frame
}

func (f *writeFn) Setup() (err error) {
	f.empty, err = chunk.Decode(f.Empty)
	return err
}

func (f *writeFn) ProcessElement(_ int, vals func(*[]byte) bool) (err error) {
	defer guard("output "+f.Path, &err)
	parts, err := decodeAll(vals)
	if err != nil {
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	var rows []*frame.Frame
	for _, p := range parts {
		if p.NumRows() > 0 {
			rows = append(rows, p)
		}
	}
	all, err := byOrder(f.empty, rows)
	if err != nil {
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	if all, err = all.Drop(ordCol); err != nil {
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	w, err := writers.Create(f.Path, writers.Options{Format: f.Format})
	if err != nil {
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	if err := w.Write(all); err != nil {
		w.Abort()
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("output %s: %w", f.Path, err)
	}
	return nil
}
