package fuzzy

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/gen/companygen"
	"github.com/sluicedata/sluice/parallel"
)

func strFrame(t testing.TB, idName, colName string, vals []string, nullEvery int) *frame.Frame {
	t.Helper()
	ids := make([]int64, len(vals))
	valid := make([]bool, len(vals))
	for i := range vals {
		ids[i] = int64(i)
		valid[i] = nullEvery == 0 || i%nullEvery != nullEvery-1
	}
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64(idName, ids, nil)),
		frame.MustColumn(frame.NewString(colName, vals, valid)),
	))
}

// randomWords makes strings from a small vocabulary with typos, so that
// shared tokens, near-duplicates and empty strings all occur.
func randomWords(r *rand.Rand, n int) []string {
	vocab := strings.Fields("acme acne acm corp corporation inc llc ltd global glob systems sytems co & and müller muller a b ab ba zz x")
	out := make([]string, n)
	for i := range out {
		k := r.IntN(5)
		w := make([]string, k)
		for j := range w {
			w[j] = vocab[r.IntN(len(vocab))]
			if r.IntN(6) == 0 && len(w[j]) > 2 {
				b := []byte(w[j])
				b[r.IntN(len(b))] = "aeiouxyz"[r.IntN(8)]
				w[j] = string(b)
			}
		}
		out[i] = strings.Join(w, " ")
		if r.IntN(10) == 0 {
			out[i] = strings.ToUpper(out[i]) + "."
		}
	}
	return out
}

func frameString(f *frame.Frame) string {
	var sb strings.Builder
	for r := 0; r < f.NumRows(); r++ {
		for _, c := range f.Columns() {
			fmt.Fprintf(&sb, "%s|", frame.FormatValue(c, r))
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func checkSame(t *testing.T, left, right *frame.Frame, opt Options) {
	t.Helper()
	ctx := context.Background()
	want, err := BruteForce(ctx, left, right, opt)
	if err != nil {
		t.Fatal(err)
	}
	ws := frameString(want)
	for _, w := range []int{1, 4} {
		opt.Workers = w
		var st Stats
		opt.Stats = &st
		got, err := Join(ctx, left, right, opt)
		if err != nil {
			t.Fatal(err)
		}
		if gs := frameString(got); gs != ws {
			t.Fatalf("%v thr %v top %d workers %d: index join differs from brute force:\n%s", opt.Scorer, opt.Threshold, opt.Top, w, diff(ws, gs))
		}
		if w == 1 {
			t.Logf("%v thr %v top %d budget %d: %d rows, %d of %d pairs compared, %d slices", opt.Scorer, opt.Threshold, opt.Top, opt.MemoryBudget, got.NumRows(), st.Comparisons, st.Pairs, st.Slices)
		}
	}
}

func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var a, b string
		if i < len(wl) {
			a = wl[i]
		}
		if i < len(gl) {
			b = gl[i]
		}
		if a != b {
			fmt.Fprintf(&sb, "line %d\n want %s\n got  %s\n", i, a, b)
			if sb.Len() > 2000 {
				break
			}
		}
	}
	return sb.String()
}

var indexed = []Scorer{TokenSet, TokenSort, RatioScorer}

func TestJoinEqualsBruteForceRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := range 4 {
		left := strFrame(t, "lid", "name", randomWords(r, 120), 13)
		right := strFrame(t, "rid", "name", randomWords(r, 300), 17)
		for _, sc := range indexed {
			for _, thr := range []float64{30, 70, 90, 100} {
				for _, top := range []int{1, 3} {
					norm := Normalize(0)
					if round%2 == 1 {
						norm = NFKC | DefaultProcess
					}
					checkSame(t, left, right, Options{LeftOn: "name", RightOn: "name", Scorer: sc, Threshold: thr, Top: top, Normalize: norm})
				}
			}
		}
	}
}

