package fuzzy

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/sluicedata/sluice/readers"
)

// The tests of this file profile the W2 join on real-sized data; they run
// only when FUZZY_NEEDLES and FUZZY_HAYSTACK name CSV files with a name
// column (as `sluice gen companies` writes them), e.g.
//
//	FUZZY_NEEDLES=needles.csv FUZZY_HAYSTACK=hay.csv \
//	    go test ./parallel/fuzzy -run ProfileW2 -v -cpuprofile cpu.out
//
// See bench/fuzzy-profile.md for what they showed.

func profileFiles(t *testing.T) (needles, haystack string) {
	np, hp := os.Getenv("FUZZY_NEEDLES"), os.Getenv("FUZZY_HAYSTACK")
	if np == "" || hp == "" {
		t.Skip("set FUZZY_NEEDLES and FUZZY_HAYSTACK")
	}
	return np, hp
}

// TestProfileW2 runs the whole join (threshold 85, one worker).
func TestProfileW2(t *testing.T) {
	np, hp := profileFiles(t)
	ctx := context.Background()
	left, err := readers.ReadAll(readers.Open(ctx, np, readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	right, err := readers.ReadAll(readers.Open(ctx, hp, readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var st Stats
	res, err := Join(ctx, left, right, Options{LeftOn: "name", RightOn: "name", Threshold: 85, Normalize: NFKC | DefaultProcess, Stats: &st, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d rows, %+v, %v", res.NumRows(), st, time.Since(start))
}

// TestProfileW2Needles indexes the haystack as one slice, then searches
// each needle alone (one worker) and reports the work counters and the
// slowest needles, which show where the time goes.
func TestProfileW2Needles(t *testing.T) {
	np, hp := profileFiles(t)
	ctx := context.Background()
	left, err := readers.ReadAll(readers.Open(ctx, np, readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	right, err := readers.ReadAll(readers.Open(ctx, hp, readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	kr := keyer{sc: TokenSet, n: NFKC | DefaultProcess}
	b := newBuilder(TokenSet)
	c := right.MustColumn("name")
	for i := range c.Len() {
		b.add(int32(i), kr.appendKey(nil, c.StrBytes(i)))
	}
	start := time.Now()
	ix, err := b.build(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("index of %d names: %v, %d MiB", ix.n, time.Since(start), ix.bytes()>>20)
	lc := left.MustColumn("name")
	q := newSearcher(TokenSet, 1, 85)
	q.reset(ix, 0)
	type needle struct {
		d    time.Duration
		key  string
		best float64
		c    counters
	}
	var ns []needle
	start = time.Now()
	for i := range lc.Len() {
		key := string(kr.appendKey(nil, lc.StrBytes(i)))
		c0, t0 := q.counters, time.Now()
		m := q.search(key, nil)
		n := needle{d: time.Since(t0), key: key, c: q.counters}
		n.c.comparisons -= c0.comparisons
		n.c.tokPostings -= c0.tokPostings
		n.c.gramPosts -= c0.gramPosts
		n.c.checked -= c0.checked
		n.c.tokCands -= c0.tokCands
		if len(m) > 0 {
			n.best = m[0].score
		}
		ns = append(ns, n)
	}
	el := time.Since(start)
	t.Logf("%d needles in %v (%v a needle): %+v", len(ns), el, el/time.Duration(max(len(ns), 1)), q.counters)
	slices.SortFunc(ns, func(a, b needle) int { return int(b.d - a.d) })
	var cum time.Duration
	for i, n := range ns {
		cum += n.d
		if i < 10 || i == len(ns)/10 || i == len(ns)/2 {
			t.Logf("#%d %v (%.0f%% of the time so far) best %.1f %+v %q", i, n.d, 100*float64(cum)/float64(el), n.best, n.c, n.key)
		}
	}
}
