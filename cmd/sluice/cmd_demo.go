package main

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/gen/w1gen"
	"github.com/sluicedata/sluice/readers"
)

//go:embed demodata/*.csv
var demoData embed.FS

func init() {
	register(&command{
		name:    "demo",
		summary: "run the W1 feature pipeline on built-in demo data",
		usage: `Usage: sluice demo [-n ROWS]

Runs W1 — for every (title, state): the medians of BLS wage figures over the
occupations of the title's closely related titles, in that state — on a small
data set embedded in the binary (made by 'sluice gen w1 --scale demo'), and
prints the first feature rows and the time each step took.

Flags:
  -n ROWS   feature rows to print (default 10)

Example:
  sluice demo -n 5
`,
		run: runDemo,
	})
}

func readDemoTable(ctx context.Context, name string, opt readers.Options) (*frame.Frame, error) {
	b, err := demoData.ReadFile("demodata/" + name)
	if err != nil {
		return nil, err
	}
	f, err := readers.ReadAll(readers.CSV(ctx, bytes.NewReader(b), opt))
	if err != nil {
		return nil, fmt.Errorf("demo data %s: %w", name, err)
	}
	return f, nil
}

func runDemo(ctx context.Context, e *env, args []string) error {
	c := findCommand("demo")
	fs := newFlags(c, e)
	n := fs.Int("n", 10, "rows to print")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("demo takes no arguments")
	}
	start := time.Now()
	last := start
	var timings []string
	step := func(name string) {
		now := time.Now()
		timings = append(timings, fmt.Sprintf("  %-48s %8.2f ms", name, float64(now.Sub(last).Microseconds())/1000))
		last = now
	}
	var in w1gen.Tables
	if in.Work, err = readDemoTable(ctx, "titles_states.csv", readers.Options{}); err != nil {
		return err
	}
	if in.Related, err = readDemoTable(ctx, "related_titles.csv", readers.Options{}); err != nil {
		return err
	}
	if in.Codes, err = readDemoTable(ctx, "codes.csv", readers.Options{}); err != nil {
		return err
	}
	if in.OES, err = readDemoTable(ctx, "oes.csv", w1gen.OESOptions); err != nil {
		return err
	}
	step("read 4 CSV tables")
	features, err := w1gen.Features(in, step)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "W1 features: median wages over related occupations, per (title, state)\n")
	fmt.Fprintf(e.stdout, "inputs: titles_states %d rows, related_titles %d, codes %d, oes %d\n\n",
		in.Work.NumRows(), in.Related.NumRows(), in.Codes.NumRows(), in.OES.NumRows())
	fmt.Fprintln(e.stdout, features.Head(*n))
	fmt.Fprintf(e.stdout, "timings:\n")
	for _, t := range timings {
		fmt.Fprintln(e.stdout, t)
	}
	fmt.Fprintf(e.stdout, "  %-48s %8.2f ms\n", "total", float64(time.Since(start).Microseconds())/1000)
	return nil
}
