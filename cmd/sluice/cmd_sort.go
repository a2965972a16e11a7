package main

import (
	"context"

	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "sort",
		summary: "sort rows by key columns (external sort with --mem)",
		usage: `Usage: sluice sort IN… --by K[,-K2…] [--limit N] [-o OUT] [flags]

Sorts the input by the --by columns (prefix '-' for descending). The sort is
stable and puts nulls last. With --mem, sorted runs that do not fit are
spilled and merged (an external sort); the result is the same.
` + inputsHelp + `
Flags:
  --by KEYS           sort keys, comma-separated, '-' for descending (required)
  --limit N           keep only the first N rows of the result (top-N)

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice sort oes.csv --by occ_code,-a_mean --na '*' --na '#' --na '**' --thousands , -o sorted.csv
  sluice sort oes.csv --by -tot_emp --limit 10 --thousands , --mem 256MiB
`,
		run: runSort,
	})
}

func runSort(ctx context.Context, e *env, args []string) error {
	c := findCommand("sort")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	by := fs.String("by", "", "")
	limit := fs.Int64("limit", -1, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	keys := pipeline.ParseSortKeys(splitList(*by))
	if len(keys) == 0 {
		return usagef("sort: --by KEYS is required")
	}
	step := pipeline.Step{From: "in", Sort: keys}
	if *limit >= 0 {
		step.Limit, step.HasLimit = *limit, true
	}
	return v.run(ctx, e, v.plan("sort", step, v.input("in", pos...)))
}
