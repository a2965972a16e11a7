package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "run",
		summary: "run a pipeline spec file (YAML)",
		usage: `Usage: sluice run SPEC.yaml [--data-dir D] [-o PATH] [flags]

Validates the spec (unknown inputs, columns, functions, type errors and
cycles are reported with the spec's line before any data is processed), then
runs it: only the columns the plan uses are parsed, filters run while reading,
and a big input joined to a small computed frame is reduced by that frame's
keys as it streams. Outputs appear atomically when the run succeeds.

Relative paths in the spec are resolved against --data-dir if given,
otherwise against the spec file's directory.

Flags:
  --data-dir D        directory for relative input and output paths
  -o, --out PATH      write the (single) output here instead; - for standard output
  --format F          the output's format (csv, tsv, json, ndjson, xlsx, parquet)
  --quiet             no summary on stderr
  --verbose           per-input and per-step rows, time and pushdowns on stderr

` + engineFlagsHelp + `
Examples:
  sluice gen w1 --scale demo --out data
  sluice run w1-features.yaml --data-dir data
  sluice run w1-features.yaml --data-dir data -o features.xlsx
  sluice run w1-features.yaml --data-dir data -o - --format json
`,
		run: runRun,
	})
	register(&command{
		name:    "explain",
		summary: "show the physical plan of a pipeline spec",
		usage: `Usage: sluice explain SPEC.yaml [--data-dir D] [--out PATH]

Validates the spec and prints what would be read (projected columns,
pushed-down filters, semi-join reductions), how each step runs, and what is
written. Reads only each input's header and type-inference sample.

Flags:
  --data-dir D        directory for relative input and output paths
  -o, --out PATH      explain with this output path instead

` + engineFlagsHelp + `
Example:
  sluice explain w1-features.yaml --data-dir data
`,
		run: runExplain,
	})
}

func runRun(ctx context.Context, e *env, args []string) error {
	c := findCommand("run")
	fs := newFlags(c, e)
	dataDir := fs.String("data-dir", "", "")
	var v verbFlags
	v.ef.register(fs)
	fs.StringVar(&v.out, "o", "", "")
	fs.StringVar(&v.out, "out", "", "")
	fs.StringVar(&v.format, "format", "", "")
	quiet := fs.Bool("quiet", false, "")
	verbose := fs.Bool("verbose", false, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	spec, err := oneArg(c, pos, "SPEC.yaml")
	if err != nil {
		return err
	}
	plan, err := pipeline.Load(spec)
	if err != nil {
		return err
	}
	out := v.out
	opt, done, err := v.options(e)
	if err != nil {
		return err
	}
	opt.DataDir = *dataDir
	opt.Out = out // "" keeps the spec's outputs
	start := time.Now()
	res, err := pipeline.Run(ctx, plan, opt)
	done()
	if err != nil {
		return err
	}
	if *verbose {
		for _, s := range res.Steps {
			fmt.Fprintf(e.stderr, "sluice: %-12s %10d rows %8.3fs  %s\n", s.Name, s.Rows, s.Elapsed.Seconds(), s.Note)
		}
		if res.Budget != nil {
			fmt.Fprintf(e.stderr, "sluice: memory budget %s, peak held by operators %s\n", sizeString(res.Budget.Limit()), sizeString(res.Budget.Peak()))
		}
	}
	if !*quiet {
		for _, o := range res.Outputs {
			if o.Path == "-" {
				continue
			}
			fmt.Fprintf(e.stderr, "sluice: wrote %s to %s in %.2fs\n", plural(o.Rows, "row"), o.Path, time.Since(start).Seconds())
		}
	}
	return nil
}

func runExplain(ctx context.Context, e *env, args []string) error {
	c := findCommand("explain")
	fs := newFlags(c, e)
	dataDir := fs.String("data-dir", "", "")
	var v verbFlags
	v.ef.register(fs)
	fs.StringVar(&v.out, "o", "", "")
	fs.StringVar(&v.out, "out", "", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	spec, err := oneArg(c, pos, "SPEC.yaml")
	if err != nil {
		return err
	}
	plan, err := pipeline.Load(spec)
	if err != nil {
		return err
	}
	v.ef.progress = "never"
	opt, done, err := v.options(e)
	if err != nil {
		return err
	}
	done()
	opt.DataDir = *dataDir
	opt.Out = v.out
	return pipeline.Explain(ctx, plan, opt, e.stdout)
}

// sizeString formats a byte count with a binary unit.
func sizeString(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
