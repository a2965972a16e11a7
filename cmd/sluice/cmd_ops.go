package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/stats"
	"github.com/sluicedata/sluice/writers"
)

func init() {
	register(&command{
		name:    "filter",
		summary: "keep the rows matching an expression (streaming)",
		usage: `Usage: sluice filter IN --where EXPR [-o OUT] [reader flags]

Streams IN chunk by chunk, keeping the rows where EXPR is true, so memory
stays at a few chunks whatever the file size. EXPR is a Go expression over
column names (null counts as false):
  score > 80 && area_title == "Texas"
  !is_null(a_mean) && has_prefix(occ_code, "11-")
Without -o the result is written to stdout as CSV.

Flags:
  --where EXPR        the condition (required)
  -o OUT              output file: .csv, .tsv or .xlsx (default: stdout, CSV)

` + readerFlagsHelp + `
Examples:
  sluice filter oes.csv --where 'a_mean > 100000' --na '*' --thousands , -o rich.csv
  sluice filter titles.csv --where 'contains(title, "Engineer")'
`,
		run: runFilter,
	})
	register(&command{
		name:    "join",
		summary: "hash-join two files on key columns",
		usage: `Usage: sluice join LEFT RIGHT --on K[=K2][,K3…] [--how H] [-o OUT] [flags]

Joins LEFT and RIGHT on equal keys, on every core. --on code=occ_code joins
LEFT's code with RIGHT's occ_code; --on title,state joins on columns named
alike. Null keys never match. Key columns appear once, under LEFT's names;
clashing columns of RIGHT get the suffix _right. Both inputs are read into
memory, unless --mem is given: then both are streamed, hash-partitioned into
spill files when they do not fit, and the result (in the same row order) is
streamed to OUT.

Flags:
  --on KEYS           key columns (required)
  --how H             inner (default), left, right, outer, semi, anti
  -o OUT              output file (default: stdout, CSV)

` + readerFlagsHelp + `(reader flags apply to both inputs)

` + engineFlagsHelp + `
Examples:
  sluice join pairs.csv codes.csv --on related_title=title -o pair_codes.csv
  sluice join work.csv medians.csv --on title,state --how left -o features.xlsx
`,
		run: runJoin,
	})
	register(&command{
		name:    "agg",
		summary: "group by keys and aggregate (exact medians and quantiles)",
		usage: `Usage: sluice agg IN --by K[,K…] --agg 'NAME=FUNC(COL)' … [-o OUT] [flags]

Groups IN's rows by the --by columns and computes each --agg, on every core.
Functions: count() (rows), count(x) (non-null), sum, mean, median,
quantile(x, p), min, max, std, var, nunique, first, last. Nulls are skipped
as in pandas; medians and quantiles are exact (numpy's linear method).
Groups come out in order of first appearance (--sorted: by key). With --mem
the input is streamed and, when it does not fit, hash-partitioned by key into
spill files aggregated partition by partition (same result).

Flags:
  --by KEYS           group key columns, comma-separated (required)
  --agg SPEC          NAME=FUNC(COL), repeatable (required)
  --sorted            sort the groups by key
  -o OUT              output file (default: stdout, CSV)

` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice agg oes.csv --by area_title --agg 'med=median(a_mean)' --agg 'p90=quantile(a_mean, 0.9)' --na '*' --thousands ,
`,
		run: runAgg,
	})
	register(&command{
		name:    "sort",
		summary: "sort rows by key columns",
		usage: `Usage: sluice sort IN --by K[,-K2…] [-o OUT] [flags]

Sorts IN by the --by columns (prefix '-' for descending). The sort is
stable and puts nulls last. The input is read into memory, unless --mem is
given: then sorted runs are spilled and merged into OUT (an external sort).

Flags:
  --by KEYS           sort keys, comma-separated, '-' for descending (required)
  -o OUT              output file (default: stdout, CSV)

` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice sort oes.csv --by occ_code,-a_mean -o sorted.csv
`,
		run: runSort,
	})
	register(&command{
		name:    "describe",
		summary: "summary statistics of each numeric column",
		usage: `Usage: sluice describe FILE [reader flags]

Prints, for every numeric column: count, nulls, mean, std (ddof 1), min,
25%, median, 75% and max, as pandas' describe() (quantiles exact, linear
method). Only the numeric columns are kept in memory.

` + readerFlagsHelp + `
Example:
  sluice describe oes.csv --na '*' --na '#' --thousands ,
`,
		run: runDescribe,
	})
}