func TestJoinEqualsBruteForceCompanies(t *testing.T) {
	hay := companygen.Haystack(3000, 11)
	needles := companygen.Needles(hay, 200, 0.8, 12)
	hn := make([]string, len(hay))
	for i, c := range hay {
		hn[i] = c.Name
	}
	nn := make([]string, len(needles))
	for i, c := range needles {
		nn[i] = c.Name
	}
	left := strFrame(t, "id", "name", nn, 0)
	right := strFrame(t, "id", "name", hn, 0)
	for _, sc := range indexed {
		for _, thr := range []float64{70, 85, 95} {
			for _, top := range []int{1, 5} {
				checkSame(t, left, right, Options{LeftOn: "name", RightOn: "name", Scorer: sc, Threshold: thr, Top: top, Normalize: NFKC | DefaultProcess})
			}
		}
	}
	for _, sc := range []Scorer{Partial, JaroWinklerScorer} {
		checkSame(t, left.Head(40), right.Head(500), Options{LeftOn: "name", RightOn: "name", Scorer: sc, Threshold: 85, Normalize: DefaultProcess})
	}
}

// testIndex indexes vals (keyed for sc after normalising with n) as one
// slice.
func testIndex(t testing.TB, sc Scorer, vals []string, n Normalize) *index {
	t.Helper()
	b := newBuilder(sc)
	kr := keyer{sc: sc, n: n}
	for i, v := range vals {
		b.add(int32(i), kr.appendKey(nil, []byte(v)))
	}
	ix, err := b.build(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// TestPreparedScoresEqualPublic checks that the join's scoring path (keys,
// needle tokens, record keys read from the index) computes exactly what the
// exported functions compute.
func TestPreparedScoresEqualPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	hay := append(randomWords(r, 300), "", " ", "ÄÖÜ äöü", "a  b", "\tx\u00a0y z", "ﬁnance Finance")
	for _, sc := range []Scorer{TokenSet, TokenSort, RatioScorer, Partial, JaroWinklerScorer} {
		for _, n := range []Normalize{0, NFKC | DefaultProcess} {
			ix := testIndex(t, sc, hay, n)
			q := newSearcher(sc, 1, 50)
			q.reset(ix, 0)
			kr := keyer{sc: sc, n: n}
			for _, needle := range append(randomWords(r, 50), "", "ÄÖÜ", "a") {
				q.prepare(string(kr.appendKey(nil, []byte(needle))))
				for id := range int32(ix.n) {
					got := q.score(ix.key(id), ix.keyLen(id) == len(ix.key(id)))
					h := hay[ix.rows[id]]
					want := Score(sc, Process(needle, n), Process(h, n))
					if got != want {
						t.Fatalf("%v norm %d (%q, %q): prepared %v, public %v", sc, n, needle, h, got, want)
					}
				}
			}
		}
	}
}

// TestIndexLayout checks the index against its definition: keys by id,
// length order, and posting lists holding exactly the ids with each bigram
// and token, ascending.
func TestIndexLayout(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	hay := append(randomWords(r, 500), "", "ÄÖÜ äöü", "x")
	for _, sc := range indexed {
		bshare, bmindf := bitmapShare, bitmapMinDF
		bitmapShare, bitmapMinDF = 16, 2
		ix := testIndex(t, sc, hay, NFKC|DefaultProcess)
		bitmapShare, bitmapMinDF = bshare, bmindf
		if ix.n != len(hay) {
			t.Fatalf("%v: %d records, want %d", sc, ix.n, len(hay))
		}
		grams := map[uint16][]int32{}
		toks := map[string][]int32{}
		seen := map[int32]bool{}
		prevLen := -1
		for id := range int32(ix.n) {
			row := ix.rows[id]
			if seen[row] {
				t.Fatalf("row %d twice", row)
			}
			seen[row] = true
			want := keyOf(sc, Process(hay[row], NFKC|DefaultProcess))
			if got := string(ix.key(id)); got != want {
				t.Fatalf("%v: key(%d) = %q, want %q", sc, id, got, want)
			}
			l := runeLen(want)
			if l != ix.keyLen(id) || l < prevLen {
				t.Fatalf("%v: id %d length %d (stored %d) after %d", sc, id, l, ix.keyLen(id), prevLen)
			}
			prevLen = l
			if a, b := ix.idRange(l, l); id < a || id >= b {
				t.Fatalf("%v: id %d of length %d outside idRange [%d, %d)", sc, id, l, a, b)
			}
			gs := appendGrams(nil, sc, []byte(want))
			slices.Sort(gs)
			for _, g := range slices.Compact(gs) {
				grams[g] = append(grams[g], id)
			}
			if sc == TokenSet && want != "" {
				for _, tok := range strings.Split(want, " ") {
					toks[tok] = append(toks[tok], id)
				}
			}
		}
		ps := &ix.grams
		bitmaps := 0
		for g := range 1 << 16 {
			got := ps.post[ps.off[g]:ps.off[g+1]]
			if b := ps.bit[g]; b >= 0 {
				bitmaps++
				got = nil
				for id := range int32(ix.n) {
					if ps.has(b, id) {
						got = append(got, id)
					}
				}
			}
			if !slices.Equal(got, grams[uint16(g)]) || int(ps.df[g]) != len(grams[uint16(g)]) {
				t.Fatalf("%v: postings of gram %x: %v (df %d), want %v", sc, g, got, ps.df[g], grams[uint16(g)])
			}
		}
		if bitmaps == 0 {
			t.Errorf("%v: no bigram has a bitmap", sc)
		}
		if sc == TokenSet {
			if ix.dict.len() != len(toks) {
				t.Fatalf("dictionary has %d tokens, want %d", ix.dict.len(), len(toks))
			}
			for tok, ids := range toks {
				tt := ix.dict.lookup([]byte(tok))
				if tt < 0 {
					t.Fatalf("token %q missing", tok)
				}
				if got := ix.dict.post[ix.dict.postOff[tt]:ix.dict.postOff[tt+1]]; !slices.Equal(got, ids) {
					t.Fatalf("postings of %q: %v, want %v", tok, got, ids)
				}
				if ix.dict.weight[tt] != int32(runeLen(tok)+1) {
					t.Fatalf("weight of %q: %d", tok, ix.dict.weight[tt])
				}
			}
			if ix.dict.lookup([]byte("no such token")) != -1 {
				t.Fatal("lookup of a missing token")
			}
		}
	}
}

// TestKeyerEqualsProcess checks the allocation-free key path against its
// definition, keyOf(Process(v)), on ASCII and Unicode text.
func TestKeyerEqualsProcess(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	alpha := []rune("aB c,.-\t\n\r\v\fé€Ｆﬁ\u00a0\u0085 Zz9_")
	vals := []string{"", " ", "  ACME, Inc. (ﬁnance)", "a\x80b", "\xff \xfe"}
	for range 3000 {
		vals = append(vals, randString(r, alpha[:16], 20), randString(r, alpha, 20))
	}
	for _, sc := range []Scorer{TokenSet, TokenSort, RatioScorer, Partial, JaroWinklerScorer} {
		for _, n := range []Normalize{0, NFKC, FoldCase, StripPunct, DefaultProcess, NFKC | DefaultProcess} {
			kr := keyer{sc: sc, n: n}
			for _, v := range vals {
				want := v
				if n != 0 {
					want = Process(v, n)
				}
				want = keyOf(sc, want)
				if got := string(kr.appendKey([]byte("prefix"), []byte(v))); got != "prefix"+want {
					t.Fatalf("%v norm %d: key of %q = %q, want %q", sc, n, v, got[6:], want)
				}
			}
		}
	}
}

func TestJoinOptions(t *testing.T) {
	ctx := context.Background()
	left := strFrame(t, "id", "name", []string{"acme inc", "zzz", "smith & co"}, 0)
	right := strFrame(t, "id", "name", []string{"Acme Inc.", "Smith and Co", "acme"}, 0)
	out, err := Join(ctx, left, right, Options{LeftOn: "name", RightOn: "name", Threshold: 80,
		Normalize: DefaultProcess, KeepUnmatched: true, Top: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(out.Names(), ","); got != "id,name,id_right,name_right,score" {
		t.Errorf("columns %s", got)
	}
	want := "0|acme inc|0|Acme Inc.|100|\n0|acme inc|2|acme|100|\n1|zzz||||\n2|smith & co|1|Smith and Co|100|\n"
	got := frameString(out)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !out.MustColumn("score").IsNull(2) || !out.MustColumn("id_right").IsNull(2) {
		t.Error("unmatched row should have null right columns and score")
	}
	if _, err := Join(ctx, left, right, Options{LeftOn: "nope", RightOn: "name"}); !errors.Is(err, ErrColumn) {
		t.Errorf("missing column: %v", err)
	}
	if _, err := Join(ctx, left, right, Options{LeftOn: "name", RightOn: "name", ScoreColumn: "id"}); err == nil {
		t.Error("score column clash: no error")
	}
	if _, err := Join(ctx, left, right, Options{LeftOn: "name", RightOn: "name", Threshold: 101}); err == nil {
		t.Error("threshold 101: no error")
	}
}

// skewedWords makes names from a Zipf-distributed vocabulary: a few words
// (long and short) in most names, so posting lists are long, common-token
// bitmaps are used, and many names tie or repeat.
func skewedWords(r *rand.Rand, n int) []string {
	vocab := strings.Fields("international inc llc ltd corporation co brothers group acme acmé globex initech umbrella hooli vandelay wayne stark müller ab a x internationale intl technologies tech")
	z := rand.NewZipf(r, 1.3, 2, uint64(len(vocab)-1))
	out := make([]string, n)
	for i := range out {
		k := r.IntN(5)
		w := make([]string, k)
		for j := range w {
			w[j] = vocab[z.Uint64()]
			if r.IntN(8) == 0 && len(w[j]) > 3 {
				b := []byte(w[j])
				b[1+r.IntN(len(b)-2)] = "aeioun"[r.IntN(6)]
				w[j] = string(b)
			}
		}
		out[i] = strings.Join(w, " ")
		if r.IntN(12) == 0 && i > 0 {
			out[i] = out[r.IntN(i)] // a duplicate
		}
	}
	return out
}

// withSmallSlices runs f with common-token bitmaps for any token held twice
// and slices of a few hundred bytes, so that every path of the index and
// of the slicing runs on small data.
func withSmallSlices(t *testing.T, f func()) {
	t.Helper()
	share, mindf, minSlice, sb, sf := commonShare, commonMinDF, minSliceBytes, searcherBytes, sliceFixedBytes
	bshare, bmindf := bitmapShare, bitmapMinDF
	commonShare, commonMinDF, minSliceBytes, searcherBytes, sliceFixedBytes = 1<<30, 2, 200, 0, 0
	bitmapShare, bitmapMinDF = 8, 2
	defer func() {
		commonShare, commonMinDF, minSliceBytes, searcherBytes, sliceFixedBytes = share, mindf, minSlice, sb, sf
		bitmapShare, bitmapMinDF = bshare, bmindf
	}()
	f()
}

// TestJoinEqualsBruteForceSkewed compares the index with brute force on
// skewed vocabularies, with common-token bitmaps forced on, in one slice
// and in many (a memory budget far below the index's size).
func TestJoinEqualsBruteForceSkewed(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for round := range 3 {
		left := strFrame(t, "lid", "name", skewedWords(r, 150), 11)
		right := strFrame(t, "rid", "name", skewedWords(r, 400), 23)
		for _, sc := range indexed {
			for _, thr := range []float64{60, 85, 100} {
				for _, top := range []int{1, 3} {
					opt := Options{LeftOn: "name", RightOn: "name", Scorer: sc, Threshold: thr, Top: top, Normalize: NFKC | DefaultProcess}
					checkSame(t, left, right, opt)
					withSmallSlices(t, func() {
						checkSame(t, left, right, opt)
						var st Stats
						opt.MemoryBudget = 30_000 + int64(round)*10_000
						checkSame(t, left, right, opt)
						opt.Stats = &st
						if _, err := Join(context.Background(), left, right, opt); err != nil {
							t.Fatal(err)
						}
						if st.Slices < 2 {
							t.Fatalf("budget %d: %d slices, want several", opt.MemoryBudget, st.Slices)
						}
					})
				}
			}
		}
	}
}

// TestJoinStream checks that the streaming join reads the right side twice
// (the name column first), equals Join, and notices a right side that
// changed between the passes.
func TestJoinStream(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	left := strFrame(t, "lid", "name", skewedWords(r, 80), 7)
	right := strFrame(t, "rid", "name", skewedWords(r, 900), 13)
	ctx := context.Background()
	opt := Options{LeftOn: "name", RightOn: "name", Threshold: 80, Top: 2, Normalize: DefaultProcess, KeepUnmatched: true}
	want, err := Join(ctx, left, right, opt)
	if err != nil {
		t.Fatal(err)
	}
	var asked [][]string
	open := func(cols []string) parallel.Source {
		asked = append(asked, cols)
		f := right
		if cols != nil {
			f = frame.Must(right.Select(cols...))
		}
		return parallel.Frames(f, 100)
	}
	withSmallSlices(t, func() {
		o := opt
		var st Stats
		o.Stats = &st
		o.MemoryBudget = 60_000
		got, err := JoinStream(ctx, left, open, o)
		if err != nil {
			t.Fatal(err)
		}
		if gs, ws := frameString(got), frameString(want); gs != ws {
			t.Fatalf("JoinStream differs from Join:\n%s", diff(ws, gs))
		}
		if st.Slices < 2 {
			t.Errorf("%d slices, want several", st.Slices)
		}
	})
	if len(asked) != 2 || !slices.Equal(asked[0], []string{"name"}) || asked[1] != nil {
		t.Errorf("open called with %v, want [[name] []]", asked)
	}
	n := 0
	shrinking := func(cols []string) parallel.Source {
		n++
		if n == 2 {
			return parallel.Frames(right.Head(500), 100)
		}
		return parallel.Frames(right, 100)
	}
	if _, err := JoinStream(ctx, left, shrinking, opt); err == nil || !strings.Contains(err.Error(), "changed between passes") {
		t.Errorf("changed right side: %v", err)
	}
}

func TestJoinBudgetTooSmall(t *testing.T) {
	left := strFrame(t, "id", "name", []string{"acme inc", "globex"}, 0)
	right := strFrame(t, "id", "name", []string{"acme", "globex corp"}, 0)
	_, err := Join(context.Background(), left, right, Options{LeftOn: "name", RightOn: "name", Threshold: 80, MemoryBudget: 1000})
	if !errors.Is(err, ErrBudget) {
		t.Fatalf("budget of 1000 bytes: %v, want ErrBudget", err)
	}
}

// TestBruteForceScoresEqualPublic checks every score BruteForce computes
// (threshold 0 and a Top covering all right rows) against the exported
// scorer on the normalised strings, so that the brute-force reference does
// not depend on the join's scoring shortcuts being right.
func TestBruteForceScoresEqualPublic(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	lv := append(skewedWords(r, 25), "", "a", "ÄÖÜ acme", strings.Repeat("x", 70))
	rv := append(randomWords(r, 60), "", "acme", "äöü acme inc", strings.Repeat("x", 69))
	left := strFrame(t, "lid", "name", lv, 0)
	right := strFrame(t, "rid", "name", rv, 0)
	for _, sc := range []Scorer{TokenSet, TokenSort, RatioScorer, Partial, JaroWinklerScorer} {
		for _, n := range []Normalize{0, NFKC | DefaultProcess} {
			out, err := BruteForce(context.Background(), left, right, Options{LeftOn: "name", RightOn: "name", Scorer: sc,
				Top: len(rv), Normalize: n, Workers: 3})
			if err != nil {
				t.Fatal(err)
			}
			if out.NumRows() != len(lv)*len(rv) {
				t.Fatalf("%v: %d rows, want every pair (%d)", sc, out.NumRows(), len(lv)*len(rv))
			}
			for i := range out.NumRows() {
				l, rr := out.MustColumn("lid").Int64(i), out.MustColumn("rid").Int64(i)
				want := Score(sc, Process(lv[l], n), Process(rv[rr], n))
				if got := out.MustColumn("score").Float64(i); got != want {
					t.Fatalf("%v norm %d (%q, %q): brute force %v, Score %v", sc, n, lv[l], rv[rr], got, want)
				}
			}
		}
	}
}
