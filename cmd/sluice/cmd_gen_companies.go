package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluicedata/sluice/internal/gen/companygen"
)

const genCompaniesUsage = `Usage: sluice gen companies --n N --out FILE.csv [--seed S] [--vocab large|small]
                            [--needles M --needles-out FILE.csv] [--matched F]

Writes N realistic company names (legal suffixes Inc/LLC/Ltd/GmbH/Corp, "&"
and "and", invented brands, surnames, industries) as CSV with the columns
id,name — the W2 haystack. With --needles, also writes M needles with the
columns id,name,source_id: a fraction F (default 0.8) are perturbed copies
of haystack names (typos, word swaps, abbreviations, changed suffixes,
case and punctuation) whose id is source_id; the rest are fresh names with
an empty source_id. The same arguments always give the same bytes.

--vocab small builds names the way fake-data libraries do ("Smith, Jones
and Brown", "Miller-Davis", "Walker Group") from about a thousand surnames,
so every word is in thousands of names (long index postings, many ties);
the default, large, invents brand words, so most words are rare.

Flags:
  --n N              haystack rows
  --out FILE         haystack CSV
  --seed S           random seed (default 1)
  --vocab V          large (default) or small
  --needles M        needle rows (default 0: none)
  --needles-out FILE needle CSV
  --matched F        fraction of needles derived from the haystack (default 0.8)

Examples:
  sluice gen companies --n 100000 --out haystack.csv --needles 3000 --needles-out needles.csv
  sluice match needles.csv haystack.csv --left name --right name -o matches.csv
`

// runGenCompanies is "sluice gen companies"; called by runGen.
func runGenCompanies(ctx context.Context, e *env, args []string) error {
	c := &command{name: "gen companies", usage: genCompaniesUsage}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(discard{})
	n := fs.Int("n", 0, "")
	out := fs.String("out", "", "")
	seed := fs.Uint64("seed", 1, "")
	nn := fs.Int("needles", 0, "")
	nout := fs.String("needles-out", "", "")
	matched := fs.Float64("matched", 0.8, "")
	vocabName := fs.String("vocab", "large", "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("gen companies: unexpected arguments %s", strings.Join(pos, " "))
	}
	if *n <= 0 || *out == "" {
		return usagef("gen companies: --n N (> 0) and --out FILE are required")
	}
	if *nn > 0 && *nout == "" {
		return usagef("gen companies: --needles needs --needles-out FILE")
	}
	if *matched < 0 || *matched > 1 {
		return usagef("gen companies: --matched %v: want a fraction in [0, 1]", *matched)
	}
	vocab, ok := companygen.ParseVocab(*vocabName)
	if !ok {
		return usagef("gen companies: --vocab %q: want large or small", *vocabName)
	}
	start := time.Now()
	hay := companygen.HaystackVocab(*n, *seed, vocab)
	if err := writeAtomic(*out, func(f *os.File) error { return companygen.WriteHaystackCSV(f, hay) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "sluice: wrote %d company names to %s\n", *n, filepath.Clean(*out))
	if *nn > 0 {
		needles := companygen.NeedlesVocab(hay, *nn, *matched, *seed+1, vocab)
		if err := writeAtomic(*nout, func(f *os.File) error { return companygen.WriteNeedlesCSV(f, needles) }); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "sluice: wrote %d needles to %s\n", *nn, filepath.Clean(*nout))
	}
	fmt.Fprintf(e.stderr, "sluice: done in %.1fs\n", time.Since(start).Seconds())
	return ctx.Err()
}

// writeAtomic writes path through a temporary file renamed on success.
func writeAtomic(path string, write func(*os.File) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
