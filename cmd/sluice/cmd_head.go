package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/readers"
)

func init() {
	register(&command{
		name:    "head",
		summary: "print the first rows as a table (or CSV, JSON…)",
		usage: `Usage: sluice head IN… [-n N] [--format table|csv|tsv|json|ndjson] [flags]

Prints the first N rows (default 10) as an aligned table with column types,
fitted to the terminal's width (columns that do not fit are summarised).
Only the rows shown are read: reading stops as soon as N rows are there.
` + inputsHelp + `
Flags:
  -n N                rows to show (default 10)
  --format F          table (default), csv, tsv, json, ndjson
  --csv               same as --format csv
  --width W           table width in characters (default: the terminal's
                      COLUMNS, or 120)

` + readerFlagsHelp + `
Examples:
  sluice head oes.csv -n 5 --na '*' --na '#' --na '**'
  sluice head oes.xlsx --sheet oes --raw
  cat oes.csv | sluice head - -n 3 --format json
`,
		run: runHead,
	})
}

func runHead(ctx context.Context, e *env, args []string) error {
	c := findCommand("head")
	fs := newFlags(c, e)
	var v verbFlags
	v.rf.register(fs)
	fs.StringVar(&v.inFormat, "input-format", "", "")
	fs.BoolVar(&v.union, "union", false, "")
	v.ef.progress = "never"
	n := fs.Int("n", 10, "")
	format := fs.String("format", "table", "")
	asCSV := fs.Bool("csv", false, "")
	width := fs.Int("width", 0, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if err := needArgs(c, pos, "input"); err != nil {
		return err
	}
	if *n < 0 {
		return usagef("head: -n must be ≥ 0")
	}
	if *asCSV {
		*format = "csv"
	}
	// small chunks: only the rows shown are parsed
	v.rf.opt.ChunkRows = max(1, min(*n, readers.DefaultChunkRows))
	step := pipeline.Step{From: "in", Limit: int64(*n), HasLimit: true}
	p := v.plan("head", step, v.input("in", pos...))
	if *format != "table" {
		if !knownFormat(*format) {
			return usagef("head: --format %q: want table, csv, tsv, json or ndjson", *format)
		}
		v.format = *format
		v.quiet = true
		return v.run(ctx, e, p)
	}
	f, err := v.collect(ctx, e, p)
	if err != nil {
		return err
	}
	w := *width
	if w <= 0 {
		w, _ = strconv.Atoi(os.Getenv("COLUMNS"))
		if w <= 0 {
			w = 120
		}
	}
	fmt.Fprint(e.stdout, f.Format(frame.FormatOptions{Width: w}))
	return nil
}
