package main

import (
	"context"
	"flag"
	"strings"

	"github.com/sluicedata/sluice/pipeline"
)

// The small table verbs — select, rename, derive, distinct, cat, frequency —
// are one-step plans, like the spec steps of the same names.
func init() {
	register(&command{
		name:    "select",
		summary: "keep some columns, in a given order",
		usage: `Usage: sluice select IN… --columns C1,C2,… [-o OUT] [flags]

Writes only the named columns, in the order given (like xsv select or
cut). Only those columns are parsed.
` + inputsHelp + `
Flags:
  --columns COLS      the columns to keep, comma-separated (required)

` + ioFlagsHelp + `
` + readerFlagsHelp + `
Examples:
  sluice select oes.csv --columns area_title,occ_code,a_mean -o slim.csv
`,
		run: runSelect,
	})
	register(&command{
		name:    "rename",
		summary: "rename columns",
		usage: `Usage: sluice rename IN… --as OLD=NEW[,OLD2=NEW2…] [-o OUT] [flags]

Writes the input with columns renamed; the others keep their names.
` + inputsHelp + `
Flags:
  --as PAIRS          OLD=NEW pairs, comma-separated (required)

` + ioFlagsHelp + `
` + readerFlagsHelp + `
Examples:
  sluice rename oes.csv --as a_mean=mean_wage,tot_emp=employment -o renamed.csv
`,
		run: runRename,
	})
	register(&command{
		name:    "derive",
		summary: "add columns computed from expressions",
		usage: `Usage: sluice derive IN… --col 'NAME=EXPR' … [-o OUT] [flags]

Adds a column per --col, computed row by row from an expression over the
other columns (the same expressions as filter --where: arithmetic,
comparisons, and/or/not, lower, upper, len, abs, round, year, month,
if(cond, a, b), coalesce(a, b)…). Later columns may use earlier ones.
` + inputsHelp + `
Flags:
  --col NAME=EXPR     a new column, repeatable (required)

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice derive oes.csv --col 'state=lower(area_title)' --col 'big=tot_emp > 10000' --na auto -o derived.csv
`,
		run: runDerive,
	})
	register(&command{
		name:    "distinct",
		summary: "drop duplicate rows (or rows with a duplicate key)",
		usage: `Usage: sluice distinct IN… [--on C1,C2,…] [-o OUT] [flags]

Keeps the first row of every distinct value of the --on columns (all
columns when not given), in input order. With --mem the keys seen are
spilled by hash partition when they do not fit.
` + inputsHelp + `
Flags:
  --on COLS           the columns that make a row distinct (default: all)

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice distinct oes.csv --on area_title --select area_title
  sluice distinct 'parts/*.csv' --na auto -o unique.csv --mem 256MiB
`,
		run: runDistinct,
	})
	register(&command{
		name:    "cat",
		summary: "concatenate files into one table",
		usage: `Usage: sluice cat IN… [-o OUT] [--union] [flags]

Writes the rows of every input, file after file, as one table. Files with
different columns are an error, unless --union: then columns are aligned by
name, with nulls where a file lacks one.
` + inputsHelp + `
` + ioFlagsHelp + `
` + readerFlagsHelp + `
Examples:
  sluice cat 'parts/*.csv' --na auto -o all.csv
  sluice cat titles_states.csv codes.csv --union --format ndjson
`,
		run: runCat,
	})
	register(&command{
		name:    "frequency",
		summary: "count the rows of each value of some columns, most frequent first",
		usage: `Usage: sluice frequency IN… --by C1[,C2…] [--limit N] [-o OUT] [flags]

Counts the rows of every distinct value of the --by columns (nulls are a
value of their own) and writes them most frequent first (ties in order of
first appearance), as pandas' value_counts or xsv frequency.
` + inputsHelp + `
Flags:
  --by COLS           the columns to count (required)
  --limit N           only the N most frequent

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice frequency oes.csv --by area_title --limit 5
`,
		run: runFrequency,
	})
}