// sink writes chunks to OUT (atomically) or to stdout as CSV.
type sink struct {
	w      writers.Writer
	stdout io.Writer
	header bool
	rows   int64
	path   string
}

func newSink(e *env, out string) (*sink, error) {
	if out == "" || out == "-" {
		return &sink{stdout: e.stdout}, nil
	}
	w, err := writers.Create(out, writers.Options{OnNewSheet: func(name string, first int64) {
		fmt.Fprintf(e.stderr, "sluice: Excel's row limit reached after %d rows: continuing in sheet %q\n", first, name)
	}})
	if err != nil {
		return nil, err
	}
	return &sink{w: w, path: out}, nil
}

func (s *sink) write(f *frame.Frame) error {
	s.rows += int64(f.NumRows())
	if s.w != nil {
		return s.w.Write(f)
	}
	if !s.header {
		s.header = true
		return writeCSV(s.stdout, f)
	}
	return writeCSVRows(s.stdout, f)
}

func (s *sink) close(e *env) error {
	if s.w == nil {
		return nil
	}
	if err := s.w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "sluice: wrote %s to %s\n", plural(s.rows, "row"), s.path)
	return nil
}

func (s *sink) abort() {
	if s.w != nil {
		s.w.Abort()
	}
}

// finish closes the sink after a streaming operator returned err: on
// error or cancellation the output is aborted, so nothing is left at its
// path.
func (s *sink) finish(ctx context.Context, e *env, err error) error {
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.abort()
		return err
	}
	return s.close(e)
}

