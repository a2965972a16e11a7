package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sluicedata/sluice/internal/gen/w1gen"
)

func init() {
	register(&command{
		name:    "gen",
		summary: "generate deterministic demo and benchmark data",
		usage: `Usage: sluice gen w1 --out DIR [--scale demo|S|M|L] [--oes-rows N] [--xlsx] [--seed N]
       sluice gen companies --n N --out FILE.csv [--seed S] (see 'sluice gen companies --help')

Writes the W1 tables — titles_states.csv, related_titles.csv, codes.csv and
oes.csv — into DIR. The OES table looks like the BLS wage files: numbers
quoted with thousands separators, '*', '#' and '**' for suppressed values.
Scales: demo (tiny), S (~100 MB of OES), M (~1 GB), L (~5 GB). The same
arguments always give the same bytes.

Flags:
  --out DIR      output directory (created)
  --scale S      demo, S, M or L (default S)
  --oes-rows N   override the number of OES rows
  --xlsx         also write the OES table as oes.xlsx
  --seed N       random seed (default 1)

Examples:
  sluice gen w1 --scale S --out data
  sluice gen w1 --scale S --oes-rows 200000 --xlsx --out data-xlsx
`,
		run: runGen,
	})
}

func runGen(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "companies" {
		return runGenCompanies(ctx, e, args[1:])
	}
	c := findCommand("gen")
	fs := newFlags(c, e)
	out := fs.String("out", "", "")
	scale := fs.String("scale", "S", "")
	oesRows := fs.Int("oes-rows", 0, "")
	xlsx := fs.Bool("xlsx", false, "")
	seed := fs.Uint64("seed", 1, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "w1" {
		return usagef("gen: want the data set name w1 or companies (sluice gen w1 --out DIR)")
	}
	if *out == "" {
		return usagef("gen: --out DIR is required")
	}
	cfg, err := w1gen.Scale(*scale)
	if err != nil {
		return usagef("gen: %v", err)
	}
	if *oesRows > 0 {
		cfg.OESRows = *oesRows
	}
	cfg.Seed = *seed
	start := time.Now()
	if err := w1gen.Write(*out, cfg); err != nil {
		return err
	}
	if *xlsx {
		if err := w1gen.WriteOESXLSX(ctx, *out, cfg); err != nil {
			return err
		}
	}
	var total int64
	entries, _ := os.ReadDir(*out)
	for _, en := range entries {
		if info, err := en.Info(); err == nil {
			total += info.Size()
		}
	}
	fmt.Fprintf(e.stderr, "sluice: wrote W1 scale %s (%d OES rows, %.1f MB) to %s in %.1fs\n",
		*scale, cfg.OESRows, float64(total)/1e6, filepath.Clean(*out), time.Since(start).Seconds())
	return nil
}
