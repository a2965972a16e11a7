package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/writers"
)

// A verb is a computing command: it turns its arguments and flags into a
// pipeline plan and runs it on the same executor as `sluice run`. verbFlags
// are the flags every such verb shares: the reader flags, the engine flags,
// where the result goes and how the inputs are read.
type verbFlags struct {
	rf       readerFlags
	ef       engineFlags
	out      string
	format   string
	inFormat string
	union    bool
	quiet    bool
}

// ioFlagsHelp documents the input and output flags of every verb.
const ioFlagsHelp = `Input and output flags:
  -o, --out OUT       output file; its extension picks the format (.csv .tsv .json
                      .ndjson .xlsx .parquet); - or no -o: standard output
  --format F          output format: csv (default on stdout), tsv, json, ndjson,
                      xlsx, parquet (overrides the extension)
  --input-format F    read the inputs as F (csv, tsv, json, ndjson, xlsx, parquet)
                      instead of by extension; standard input (-) is sniffed
  --union             inputs with different columns: align by name, nulls where
                      a file lacks a column (default: an error)
  --quiet             no summary line on stderr
`

// inputsHelp describes what an input argument may be.
const inputsHelp = `Every input may be several paths, a quoted glob ('parts/*.csv',
'logs/**/*.csv') or - for standard input; the files are read as one table.
`

func (v *verbFlags) register(fs *flag.FlagSet) {
	v.rf.register(fs)
	v.ef.register(fs)
	fs.StringVar(&v.out, "o", "", "")
	fs.StringVar(&v.out, "out", "", "")
	fs.StringVar(&v.format, "format", "", "")
	fs.StringVar(&v.inFormat, "input-format", "", "")
	fs.BoolVar(&v.union, "union", false, "")
	fs.BoolVar(&v.quiet, "quiet", false, "")
}

// input is a plan input over paths, with the verb's reader flags.
func (v *verbFlags) input(name string, paths ...string) pipeline.Input {
	in := pipeline.Input{Name: name, Format: v.inFormat, Union: v.union, Options: v.rf.opt}
	if len(paths) == 1 {
		in.Path = paths[0]
	} else {
		in.Paths = paths
	}
	return in
}

// plan is a one-step plan: the inputs, the step, written to -o.
func (v *verbFlags) plan(verb string, step pipeline.Step, inputs ...pipeline.Input) *pipeline.Plan {
	if step.Name == "" {
		step.Name = verb
	}
	return &pipeline.Plan{
		Name:    verb,
		File:    verb,
		Inputs:  inputs,
		Steps:   []pipeline.Step{step},
		Outputs: []pipeline.Output{{From: step.Name, Path: "-"}},
	}
}

// options returns the run options of the flags: engine settings, progress
// drawn on stderr, the output place.
func (v *verbFlags) options(e *env) (pipeline.Options, func(), error) {
	mem, err := v.ef.apply()
	if err != nil {
		return pipeline.Options{}, nil, err
	}
	out := v.out
	if out == "" {
		out = "-"
	}
	if v.format != "" && !knownFormat(v.format) {
		return pipeline.Options{}, nil, usagef("--format %q: want one of %s", v.format, strings.Join(formatNames(), ", "))
	}
	stdin := e.stdin
	var closeStdin func() error
	if e.stdinFile != "" {
		f, err := os.Open(e.stdinFile)
		if err != nil {
			return pipeline.Options{}, nil, err
		}
		stdin, closeStdin = f, f.Close
	}
	popt, done := v.ef.parallelOptions(e, mem)
	if closeStdin != nil {
		uiDone := done
		done = func() { uiDone(); closeStdin() }
	}
	opt := pipeline.Options{Options: popt, Out: out, OutFormat: v.format, Stdin: stdin, Stdout: e.stdout}
	opt.Writer.OnNewSheet = func(name string, first int64) {
		fmt.Fprintf(e.stderr, "sluice: Excel's row limit reached after %d rows: continuing in sheet %q\n", first, name)
	}
	return opt, done, nil
}

// run runs the plan and reports what was written.
func (v *verbFlags) run(ctx context.Context, e *env, p *pipeline.Plan) error {
	opt, done, err := v.options(e)
	if err != nil {
		return err
	}
	res, err := pipeline.Run(ctx, p, opt)
	done()
	if err != nil {
		return err
	}
	if !v.quiet {
		for _, o := range res.Outputs {
			if o.Path != "-" {
				fmt.Fprintf(e.stderr, "sluice: wrote %s to %s\n", plural(o.Rows, "row"), o.Path)
			}
		}
	}
	return nil
}

// collect runs the plan and returns its result in memory (for verbs that
// print a table).
func (v *verbFlags) collect(ctx context.Context, e *env, p *pipeline.Plan) (*frame.Frame, error) {
	opt, done, err := v.options(e)
	if err != nil {
		return nil, err
	}
	f, _, err := pipeline.Collect(ctx, p, "", opt)
	done()
	return f, err
}

// keepStdin copies standard input to a temporary file, for commands that
// read their input twice.
func keepStdin(e *env) (string, func(), error) {
	f, err := os.CreateTemp("", "sluice-stdin-*")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.Remove(f.Name()) }
	if _, err := io.Copy(f, e.stdin); err != nil {
		f.Close()
		cleanup()
		return "", nil, fmt.Errorf("reading standard input: %w", err)
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, err
	}
	return f.Name(), cleanup, nil
}

func knownFormat(name string) bool { return slices.Contains(formatNames(), name) }

// formatNames lists the output formats.
func formatNames() []string {
	var names []string
	for _, f := range writers.Formats() {
		names = append(names, f.Name)
	}
	return names
}

// needArgs checks a verb got at least one input.
func needArgs(c *command, pos []string, what string) error {
	if len(pos) == 0 {
		return usagef("%s: no %s given (a path, several, a quoted glob, or - for standard input)", c.name, what)
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseAggFlag reads NAME=FUNC(COL) with the spec files' aggregation syntax.
func parseAggFlag(verb, s string) (pipeline.AggSpec, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return pipeline.AggSpec{}, usagef("%s: --agg %q: want NAME=FUNC(COL), e.g. med=median(a_mean)", verb, s)
	}
	a, err := pipeline.ParseAgg(strings.TrimSpace(name), strings.TrimSpace(spec))
	if err != nil {
		return pipeline.AggSpec{}, usagef("%s: --agg %q: %s", verb, s, strings.TrimSuffix(err.Error(), ": "+frame.ErrAgg.Error()))
	}
	return a, nil
}

// parseJoinKeys reads --on: "a=b,c" joins left a with right b and c with c.
func parseJoinKeys(s string) (left, right []string) {
	for _, k := range splitList(s) {
		l, r, ok := strings.Cut(k, "=")
		if !ok {
			r = l
		}
		left, right = append(left, strings.TrimSpace(l)), append(right, strings.TrimSpace(r))
	}
	return left, right
}

// checkExpr parses an expression flag early, so that a typo is a usage
// error that names the flag (its columns are checked against the input
// when the plan is validated).
func checkExpr(flagName, src string) error {
	if src == "" {
		return nil
	}
	if _, err := frame.ParseExpr(src); err != nil {
		return usagef("%s: %v", flagName, err)
	}
	return nil
}
