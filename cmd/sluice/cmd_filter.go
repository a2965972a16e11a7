package main

import (
	"context"

	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "filter",
		summary: "keep the rows matching an expression (streaming)",
		usage: `Usage: sluice filter IN… --where EXPR [-o OUT] [flags]

Streams the input chunk by chunk, keeping the rows where EXPR is true, so
memory stays at a few chunks whatever the file size. EXPR is an expression
over column names (null counts as false):
  a_mean > 100000 and area_title = 'Texas'
  not is_null(a_mean) and starts_with(occ_code, '11-')
Without -o the result is written to standard output as CSV.
` + inputsHelp + `
Flags:
  --where EXPR        the condition (required)
  --select COLS       keep only these columns, comma-separated, in this order

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice filter oes.csv --where 'a_mean > 100000' --na '*' --na '#' --na '**' --thousands , -o rich.csv
  sluice filter 'parts/*.csv' --where "area_title = 'Texas'" --select occ_code,a_mean
  cat oes.csv | sluice filter - --where 'tot_emp >= 1000' --na auto --format tsv
`,
		run: runFilter,
	})
}

func runFilter(ctx context.Context, e *env, args []string) error {
	c := findCommand("filter")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	where := fs.String("where", "", "")
	sel := fs.String("select", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	if *where == "" {
		return usagef("filter: --where EXPR is required")
	}
	if err := checkExpr("filter: --where", *where); err != nil {
		return err
	}
	step := pipeline.Step{From: "in", Filter: *where, Select: splitList(*sel)}
	return v.run(ctx, e, v.plan("filter", step, v.input("in", pos...)))
}
