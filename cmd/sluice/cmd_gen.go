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
		usage: `Usage: sluice gen w1 --out DIR [--scale demo|S|M|L] [--oes-rows N] [--rows-per-pair N] [--xlsx] [--seed N]
       sluice gen companies --n N --out FILE.csv [--seed S] (see 'sluice gen companies --help')

Writes the W1 tables — titles_states.csv, related_titles.csv, codes.csv and
oes.csv — into DIR. The OES table looks like the BLS wage files: numbers
quoted with thousands separators, '*', '#' and '**' for suppressed values.
Scales: demo (tiny), S (~100 MB of OES), M (~1 GB), L (~5 GB). The same
arguments always give the same bytes.

By default the OES table is selective for W1: each (occupation, state) pair
has about 2 rows and the rest are national and metropolitan-area rows.
--rows-per-pair N makes it non-selective: every state is broken down by
about N/0.6 NAICS industries, each (state, industry, occupation) row present
with probability about 0.6, so one (occupation, state) pair matches about N
rows; the other rows up to the scale's size are national and metro rows.
bench/w1.sh uses N = 4, 40 and 200 at S, M and L: about 39% of the OES rows
then lie on a (code, state) pair that W1 looks up.

Flags:
  --out DIR      output directory (created)
  --scale S      demo, S, M or L (default S)
  --oes-rows N   override the number of OES rows
  --rows-per-pair N
                 non-selective OES: about N rows per (occupation, state)
                 pair (default 0: the selective layout, about 2)
  --xlsx         also write the OES table as oes.xlsx
  --seed N       random seed (default 1)

Examples:
  sluice gen w1 --scale S --out data
  sluice gen w1 --scale demo --xlsx --out data-xlsx
  sluice gen w1 --scale S --rows-per-pair 4 --out data-nonsel
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
	rowsPerPair := fs.Int("rows-per-pair", 0, "")
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
	if *rowsPerPair < 0 {
		return usagef("gen: --rows-per-pair must be 0 or more, got %d", *rowsPerPair)
	}
	cfg.RowsPerPair = *rowsPerPair
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
	fmt.Fprintf(e.stderr, "sluice: wrote W1 scale %s (%d OES rows, %d of them on an (occupation, state) pair; %.1f MB) to %s in %.1fs\n",
		*scale, cfg.OESRows, w1gen.PairRows(cfg), float64(total)/1e6, filepath.Clean(*out), time.Since(start).Seconds())
	return nil
}
