package main

import (
	"context"
	"fmt"
	"os"
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
  --resume            checkpoint each step's result and reuse the checkpoints
                      of an earlier run that died (see Resuming below)
  --keep-checkpoints  with --resume, keep the checkpoints after a successful run
  --checkpoint-dir D  the run directory for checkpoints (implies --resume;
                      default .sluice-run-NAME beside the first output)
  --quiet             no summary on stderr
  --verbose           per-input and per-step rows, time and pushdowns on stderr

Resuming: with --resume each step's result is written, as it streams, to a
checkpoint in a run directory (.sluice-run-NAME, NAME the spec's name, in the
first output's directory). Run the same command again after a crash, a kill
or Ctrl-C and every step whose checkpoint is there is read back instead of
computed, with nothing upstream of it; the output is byte-identical to an
uninterrupted run's. A checkpoint is keyed by the step's definition, all that
is upstream of it and its input files' paths, sizes and modification times,
so a changed input or step recomputes exactly the steps downstream of it
('sluice explain SPEC --resume' shows which). The checkpoints are removed
when the run succeeds unless --keep-checkpoints; 'sluice clean --checkpoints
SPEC' removes them by hand.

` + engineFlagsHelp + `
Examples:
  sluice gen w1 --scale demo --out data
  sluice run w1-features.yaml --data-dir data
  sluice run w1-features.yaml --data-dir data -o features.xlsx
  sluice run w1-features.yaml --data-dir data -o - --format json
  sluice run w1-features.yaml --data-dir data --resume
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
  --resume            show which steps a 'run --resume' would read from
                      checkpoints (the default when the run directory exists)
  --checkpoint-dir D  the run directory to look in (implies --resume)

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
	resume := fs.Bool("resume", false, "")
	keep := fs.Bool("keep-checkpoints", false, "")
	ckDir := fs.String("checkpoint-dir", "", "")
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
	if *keep && !*resume && *ckDir == "" {
		done()
		return usagef("run: --keep-checkpoints needs --resume")
	}
	if *resume || *ckDir != "" {
		opt.Checkpoints = *ckDir
		if opt.Checkpoints == "" {
			if opt.Checkpoints = pipeline.RunDir(plan, opt); opt.Checkpoints == "" {
				done()
				return usagef("run: --resume: no place for the run directory; give --checkpoint-dir")
			}
		}
		opt.KeepCheckpoints = *keep
	}
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
		if opt.Checkpoints != "" {
			reused := 0
			for _, s := range res.Steps {
				if s.Reused {
					reused++
				}
			}
			if reused > 0 {
				fmt.Fprintf(e.stderr, "sluice: resumed: %s read from checkpoints in %s\n", plural(int64(reused), "step"), opt.Checkpoints)
			}
		}
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
	resume := fs.Bool("resume", false, "")
	ckDir := fs.String("checkpoint-dir", "", "")
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
	opt.Checkpoints = *ckDir
	if opt.Checkpoints == "" {
		// the default run directory is shown whenever it exists
		if d := pipeline.RunDir(plan, opt); d != "" {
			if _, err := os.Stat(d); err == nil || *resume {
				opt.Checkpoints = d
			}
		}
	}
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
