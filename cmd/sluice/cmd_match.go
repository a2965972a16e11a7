package main

import (
	"context"
	"fmt"

	"github.com/sluicedata/sluice/parallel/fuzzy"
	"github.com/sluicedata/sluice/pipeline"
)

func init() {
	register(&command{
		name:    "match",
		summary: "fuzzy-join names against a big table (best or top-k matches)",
		usage: `Usage: sluice match NEEDLES HAYSTACK --left COL --right COL [-o OUT]
                    [--scorer token_set] [--threshold 80] [--top 1] [--keep-unmatched]
                    [--normalize default|none] [--mem SIZE] [--workers N] [--progress WHEN]
                    [--brute-force] [flags]

For every row of NEEDLES, finds the rows of HAYSTACK whose COL values are the
most similar to its own, and writes one row per match: the needle's columns,
the haystack row's columns (suffixed _right where names clash) and the
score, best first. Only matches scoring at least --threshold are kept, at
most --top per needle; ties go to the earlier haystack row. Needles without
a match are left out unless --keep-unmatched.

Scorers (0–100, as rapidfuzz's fuzz module computes them):
  token_set     token_set_ratio: word sets compared, subset = 100 (default)
  token_sort    token_sort_ratio: words sorted, then ratio
  ratio         normalised Indel similarity
  partial       partial_ratio: best alignment of the shorter string
  jaro_winkler  Jaro-Winkler (prefix scale 0.1)

The haystack is indexed once and shared by all workers. For token_set,
token_sort and ratio the index skips pairs that provably cannot reach the
threshold, so the result is exactly what comparing every pair would give;
partial and jaro_winkler compare every pair. NEEDLES is held in memory; the
HAYSTACK is read twice as a stream (its --right column to index it, then
all columns to fetch the matched rows) and never held whole. With --mem the
index is built in slices of the haystack that fit the budget, each searched
by all needles in turn (same result, more time); without it the whole
haystack is indexed at once (about 130 bytes a company name). At the end a
line on stderr reports how many pairs were scored out of
NEEDLES × HAYSTACK, the slices, and the time.

Flags:
  --left COL           needle column to compare
  --right COL          haystack column to compare
  --scorer S           token_set (default), token_sort, ratio, partial, jaro_winkler
  --threshold T        smallest score kept, above 0 and at most 100 (default 80)
  --top K              matches kept per needle (default 1)
  --normalize N        default: NFKC, lower case, punctuation to spaces (rapidfuzz's
                       default_process); none: compare the text as it is
  --keep-unmatched     also write needles without a match (empty right side)
  --brute-force        score every pair (to check or time the index; reads
                       HAYSTACK whole)

` + ioFlagsHelp + `
` + engineFlagsHelp + `  (match never spills: --spill-dir is accepted and unused)

` + readerFlagsHelp + `
Examples:
  sluice gen companies --n 100000 --out haystack.csv --needles 3000 --needles-out needles.csv
  sluice match needles.csv haystack.csv --left name --right name --threshold 85 --mem 512MiB -o matches.csv
  sluice match titles_states.csv oes.xlsx --left title --right occ_title --scorer token_sort --top 3 -o out.csv
`,
		run: runMatch,
	})
}

func runMatch(ctx context.Context, e *env, args []string) error {
	c := findCommand("match")
	fs := newFlags(c, e)
	var v verbFlags
	v.register(fs)
	leftOn := fs.String("left", "", "")
	rightOn := fs.String("right", "", "")
	scorer := fs.String("scorer", "token_set", "")
	thr := fs.Float64("threshold", 80, "")
	top := fs.Int("top", 1, "")
	normName := fs.String("normalize", "default", "")
	keep := fs.Bool("keep-unmatched", false, "")
	brute := fs.Bool("brute-force", false, "")
	pos, err := parseFlags(fs, c, e, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("match: want NEEDLES and HAYSTACK, got %d arguments (quote a glob so that it stays one argument)", len(pos))
	}
	if *leftOn == "" || *rightOn == "" {
		return usagef("match: --left COL and --right COL are required")
	}
	if _, ok := fuzzy.ParseScorer(*scorer); !ok {
		return usagef("match: --scorer %q: want token_set, token_sort, ratio, partial or jaro_winkler", *scorer)
	}
	if *thr <= 0 || *thr > 100 {
		return usagef("match: --threshold %v: want a score above 0, at most 100", *thr)
	}
	if *top < 1 {
		return usagef("match: --top %d: want at least 1", *top)
	}
	m := &pipeline.MatchSpec{Left: "needles", Right: "haystack", LeftOn: *leftOn, RightOn: *rightOn,
		Scorer: *scorer, Threshold: *thr, Top: *top, KeepUnmatched: *keep, BruteForce: *brute}
	switch *normName {
	case "default":
	case "none":
		m.NoNormalize = true
	default:
		return usagef("match: --normalize %q: want default or none", *normName)
	}
	p := v.plan("match", pipeline.Step{Match: m}, v.input("needles", pos[0]), v.input("haystack", pos[1]))
	opt, done, err := v.options(e)
	if err != nil {
		return err
	}
	res, err := pipeline.Run(ctx, p, opt)
	done()
	if err != nil {
		return err
	}
	if !v.quiet {
		for _, s := range res.Steps {
			if s.Name == "match" {
				fmt.Fprintf(e.stderr, "sluice: match: %s\n", s.Note)
			}
		}
		for _, o := range res.Outputs {
			if o.Path != "-" {
				fmt.Fprintf(e.stderr, "sluice: wrote %s to %s\n", plural(o.Rows, "row"), o.Path)
			}
		}
	}
	return nil
}