// tableVerb parses a small verb's flags; extra registers its own.
func tableVerb(ctx context.Context, e *env, name string, args []string, extra func(fs *flag.FlagSet), build func(pos []string) (pipeline.Step, error)) error {
	c := findCommand(name)
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	sel := ""
	if name != "select" {
		fs.StringVar(&sel, "select", "", "")
	}
	extra(fs)
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	step, err := build(pos)
	if err != nil {
		return err
	}
	step.From = "in"
	if sel != "" {
		step.Select = splitList(sel)
	}
	return v.run(ctx, e, v.plan(name, step, v.input("in", pos...)))
}

func runSelect(ctx context.Context, e *env, args []string) error {
	var cols string
	return tableVerb(ctx, e, "select", args, func(fs *flag.FlagSet) { fs.StringVar(&cols, "columns", "", "") },
		func([]string) (pipeline.Step, error) {
			if splitList(cols) == nil {
				return pipeline.Step{}, usagef("select: --columns C1,C2,… is required")
			}
			return pipeline.Step{Select: splitList(cols)}, nil
		})
}

func runRename(ctx context.Context, e *env, args []string) error {
	var as string
	return tableVerb(ctx, e, "rename", args, func(fs *flag.FlagSet) { fs.StringVar(&as, "as", "", "") },
		func([]string) (pipeline.Step, error) {
			var rn []pipeline.Rename
			for _, p := range splitList(as) {
				from, to, ok := strings.Cut(p, "=")
				if !ok || strings.TrimSpace(from) == "" || strings.TrimSpace(to) == "" {
					return pipeline.Step{}, usagef("rename: --as %q: want OLD=NEW", p)
				}
				rn = append(rn, pipeline.Rename{From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
			}
			if rn == nil {
				return pipeline.Step{}, usagef("rename: --as OLD=NEW is required")
			}
			return pipeline.Step{Rename: rn}, nil
		})
}

func runDerive(ctx context.Context, e *env, args []string) error {
	var cols listFlag
	return tableVerb(ctx, e, "derive", args, func(fs *flag.FlagSet) { fs.Var(&cols, "col", "") },
		func([]string) (pipeline.Step, error) {
			var ds []pipeline.Derived
			for _, c := range cols {
				name, expr, ok := strings.Cut(c, "=")
				// "a == b" as a whole is not NAME=EXPR
				if !ok || strings.TrimSpace(name) == "" || strings.HasPrefix(expr, "=") {
					return pipeline.Step{}, usagef("derive: --col %q: want NAME=EXPR, e.g. 'ratio=a / b'", c)
				}
				if err := checkExpr("derive: --col "+strings.TrimSpace(name), expr); err != nil {
					return pipeline.Step{}, err
				}
				ds = append(ds, pipeline.Derived{Name: strings.TrimSpace(name), Expr: expr})
			}
			if ds == nil {
				return pipeline.Step{}, usagef("derive: at least one --col NAME=EXPR is required")
			}
			return pipeline.Step{Derive: ds}, nil
		})
}

func runDistinct(ctx context.Context, e *env, args []string) error {
	var on string
	return tableVerb(ctx, e, "distinct", args, func(fs *flag.FlagSet) { fs.StringVar(&on, "on", "", "") },
		func([]string) (pipeline.Step, error) {
			if cols := splitList(on); cols != nil {
				return pipeline.Step{Distinct: cols}, nil
			}
			return pipeline.Step{DistinctAll: true}, nil
		})
}

func runCat(ctx context.Context, e *env, args []string) error {
	return tableVerb(ctx, e, "cat", args, func(*flag.FlagSet) {},
		func([]string) (pipeline.Step, error) { return pipeline.Step{}, nil })
}

func runFrequency(ctx context.Context, e *env, args []string) error {
	var by string
	limit := int64(-1)
	return tableVerb(ctx, e, "frequency", args, func(fs *flag.FlagSet) {
		fs.StringVar(&by, "by", "", "")
		fs.Int64Var(&limit, "limit", -1, "")
	}, func([]string) (pipeline.Step, error) {
		keys := splitList(by)
		if keys == nil {
			return pipeline.Step{}, usagef("frequency: --by COLS is required")
		}
		step := pipeline.Step{GroupBy: keys, Agg: []pipeline.AggSpec{{Name: "count", Func: "count"}},
			Sort: pipeline.ParseSortKeys([]string{"-count"})}
		if limit >= 0 {
			step.Limit, step.HasLimit = limit, true
		}
		return step, nil
	})
}
