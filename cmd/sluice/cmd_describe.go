package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

func init() {
	register(&command{
		name:    "describe",
		summary: "summary statistics of each numeric column",
		usage: `Usage: sluice describe IN… [--columns C,…] [flags]

Prints, for every numeric column: count, nulls, mean, std (ddof 1), min,
25%, median, 75% and max, as pandas' describe() (quantiles exact, linear
method). Text columns that are almost numeric are listed below the table
with the tokens that kept them text (add those to --na). The statistics
are one aggregation over the whole input, run like 'sluice agg': with
--mem a column's values that do not fit fail with a budget error.
` + inputsHelp + `
Flags:
  --columns COLS      describe only these columns, comma-separated, in this
                      order (default: every numeric column)
  --format F          table (default), csv, tsv, json, ndjson

` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice describe oes.csv --na '*' --na '#' --na '**' --thousands ,
  sluice describe 'parts/*.csv' --columns tot_emp,a_mean,a_median --na auto
`,
		run: runDescribe,
	})
}

var describeStats = []struct{ name, fn string }{
	{"count", "count"}, {"nulls", ""}, {"mean", "mean"}, {"std", "std"}, {"min", "min"},
	{"25%", "quantile"}, {"50%", "median"}, {"75%", "quantile"}, {"max", "max"},
}

func runDescribe(ctx context.Context, e *env, args []string) error {
	c := findCommand("describe")
	fs := newFlags(c, e)
	var v verbFlags
	v.rf.register(fs)
	v.ef.register(fs)
	fs.StringVar(&v.inFormat, "input-format", "", "")
	fs.BoolVar(&v.union, "union", false, "")
	format := fs.String("format", "table", "")
	columns := fs.String("columns", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	if *format != "table" && !knownFormat(*format) {
		return usagef("describe: --format %q: want table, csv, tsv, json or ndjson", *format)
	}
	// the schema decides which columns are described; a pipe is kept in
	// a file, as it is read twice
	if slices.Contains(pos, "-") {
		path, cleanup, err := keepStdin(e)
		if err != nil {
			return err
		}
		defer cleanup()
		e = &env{stdin: nil, stdout: e.stdout, stderr: e.stderr, stdinFile: path}
	}
	in := v.input("in", pos...)
	opt, done, err := v.options(e)
	if err != nil {
		return err
	}
	done()
	schema, err := pipeline.Schema(ctx, v.plan("describe", pipeline.Step{From: "in"}, in), "in", opt)
	if err != nil {
		return err
	}
	if want := splitList(*columns); len(want) > 0 {
		// only the named columns, in the order given
		var picked []readers.ColumnInfo
		for _, name := range want {
			i := slices.IndexFunc(schema, func(ci readers.ColumnInfo) bool { return ci.Name == name })
			if i < 0 {
				var have []string
				for _, ci := range schema {
					have = append(have, ci.Name)
				}
				return usagef("describe: --columns: no column %q (have %s)", name, strings.Join(have, ", "))
			}
			picked = append(picked, schema[i])
		}
		schema = picked
	}
	var numeric []string
	var almost []readers.ColumnInfo
	for _, ci := range schema {
		switch ci.Type {
		case frame.Int64, frame.Float64:
			numeric = append(numeric, ci.Name)
		default:
			if ci.Almost() {
				almost = append(almost, ci)
			}
		}
	}
	if len(numeric) == 0 {
		fmt.Fprintf(e.stdout, "no numeric columns\n")
		printAlmost(e, almost)
		return nil
	}
	step := pipeline.Step{From: "in", Agg: []pipeline.AggSpec{{Name: "rows", Func: "count"}}}
	for _, col := range numeric {
		for _, st := range describeStats {
			if st.fn == "" {
				continue
			}
			a := pipeline.AggSpec{Name: col + "\x00" + st.name, Func: st.fn, Column: col}
			switch st.name {
			case "25%":
				a.P = 0.25
			case "75%":
				a.P = 0.75
			}
			step.Agg = append(step.Agg, a)
		}
	}
	in.Options.Columns = numeric
	f, err := v.collect(ctx, e, v.plan("describe", step, in))
	if err != nil {
		return err
	}
	// one row per column: transpose the single aggregated row
	rows := f.MustColumn("rows").Int64s()[0]
	names := make([]string, 0, len(numeric))
	stat := make([][]float64, len(describeStats))
	for _, col := range numeric {
		names = append(names, col)
		for k, st := range describeStats {
			var val float64
			switch st.name {
			case "nulls":
				cnt := f.MustColumn(col + "\x00count")
				val = float64(rows - cnt.Int64s()[0])
			default:
				val = numberAt(f.MustColumn(col + "\x00" + st.name))
			}
			stat[k] = append(stat[k], val)
		}
	}
	if *format != "table" {
		cols := []*frame.Column{frame.MustColumn(frame.NewString("column", names, nil))}
		for k, st := range describeStats {
			if st.name == "count" || st.name == "nulls" {
				ints := make([]int64, len(stat[k]))
				for i, x := range stat[k] {
					ints[i] = int64(x)
				}
				cols = append(cols, frame.MustColumn(frame.NewInt64(st.name, ints, nil)))
				continue
			}
			cols = append(cols, frame.NewFloat64(st.name, stat[k]))
		}
		res, err := frame.New(cols...)
		if err != nil {
			return err
		}
		return writeTo(e, res, *format)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "column\t")
	for _, st := range describeStats {
		fmt.Fprintf(tw, "%s\t", st.name)
	}
	fmt.Fprintln(tw)
	for i, name := range names {
		fmt.Fprintf(tw, "%s\t", name)
		for k, st := range describeStats {
			x := stat[k][i]
			switch {
			case st.name == "count" || st.name == "nulls":
				fmt.Fprintf(tw, "%d\t", int64(x))
			case math.IsNaN(x):
				fmt.Fprint(tw, "NaN\t")
			default:
				fmt.Fprintf(tw, "%s\t", strconv.FormatFloat(x, 'g', 6, 64))
			}
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	printAlmost(e, almost)
	return nil
}

// numberAt is the single value of an aggregated column as a float (NaN
// for null).
func numberAt(c *frame.Column) float64 {
	if c.Len() == 0 || c.IsNull(0) {
		return math.NaN()
	}
	switch c.Type() {
	case frame.Int64:
		return float64(c.Int64s()[0])
	case frame.Float64:
		return c.Float64s()[0]
	}
	return math.NaN()
}

// printAlmost lists the text columns that are almost numeric or dates.
func printAlmost(e *env, almost []readers.ColumnInfo) {
	if len(almost) == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "\nnot described (text, though almost all values are numbers or dates):\n")
	for _, ci := range almost {
		fmt.Fprintf(e.stdout, "  %s\n", ci.Explain())
	}
}

// writeTo writes f to standard output in a writers format.
func writeTo(e *env, f *frame.Frame, format string) error {
	w, err := writers.New(e.stdout, format, writers.Options{})
	if err != nil {
		return err
	}
	if err := w.Write(f); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}
