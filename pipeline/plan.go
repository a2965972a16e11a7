// Package pipeline runs declarative plans — named inputs, steps and
// outputs — built in Go or loaded from a YAML spec file. A plan is
// validated and planned once (projection and filter pushdown, semi-join
// reduction, which side of a join to stream), then executed by one
// executor on package parallel's streaming operators: nothing is
// materialised between steps unless several steps read it, and with a
// memory budget every operator, intermediates included, stays within it.
// Every verb of the sluice command line is such a plan.
//
// # Spec files
//
//	name: w1-features
//	inputs:
//	  related: { path: related_titles.csv }
//	  oes:
//	    path: oes.csv                 # a glob (oes/*.csv, logs/**/*.csv), a list, .xlsx, .parquet, .json
//	    na: ["*", "#", "**"]          # extra null tokens
//	    thousands: ","                # digit grouping in numbers
//	    columns: [area_title, a_mean] # read only these
//	steps:
//	  - name: close
//	    from: related                 # or join: {left: A, right: B, on: [k] | {lk: rk}, how: inner}
//	                                  # or match: {left: A, right: B, on: {name: company}, threshold: 85}
//	    derive: { t: lower(title) }   # new columns from expressions
//	    filter: score > 80            # an expression (frame.ParseExpr)
//	    group_by: [title]             # leave out for one row over everything
//	    agg: { best: max(score), mid: median(score), p90: quantile(score, 0.9) }
//	    select: [title, best]
//	    rename: { best: top_score }
//	    distinct: true                # or a list of columns
//	    sort: [title, -top_score]     # '-' for descending
//	    limit: 100
//	output:                           # or outputs: [ {from, path}, … ]
//	  from: close
//	  path: close.csv                 # .csv, .tsv, .json, .ndjson, .xlsx, .parquet by extension; - for stdout
//
// A step takes one source and applies, in this order, whichever of derive,
// filter, group_by + agg (or agg alone), select, rename, distinct, sort and
// limit it has. In a join, key columns appear once, under the left side's
// names; clashing non-key columns of the right side get the suffix
// "_right". Aggregations: see [frame.ParseAgg]; nulls are skipped as in
// pandas.
//
// Input keys: path (or paths: a list), format, union, and the reader
// options (na, thousands, columns, types, …; see readers.OptionSpecs).
//
// Relative input paths are resolved against Options.DataDir when it is set,
// otherwise against the spec file's directory; relative output paths likewise.
//
// # Order
//
// Rows keep the order of their source through filter, derive, select,
// rename and limit. Group-by gives groups in order of first appearance,
// distinct keeps first occurrences. A join gives frame.Join's order: the
// streamed side's rows in order, each followed by its matches. The planner
// streams the left side, except for an inner join whose right side is a
// file and whose left side is computed, or is a smaller file: then the
// right side is streamed (frame.OrderByRight) and the output follows its
// order. [Explain] says which. Results are the same for any number of
// workers and any memory budget.
//
// # Validation and planning
//
// [Validate] checks a plan before any data is processed — unknown inputs,
// steps, columns and functions, type errors in filters and aggregations,
// cycles — reporting the spec file's line. It reads only the header and the
// type-inference sample of each input. The planner then pushes work down:
// only the columns a plan uses are parsed, a filter on an input runs on each
// chunk as it is read, and a join whose other side is computed filters a
// streamed input by that side's keys while parsing (semi-join reduction),
// so a huge table that only a few keys match is never converted whole.
//
// # Resuming
//
// With Options.Checkpoints set (sluice run --resume), each step's result is
// checkpointed, as it streams, in that run directory ([RunDir] gives the
// usual one), and a rerun reads every step whose checkpoint is there instead
// of computing it or anything upstream of it; its outputs are byte-identical
// to an uninterrupted run's. A checkpoint is keyed by the step's definition,
// everything upstream of it and its input files' paths, sizes and
// modification times, so a changed input or step recomputes exactly the
// steps downstream of it ([Explain] shows which). Checkpoints are written
// atomically (a temporary file, then a rename), removed when the run
// succeeds unless Options.KeepCheckpoints, and hold values in the machine's
// byte order (they do not move between machines). Resumption is per step:
// a step cut short is computed again from its start.
package pipeline

