package fuzzy

import (
	"context"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/gen/companygen"
)

func BenchmarkScorers(b *testing.B) {
	a, c := "acme widgets international inc", "widgets acme intl incorporated"
	for _, sc := range []Scorer{TokenSet, TokenSort, RatioScorer, Partial, JaroWinklerScorer} {
		b.Run(sc.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Score(sc, a, c)
			}
		})
	}
}

// BenchmarkSearcherScore measures one comparison on the join's path, which
// must not allocate.
func BenchmarkSearcherScore(b *testing.B) {
	hay := companygen.Haystack(1000, 1)
	vals := make([]string, len(hay))
	for i, c := range hay {
		vals[i] = c.Name
	}
	for _, sc := range []Scorer{TokenSet, TokenSort, RatioScorer} {
		b.Run(sc.String(), func(b *testing.B) {
			ix := testIndex(b, sc, vals, DefaultProcess)
			q := newSearcher(sc, 1, 85)
			q.reset(ix, 0)
			kr := keyer{sc: sc, n: DefaultProcess}
			q.prepare(string(kr.appendKey(nil, []byte("Acme Widgets International, Inc."))))
			b.ReportAllocs()
			id := int32(0)
			for b.Loop() {
				q.score(ix.key(id), ix.keyLen(id) == len(ix.key(id)))
				id = (id + 1) % int32(ix.n)
			}
		})
	}
}

func companyFrames(b *testing.B, hayN, needleN int) (*frame.Frame, *frame.Frame) {
	hay := companygen.Haystack(hayN, 5)
	needles := companygen.Needles(hay, needleN, 0.8, 6)
	hn := make([]string, len(hay))
	for i, c := range hay {
		hn[i] = c.Name
	}
	nn := make([]string, len(needles))
	for i, c := range needles {
		nn[i] = c.Name
	}
	return strFrame(b, "id", "name", nn, 0), strFrame(b, "id", "name", hn, 0)
}

// BenchmarkJoin compares the indexed join with brute force on 200 needles
// × 50,000 names (token_set, threshold 85); it reports pairs scored.
func BenchmarkJoin(b *testing.B) {
	left, right := companyFrames(b, 50_000, 200)
	for _, mode := range []struct {
		name string
		f    func(context.Context, *frame.Frame, *frame.Frame, Options) (*frame.Frame, error)
	}{{"index", Join}, {"brute", BruteForce}} {
		b.Run(mode.name, func(b *testing.B) {
			var st Stats
			for b.Loop() {
				if _, err := mode.f(context.Background(), left, right, Options{LeftOn: "name", RightOn: "name",
					Threshold: 85, Normalize: NFKC | DefaultProcess, Stats: &st}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(st.Comparisons), "pairs/op")
		})
	}
}
