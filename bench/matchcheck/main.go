// Command matchcheck checks the output of `sluice match` against brute
// force on a random sample of the needles: it scores every sampled needle
// against every haystack name with fuzzy.BruteForceStream (no index, no
// bounds, the same scorer) and compares, needle by needle, the haystack
// ids and scores with the rows the match output has for that needle. It
// prints one summary line and exits 1 on any difference (listing the first
// ones), 2 on a usage or input error.
//
//	go run ./bench/matchcheck -needles needles.csv -haystack hay.csv -matches out.csv \
//	    -sample 300 -threshold 85 [-top 1] [-left name] [-right name] [-id id]
//
// The match output must have been written with the same threshold, top,
// scorer (token_set) and normalisation (default), and its needle and
// haystack id columns named ID and ID_right (sluice match's suffix).
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/parallel/fuzzy"
	"github.com/sluicedata/sluice/readers"
)

func main() {
	code, err := run()
	if err != nil {
		fmt.Fprintln(os.Stderr, "matchcheck:", err)
	}
	os.Exit(code)
}

func run() (int, error) {
	needlesPath := flag.String("needles", "", "needles CSV")
	hayPath := flag.String("haystack", "", "haystack CSV")
	matchesPath := flag.String("matches", "", "sluice match output CSV")
	sample := flag.Int("sample", 300, "needles to check")
	seed := flag.Uint64("seed", 1, "sampling seed")
	thr := flag.Float64("threshold", 85, "threshold the match ran with")
	top := flag.Int("top", 1, "--top the match ran with")
	leftOn := flag.String("left", "name", "needle column compared")
	rightOn := flag.String("right", "name", "haystack column compared")
	idCol := flag.String("id", "id", "id column of both files")
	workers := flag.Int("workers", 0, "goroutines (0: all cores)")
	flag.Parse()
	if *needlesPath == "" || *hayPath == "" || *matchesPath == "" {
		flag.Usage()
		return 2, fmt.Errorf("-needles, -haystack and -matches are required")
	}
	ctx := context.Background()
	needles, err := readers.ReadAll(readers.Open(ctx, *needlesPath, readers.Options{}))
	if err != nil {
		return 2, err
	}
	matches, err := readers.ReadAll(readers.Open(ctx, *matchesPath, readers.Options{}))
	if err != nil {
		return 2, err
	}
	// A random sample of needle rows, in row order.
	r := rand.New(rand.NewPCG(*seed, 0xc4ec))
	rows := r.Perm(needles.NumRows())[:min(*sample, needles.NumRows())]
	slices.Sort(rows)
	left, err := needles.Take(rows)
	if err != nil {
		return 2, err
	}
	start := time.Now()
	var st fuzzy.Stats
	open := func(cols []string) parallel.Source {
		o := readers.Options{}
		if cols != nil {
			o.Columns = cols
		}
		return readers.Open(ctx, *hayPath, o)
	}
	want, err := fuzzy.BruteForceStream(ctx, left, open, fuzzy.Options{LeftOn: *leftOn, RightOn: *rightOn,
		Threshold: *thr, Top: *top, Normalize: fuzzy.NFKC | fuzzy.DefaultProcess, Workers: *workers, Stats: &st})
	if err != nil {
		return 2, err
	}
	bruteTime := time.Since(start)

	expect, err := pairs(want, *idCol, nil)
	if err != nil {
		return 2, fmt.Errorf("brute force result: %w", err)
	}
	ids := map[string]bool{}
	idc, err := left.Column(*idCol)
	if err != nil {
		return 2, err
	}
	for i := range left.NumRows() {
		ids[frame.FormatValue(idc, i)] = true
	}
	got, err := pairs(matches, *idCol, ids)
	if err != nil {
		return 2, fmt.Errorf("%s: %w", *matchesPath, err)
	}
	var diffs []string
	matched := 0
	for id := range ids {
		w, g := expect[id], got[id]
		if len(w) > 0 {
			matched++
		}
		if !slices.Equal(w, g) {
			diffs = append(diffs, fmt.Sprintf("needle %s: brute force %v, match %v", id, w, g))
		}
	}
	slices.Sort(diffs)
	fmt.Printf("matchcheck: %d sampled needles (%d with a match) against %d haystack names: %d pairs scored by brute force in %.1fs; %d differences\n",
		len(ids), matched, st.RightRows, st.Comparisons, bruteTime.Seconds(), len(diffs))
	for _, d := range diffs[:min(len(diffs), 20)] {
		fmt.Println("  " + d)
	}
	if len(diffs) > 0 {
		return 1, nil
	}
	return 0, nil
}

// pairs returns, per needle id (only those in keep, when keep is not nil),
// its matches as "haystack id/score" in output order.
func pairs(f *frame.Frame, idCol string, keep map[string]bool) (map[string][]string, error) {
	lid, err := f.Column(idCol)
	if err != nil {
		return nil, err
	}
	rid, err := f.Column(idCol + "_right")
	if err != nil {
		return nil, err
	}
	score, err := f.Column("score")
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for i := range f.NumRows() {
		id := frame.FormatValue(lid, i)
		if keep != nil && !keep[id] {
			continue
		}
		if rid.IsNull(i) {
			continue // an unmatched needle kept by --keep-unmatched
		}
		out[id] = append(out[id], strings.Join([]string{frame.FormatValue(rid, i), frame.FormatValue(score, i)}, "/"))
	}
	return out, nil
}