// writeFrame writes a whole frame to the sink in chunks.
func (s *sink) writeFrame(ctx context.Context, f *frame.Frame) error {
	const chunk = 1 << 16
	for i := 0; i < f.NumRows() || i == 0; i += chunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.write(f.Slice(i, i+chunk)); err != nil {
			return err
		}
		if f.NumRows() == 0 {
			break
		}
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

func readAll(ctx context.Context, path string, opt readers.Options) (*frame.Frame, error) {
	return readers.ReadFile(ctx, path, opt)
}

func runFilter(ctx context.Context, e *env, args []string) error {
	c := findCommand("filter")
	fs := newFlags(c, e)
	var rf readerFlags
	rf.register(fs)
	where := fs.String("where", "", "")
	out := fs.String("o", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	in, err := oneArg(c, pos, "input file")
	if err != nil {
		return err
	}
	if *where == "" {
		return usagef("filter: --where EXPR is required")
	}
	expr, err := frame.ParseExpr(*where)
	if err != nil {
		return usagef("filter: --where: %v", err)
	}
	opt, err := rf.options()
	if err != nil {
		return err
	}
	s, err := newSink(e, *out)
	if err != nil {
		return err
	}
	for chunk, err := range readers.Open(ctx, in, opt) {
		if err == nil {
			chunk, err = chunk.Filter(expr)
		}
		if err == nil {
			err = s.write(chunk)
		}
		if err != nil {
			s.abort()
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		s.abort()
		return err
	}
	return s.close(e)
}

func runJoin(ctx context.Context, e *env, args []string) error {
	c := findCommand("join")
	fs := newFlags(c, e)
	var rf readerFlags
	rf.register(fs)
	var ef engineFlags
	ef.register(fs)
	on := fs.String("on", "", "")
	how := fs.String("how", "inner", "")
	out := fs.String("o", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("join: want LEFT and RIGHT, got %d arguments", len(pos))
	}
	if *on == "" {
		return usagef("join: --on KEYS is required")
	}
	kind, err := frame.ParseJoinType(*how)
	if err != nil {
		return usagef("join: --how %q: want inner, left, right, outer, semi or anti", *how)
	}
	var jon frame.JoinOn
	for _, k := range splitList(*on) {
		l, r, ok := strings.Cut(k, "=")
		if !ok {
			r = l
		}
		jon.Left, jon.Right = append(jon.Left, l), append(jon.Right, r)
	}
	mem, opt, err := budgetAndOptions(&ef, &rf)
	if err != nil {
		return err
	}
	if mem > 0 {
		// out of core: both inputs streamed, spilled by key hash when
		// they do not fit, the result streamed to the output
		return ef.streamTo(ctx, e, mem, *out, func(emit func(*frame.Frame) error, popt parallel.Options) error {
			return parallel.JoinTo(ctx, readers.Open(ctx, pos[0], opt), readers.Open(ctx, pos[1], opt), kind, jon, emit, popt)
		})
	}
	left, err := readAll(ctx, pos[0], opt)
	if err != nil {
		return err
	}
	right, err := readAll(ctx, pos[1], opt)
	if err != nil {
		return err
	}
	j, err := parallel.Join(ctx, left, right, kind, jon, parallel.Options{Workers: ef.workers})
	if err != nil {
		return err
	}
	return writeResult(ctx, e, *out, j)
}

func writeResult(ctx context.Context, e *env, out string, f *frame.Frame) error {
	s, err := newSink(e, out)
	if err != nil {
		return err
	}
	if err := s.writeFrame(ctx, f); err != nil {
		s.abort()
		return err
	}
	return s.close(e)
}

// parseAggFlag reads NAME=FUNC(COL) with the spec files' aggregation syntax
// (pipeline.ParseAgg) and returns the aggregation and the column it reads.
func parseAggFlag(s string) (frame.Agg, []string, error) {
	name, spec, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return frame.Agg{}, nil, fmt.Errorf("--agg %q: want NAME=FUNC(COL), e.g. med=median(a_mean)", s)
	}
	a, err := pipeline.ParseAgg(strings.TrimSpace(name), strings.TrimSpace(spec))
	if err != nil {
		return frame.Agg{}, nil, fmt.Errorf("--agg %q: %v", s, err)
	}
	g, err := a.Agg()
	if err != nil {
		return frame.Agg{}, nil, fmt.Errorf("--agg %q: %v", s, err)
	}
	var cols []string
	if a.Column != "" {
		cols = []string{a.Column}
	}
	return g, cols, nil
}

func runAgg(ctx context.Context, e *env, args []string) error {
	c := findCommand("agg")
	fs := newFlags(c, e)
	var rf readerFlags
	rf.register(fs)
	var ef engineFlags
	ef.register(fs)
	by := fs.String("by", "", "")
	var aggSpecs listFlag
	fs.Var(&aggSpecs, "agg", "")
	sorted := fs.Bool("sorted", false, "")
	out := fs.String("o", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	in, err := oneArg(c, pos, "input file")
	if err != nil {
		return err
	}
	keys := splitList(*by)
	if len(keys) == 0 || len(aggSpecs) == 0 {
		return usagef("agg: --by and at least one --agg are required")
	}
	var aggs []frame.Agg
	need := append([]string(nil), keys...)
	for _, s := range aggSpecs {
		a, cols, err := parseAggFlag(s)
		if err != nil {
			return usagef("agg: %v", err)
		}
		aggs = append(aggs, a)
		for _, c := range cols {
			if !contains(need, c) {
				need = append(need, c)
			}
		}
	}
	mem, opt, err := budgetAndOptions(&ef, &rf)
	if err != nil {
		return err
	}
	opt.Columns = need // parse only what the aggregation uses
	if mem > 0 && !*sorted {
		return ef.streamTo(ctx, e, mem, *out, func(emit func(*frame.Frame) error, popt parallel.Options) error {
			return parallel.GroupByTo(ctx, readers.Open(ctx, in, opt), keys, aggs, emit, popt)
		})
	}
	if mem > 0 {
		popt, done := ef.parallelOptions(e, mem)
		g, err := parallel.GroupByStream(ctx, readers.Open(ctx, in, opt), keys, aggs, popt)
		done()
		if err == nil {
			g, err = g.SortBy(keys...)
		}
		if err != nil {
			return err
		}
		return writeResult(ctx, e, *out, g)
	}
	f, err := readAll(ctx, in, opt)
	if err != nil {
		return err
	}
	g, err := parallel.GroupBy(ctx, f, keys, aggs, parallel.Options{Workers: ef.workers})
	if err != nil {
		return err
	}
	if *sorted {
		if g, err = g.SortBy(keys...); err != nil {
			return err
		}
	}
	return writeResult(ctx, e, *out, g)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func runSort(ctx context.Context, e *env, args []string) error {
	c := findCommand("sort")
	fs := newFlags(c, e)
	var rf readerFlags
	rf.register(fs)
	var ef engineFlags
	ef.register(fs)
	by := fs.String("by", "", "")
	out := fs.String("o", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	in, err := oneArg(c, pos, "input file")
	if err != nil {
		return err
	}
	keys := pipeline.ParseSortKeys(splitList(*by))
	if len(keys) == 0 {
		return usagef("sort: --by KEYS is required")
	}
	mem, opt, err := budgetAndOptions(&ef, &rf)
	if err != nil {
		return err
	}
	if mem > 0 {
		// external sort: sorted runs spilled, k-way merged to the output
		return ef.streamTo(ctx, e, mem, *out, func(emit func(*frame.Frame) error, popt parallel.Options) error {
			return parallel.SortTo(ctx, readers.Open(ctx, in, opt), keys, emit, popt)
		})
	}
	f, err := readAll(ctx, in, opt)
	if err != nil {
		return err
	}
	sorted, err := f.Sort(keys...)
	if err != nil {
		return err
	}
	return writeResult(ctx, e, *out, sorted)
}

func runDescribe(ctx context.Context, e *env, args []string) error {
	c := findCommand("describe")
	fs := newFlags(c, e)
	var rf readerFlags
	rf.register(fs)
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	in, err := oneArg(c, pos, "FILE")
	if err != nil {
		return err
	}
	opt, err := rf.options()
	if err != nil {
		return err
	}
	var names []string
	var vals [][]float64
	var nulls []int
	for chunk, err := range readers.Open(ctx, in, opt) {
		if err != nil {
			return err
		}
		if names == nil {
			for _, col := range chunk.Columns() {
				if t := col.Type(); t == frame.Int64 || t == frame.Float64 {
					names = append(names, col.Name())
				}
			}
			vals = make([][]float64, len(names))
			nulls = make([]int, len(names))
		}
		for k, name := range names {
			col := chunk.MustColumn(name)
			nulls[k] += col.NullCount()
			if col.Type() == frame.Float64 {
				vals[k] = append(vals[k], col.Float64s()...)
				continue
			}
			for i, v := range col.Int64s() {
				if col.IsNull(i) {
					vals[k] = append(vals[k], math.NaN())
				} else {
					vals[k] = append(vals[k], float64(v))
				}
			}
		}
	}
	if len(names) == 0 {
		fmt.Fprintf(e.stdout, "%s: no numeric columns (check --na and --thousands)\n", in)
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "column\tcount\tnulls\tmean\tstd\tmin\t25%\t50%\t75%\tmax\t")
	num := func(v float64) string {
		if math.IsNaN(v) {
			return "NaN"
		}
		return fmt.Sprintf("%.6g", v)
	}
	for k, name := range names {
		d := stats.Describe(vals[k])
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, d.Count, nulls[k],
			num(d.Mean), num(d.Std), num(d.Min), num(d.P25), num(d.Median), num(d.P75), num(d.Max))
	}
	return tw.Flush()
}

// streamTo runs an out-of-core operator whose result goes, chunk by chunk,
// to OUT (atomically) or stdout, under the memory budget mem.
func (ef *engineFlags) streamTo(ctx context.Context, e *env, mem int64, out string,
	op func(emit func(*frame.Frame) error, popt parallel.Options) error) error {
	s, err := newSink(e, out)
	if err != nil {
		return err
	}
	popt, done := ef.parallelOptions(e, mem)
	err = op(s.write, popt)
	done()
	return s.finish(ctx, e, err)
}

// budgetAndOptions applies a verb's engine flags, returning its memory
// budget, and its reader flags, returning the reader options.
func budgetAndOptions(ef *engineFlags, rf *readerFlags) (int64, readers.Options, error) {
	mem, err := ef.apply()
	if err != nil {
		return 0, readers.Options{}, err
	}
	opt, err := rf.options()
	return mem, opt, err
}
