package main

import (
	"context"

	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "convert",
		summary: "convert between CSV, TSV, JSON, NDJSON, .xlsx and Parquet, streaming",
		usage: `Usage: sluice convert IN… OUT [flags]
       sluice convert IN… -o OUT [flags]

Reads the inputs chunk by chunk and writes OUT, whose format follows its
extension (.csv .tsv .json .ndjson .xlsx .parquet) or --format; OUT - is
standard output (CSV unless --format). Memory stays at a few chunks whatever
the file size. OUT appears only when the conversion succeeded. Past Excel's
1,048,576-row limit an .xlsx output continues in a new sheet, and sluice
says so. Several inputs (or a glob) are concatenated.

` + ioFlagsHelp + `
` + readerFlagsHelp + `
` + engineFlagsHelp + `
Examples:
  sluice convert oes.xlsx oes.csv
  sluice convert oes.csv oes.parquet --na '*' --na '#' --na '**' --thousands ,
  sluice convert 'parts/*.csv' all.tsv --raw
`,
		run: runConvert,
	})
}

func runConvert(ctx context.Context, e *env, args []string) error {
	c := findCommand("convert")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	// OUT is the last argument, or -o OUT with every argument an input.
	if v.out == "" {
		if len(pos) < 2 {
			return usagef("convert: want IN… and OUT (or IN… -o OUT), got %d arguments", len(pos))
		}
		v.out, pos = pos[len(pos)-1], pos[:len(pos)-1]
	} else if len(pos) < 1 {
		return usagef("convert: want IN… -o OUT, got no input")
	}
	step := pipeline.Step{From: "in"}
	return v.run(ctx, e, v.plan("convert", step, v.input("in", pos...)))
}
