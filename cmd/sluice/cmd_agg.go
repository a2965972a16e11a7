package main

import (
	"context"

	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "agg",
		summary: "group by keys and aggregate (exact medians and quantiles)",
		usage: `Usage: sluice agg IN… [--by K[,K…]] --agg 'NAME=FUNC(COL)' … [-o OUT] [flags]

Groups the rows by the --by columns (none: one row over everything) and
computes each --agg, on every core. Functions: count() (rows), count(x)
(non-null), sum, mean, median, quantile(x, p), min, max, std, var, nunique,
first, last. Nulls are skipped as in pandas; medians and quantiles are exact
(numpy's linear method). Groups come out in order of first appearance
(--sorted: by key). With --mem the input is hash-partitioned by key into
spill files when it does not fit, and aggregated partition by partition:
same result. A single group larger than the budget fails with an error
naming its key.
` + inputsHelp + `
Flags:
  --by KEYS           group key columns, comma-separated
  --agg SPEC          NAME=FUNC(COL), repeatable (required)
  --where EXPR        aggregate only the rows where EXPR is true
  --sorted            sort the groups by key

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice agg oes.csv --by area_title --agg 'med=median(a_mean)' --agg 'p90=quantile(a_mean, 0.9)' --na '*' --na '#' --na '**' --thousands ,
  sluice agg 'parts/*.csv' --by area_title --agg 'n=count()' --sorted --mem 256MiB -o counts.csv
  cat oes.csv | sluice agg - --agg 'rows=count()' --agg 'jobs=sum(tot_emp)' --na auto
`,
		run: runAgg,
	})
}

func runAgg(ctx context.Context, e *env, args []string) error {
	c := findCommand("agg")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	by := fs.String("by", "", "")
	var aggSpecs listFlag
	fs.Var(&aggSpecs, "agg", "")
	where := fs.String("where", "", "")
	sorted := fs.Bool("sorted", false, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	if len(aggSpecs) == 0 {
		return usagef("agg: at least one --agg NAME=FUNC(COL) is required")
	}
	if err := checkExpr("agg: --where", *where); err != nil {
		return err
	}
	step := pipeline.Step{From: "in", Filter: *where, GroupBy: splitList(*by)}
	for _, s := range aggSpecs {
		a, err := parseAggFlag("agg", s)
		if err != nil {
			return err
		}
		step.Agg = append(step.Agg, a)
	}
	if *sorted && len(step.GroupBy) > 0 {
		step.Sort = pipeline.ParseSortKeys(step.GroupBy)
	}
	return v.run(ctx, e, v.plan("agg", step, v.input("in", pos...)))
}