import (
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// Plan is a pipeline: inputs, steps and outputs. Names of inputs and steps
// share one namespace.
type Plan struct {
	Name    string
	Inputs  []Input
	Steps   []Step
	Outputs []Output
	// File is the spec file the plan came from ("" when built in Go).
	File string
}

// Input is a named table read from one or more files.
type Input struct {
	Name string
	// Path is a file, a glob (* ? [ and ** for any depth) or "-" for the
	// standard input (Options.Stdin); Paths adds more of them. Several
	// files are read in order as one table.
	Path  string
	Paths []string
	// Format forces the format ("csv", "tsv", "json", "ndjson", "xlsx",
	// "parquet", …) instead of the file extension; needed for "-" when
	// the input is not CSV.
	Format string
	// Union reads files with different columns as one table: columns by
	// name in order of first appearance, null where a file lacks one.
	// Without it, files whose columns differ are an error.
	Union   bool
	Options readers.Options
	Line    int // spec line, 0 when built in Go
}

// AllPaths returns Path and Paths, in order.
func (in *Input) AllPaths() []string {
	var out []string
	if in.Path != "" {
		out = append(out, in.Path)
	}
	return append(out, in.Paths...)
}

// Step computes a named frame from one source.
type Step struct {
	Name   string
	From   string     // source frame, or
	Join   *JoinSpec  // a join of two frames, or
	Match  *MatchSpec // a fuzzy join of two frames
	Derive []Derived  // new columns, in order
	Filter string     // predicate (frame.ParseExpr)
	// GroupBy and Agg: groups and their aggregations; Agg without GroupBy
	// aggregates all rows into one.
	GroupBy  []string
	Agg      []AggSpec
	Select   []string
	Rename   []Rename
	Distinct []string // columns; set DistinctAll for all columns
	// DistinctAll drops duplicate rows over all columns.
	DistinctAll bool
	Sort        []frame.SortKey
	// Limit keeps the first Limit rows when HasLimit is set.
	Limit    int64
	HasLimit bool
	Line     int // spec line of the step
	lines    map[string]int
}

// Derived is a column computed from an expression.
type Derived struct {
	Name string
	Expr string
}

// Rename renames column From to To.
type Rename struct {
	From, To string
}

// MatchSpec is a fuzzy join (package parallel/fuzzy): for every row of
// Left, the rows of Right whose RightOn text is most similar to its LeftOn
// text.
type MatchSpec struct {
	Left, Right     string
	LeftOn, RightOn string
	// Scorer is token_set (default), token_sort, ratio, partial or
	// jaro_winkler.
	Scorer string
	// Threshold is the smallest score kept (0–100); 0 means 80.
	Threshold float64
	// Top is the most matches kept per left row; 0 means 1.
	Top int
	// KeepUnmatched keeps left rows without a match (right side null).
	KeepUnmatched bool
	// NoNormalize compares the text as it is (default: NFKC, lower case,
	// punctuation to spaces).
	NoNormalize bool
	// BruteForce scores every pair (to check or time the index).
	BruteForce bool
}

// JoinSpec joins two named frames.
type JoinSpec struct {
	Left, Right string
	LeftOn      []string
	RightOn     []string
	How         frame.JoinType
}

// AggSpec is one output column of a group-by: Func over Column (Column ""
// for count()), with P for quantile; Src is the text it was read from.
type AggSpec struct {
	Name   string
	Func   string
	Column string
	P      float64
	Src    string
	Line   int
}

// Output writes a named frame to a file ("-": Options.Stdout).
type Output struct {
	From string
	Path string
	// Format forces the output format ("csv", "tsv", "json", "ndjson",
	// "xlsx", "parquet"); by default the path's extension, CSV for "-".
	Format string
	Line   int
}

// lineOf returns the spec line for a step field, or the step's line.
func (s *Step) lineOf(field string) int {
	if l, ok := s.lines[field]; ok {
		return l
	}
	return s.Line
}

// Error is a plan problem located in its spec file.
type Error struct {
	File string
	Line int
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	loc := e.File
	if loc == "" {
		loc = "plan"
	}
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	if e.Err != nil && e.Msg == "" {
		return fmt.Sprintf("%s: %v", loc, e.Err)
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", loc, e.Msg, e.Err)
	}
	return loc + ": " + e.Msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// inputErr wraps an error of reading an input. An input of a spec is
// named with its line; one built in Go (Line 0) only by the file its error
// names, when it names one.
func (p *Plan) inputErr(in *Input, err error) error {
	if in.Line == 0 {
		for _, path := range in.AllPaths() {
			if path != "" && strings.Contains(err.Error(), strings.TrimSuffix(path, "*")) {
				return &Error{File: p.File, Err: err}
			}
		}
	}
	return p.errf(in.Line, err, "input %q", in.Name)
}

func (p *Plan) errf(line int, cause error, format string, args ...any) error {
	return &Error{File: p.File, Line: line, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// Agg builds the frame aggregation for a spec, named a.Name.
func (a AggSpec) Agg() (frame.Agg, error) {
	src := a.Src
	if src == "" {
		switch {
		case a.Func == "count" && a.Column == "":
			src = "count()"
		case a.Func == "quantile":
			src = fmt.Sprintf("quantile(%q, %v)", a.Column, a.P)
		default:
			src = fmt.Sprintf("%s(%q)", a.Func, a.Column)
		}
	}
	return frame.ParseAgg(a.Name, src)
}

// ParseAgg reads an aggregation as spec files and the CLI write it —
// "median(a_mean)", "quantile(a_mean, 0.9)", "count()", "count(x)" — into a
// spec whose output column is name (see [frame.ParseAgg]).
func ParseAgg(name, src string) (AggSpec, error) {
	g, err := frame.ParseAgg(name, src)
	if err != nil {
		return AggSpec{}, err
	}
	a := AggSpec{Name: g.Name(), Func: g.Func(), Column: g.Column(), P: g.P(), Src: src}
	return a, nil
}
