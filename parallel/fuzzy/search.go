package fuzzy

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// match is one (right row, score) result.
type match struct {
	row   int64
	score float64
}

// better orders matches: higher score first, then lower right row.
func better(a, b match) bool {
	return a.score > b.score || a.score == b.score && a.row < b.row
}

// needleToken is a distinct token of the needle: its text, code points,
// and its number in the slice's dictionary (-1 when the slice lacks it)
// with the number of records holding it.
type needleToken struct {
	s  string
	rl int
	t  int32
	df int
	bm int32 // the token's bitmap number if it is common, else -1
}

// counters count a search's work, for Stats and profiling.
type counters struct {
	comparisons int64 // pairs scored
	tokPostings int64 // token posting entries read
	gramPosts   int64 // bigram posting entries read
	checked     int64 // records whose key was read to check a bound
	tokCands    int64 // candidates of tokenPhase
}

func (c *counters) add(o counters) {
	c.comparisons += o.comparisons
	c.tokPostings += o.tokPostings
	c.gramPosts += o.gramPosts
	c.checked += o.checked
	c.tokCands += o.tokCands
}

// searcher answers queries against one index. Each worker owns one; the
// index itself is only read. Searching allocates nothing once the
// searcher's buffers have grown to the largest needle.
type searcher struct {
	ix   *index
	base int64 // right row of the slice's row 0
	s    scratch
	k    int
	thr  float64
	tau  float64 // a record can enter the result only if its score ≥ tau
	top  []match
	sc   Scorer
	sink byte // keeps the prefetching reads of charLength
	counters

	key    string // the needle's key
	la     int    // its length in code points
	ntoks  []needleToken
	order  []int
	xgrams []uint16
	gorder []gramCount
	gsort  []gramCount
	xcnt   *[1 << 16]uint8 // the needle's bigram counts (charPhase)
	used   *[1 << 16]uint8 // bigrams of the checked key matched so far (valid where stamp == epoch)
	stamp  *[1 << 16]uint32
	epoch  uint32
	ccnt   [256]uint8 // the needle's character counts (charPhase)
	cnt    []uint8    // per record: a count, zero between uses
	cands  []int32
	sorted []int32
	walk   []tokenWalk
	ctoks  []commonToken
	tcands []tokenCand
	abuf   []byte
	bbuf   []byte
}

type gramCount struct {
	code  uint16
	count int
}

func newSearcher(sc Scorer, k int, thr float64) *searcher {
	return &searcher{sc: sc, k: k, thr: thr, xcnt: new([1 << 16]uint8), used: new([1 << 16]uint8), stamp: new([1 << 16]uint32)}
}

// reset points q at a slice's index, whose row 0 is right row base.
func (q *searcher) reset(ix *index, base int64) {
	q.ix, q.base = ix, base
	if cap(q.cnt) < ix.n {
		q.cnt = nil // let the old one go before the new one is made
		q.cnt = make([]uint8, ix.n)
	}
	q.cnt = q.cnt[:ix.n]
}

// search returns the best k records for the needle's key, merged with the
// best matches found so far (prev, from earlier slices), best first. The
// result aliases the searcher's buffer.
func (q *searcher) search(key string, prev []match) []match {
	q.top = append(q.top[:0], prev...)
	q.tau = q.thr
	if len(q.top) == q.k {
		q.tau = max(q.thr, q.top[q.k-1].score)
	}
	q.prepare(key)
	ix := q.ix
	if q.thr <= 0 || !(ix.sc == TokenSet || ix.sc == TokenSort || ix.sc == RatioScorer) {
		for id := range int32(ix.n) {
			q.consider(id, ix.key(id))
		}
		return q.top
	}
	if ix.sc == TokenSet {
		q.tokenPhase()
		if q.tau >= 100-eps {
			return q.top
		}
	}
	q.charPhase()
	return q.top
}

// consider scores record id (whose key is k) and offers it to the result.
func (q *searcher) consider(id int32, k []byte) {
	q.comparisons++
	sc := q.score(k, int(q.ix.group(id).runes) == len(k))
	if sc < q.thr {
		return
	}
	m := match{q.base + int64(q.ix.rows[id]), sc}
	if len(q.top) == q.k && !better(m, q.top[q.k-1]) {
		return
	}
	for _, x := range q.top {
		if x.row == m.row {
			return // seen before (a record can be proposed twice)
		}
	}
	i := len(q.top)
	if i < q.k {
		q.top = append(q.top, m)
	} else {
		i--
	}
	for i > 0 && better(m, q.top[i-1]) {
		q.top[i] = q.top[i-1]
		i--
	}
	q.top[i] = m
	if len(q.top) == q.k {
		q.tau = max(q.thr, q.top[q.k-1].score)
	}
}

// score is the scorer applied to the needle and a record's key k (ascii:
// k is ASCII); it computes exactly what the exported scorer functions
// compute.
func (q *searcher) score(k []byte, ascii bool) float64 {
	switch q.sc {
	case TokenSet:
		return q.tokenSetScore(k, ascii)
	case TokenSort, RatioScorer:
		return q.s.indelRatio(q.key, unsafeString(k))
	case Partial:
		return q.s.partialRatio(q.key, unsafeString(k))
	default:
		q.s.ra = appendRunes(q.s.ra[:0], q.key)
		q.s.rb = appendRunes(q.s.rb[:0], unsafeString(k))
		return q.s.jaroWinkler(q.s.ra, q.s.rb)
	}
}

// prepare sets the needle's key.
func (q *searcher) prepare(key string) {
	q.key = key
	q.la = runeLen(key)
	if q.sc == TokenSet {
		q.prepareTokens()
	}
}

// prepareTokens splits the needle's key (distinct sorted tokens) and looks
// its tokens up in the slice's dictionary.
func (q *searcher) prepareTokens() {
	q.ntoks = q.ntoks[:0]
	if q.key == "" {
		return
	}
	for t := range strings.SplitSeq(q.key, " ") {
		nt := needleToken{s: t, rl: runeLen(t), t: -1, bm: -1}
		if q.ix != nil {
			d := &q.ix.dict
			nt.t = d.lookup([]byte(t))
		}
		if nt.t >= 0 {
			d := &q.ix.dict
			nt.df = int(d.df[nt.t])
			nt.bm = d.common[nt.t]
		}
		q.ntoks = append(q.ntoks, nt)
	}
}

// tokenSetScore is TokenSetRatio of the needle and a record's key k
// (ascii: k is ASCII), from the needle's tokens and the record's key,
// without allocating.
func (q *searcher) tokenSetScore(k []byte, ascii bool) float64 {
	a, b := q.abuf[:0], q.bbuf[:0]
	sectLen, nsect, abLen, baLen, nb := 0, 0, 0, 0, 0
	i := 0
	rest := k
	for len(rest) > 0 || i < len(q.ntoks) {
		var tok []byte
		c := -1 // needle token first
		if len(rest) > 0 {
			j := 0
			for j < len(rest) && rest[j] != ' ' {
				j++
			}
			tok = rest[:j]
			if i < len(q.ntoks) {
				c = strings.Compare(q.ntoks[i].s, unsafeString(tok))
			} else {
				c = 1
			}
		}
		switch {
		case c < 0:
			if len(a) > 0 {
				a = append(a, ' ')
				abLen++
			}
			a = append(a, q.ntoks[i].s...)
			abLen += q.ntoks[i].rl
			i++
			continue
		case c > 0:
			if len(b) > 0 {
				b = append(b, ' ')
				baLen++
			}
			b = append(b, tok...)
			if ascii {
				baLen += len(tok)
			} else {
				baLen += utf8.RuneCount(tok)
			}
		default:
			if ascii {
				sectLen += len(tok)
			} else {
				sectLen += q.ntoks[i].rl
			}
			nsect++
			i++
		}
		nb++
		rest = rest[min(len(tok)+1, len(rest)):]
	}
	if nsect > 0 {
		sectLen += nsect - 1
	}
	q.abuf, q.bbuf = a, b
	lcs := 0
	if len(q.ntoks) > 0 && nb > 0 && !(sectLen > 0 && (abLen == 0 || baLen == 0)) {
		lcs = q.s.lcs(unsafeString(a), unsafeString(b))
	}
	return tokenSetScore(len(q.ntoks), nb, sectLen, abLen, baLen, lcs)
}

// tokenPhase finds every record whose TokenSetRatio with the needle can
// reach tau through a shared-token term. With I the shared tokens, s their
// joined length, and LA, LB the joined lengths of the two token sets, those
// terms are (see TokenSetRatio)
//
//	r2 = Ratio(sect, t1) = 200·s/(s+LA)    r3 = Ratio(sect, t2) = 200·s/(s+LB)
//
// (t1 has length LA and sect is a prefix of it; the subset rule, 100 when
// A ⊆ B or B ⊆ A, is the case s = LA or s = LB of the same terms).
// r2 ≥ tau ⟺ s ≥ c·LA and r3 ≥ tau ⟺ s ≥ c·LB with c = tau/(200-tau), so a
// record of length LB needs s ≥ c·min(LA, LB). Giving each token the weight
// w = len+1, the shared weight is s+1, and the bar is
// W(LB) = c·min(LA, LB) + 1.
//
// The needle's tokens that the slice holds are split into common ones
// (with a bitmap in the index) and the others (with a posting list).
//
// Records sharing only common tokens: for every set S of the needle's
// common tokens, the records whose shared common tokens are exactly S are
// the bitwise AND of S's bitmaps less the OR of the others', and they can
// reach the bar only for lengths LB with W(LB) ≤ w(S) plus the weight of
// the other tokens, an id range (W rises with LB and ids are in length
// order); those bits are read a word at a time.
//
// Records sharing another token: prefix filtering, per length. With the
// other tokens ordered rarest first (fewest records), then the common ones,
// and R_k the weight of tokens k, k+1, … of that order, a record that shares
// none of the tokens before the first p with R_p < W(LB) shares at most
// R_p: too little. So token k must be walked for the lengths LB with
// W(LB) ≤ R_k, an id range [0, end). Further tokens whose lists are short
// compared with what was walked are walked over all ids, to sharpen the
// count. Walking adds each token's weight to a per-record counter
// (ScanCount over sequential lists).
//
// A record so found is a candidate if its counted weight, plus the weight
// of the common tokens it holds (one bitmap read each), plus the weight of
// the other tokens not walked for its length, reaches W(LB) at the current
// tau; only candidates are scored, most shared weight first.
func (q *searcher) tokenPhase() {
	ix := q.ix
	d := &ix.dict
	c := q.tau / (200 - q.tau)
	q.order = q.order[:0]
	total := 0
	for k, t := range q.ntoks {
		if t.t >= 0 {
			q.order = append(q.order, k)
			total += t.rl + 1
		}
	}
	if len(q.order) == 0 {
		return
	}
	slices.SortFunc(q.order, func(a, b int) int {
		ta, tb := &q.ntoks[a], &q.ntoks[b]
		return cmp.Or(cmp.Compare(min(ta.bm+1, 1), min(tb.bm+1, 1)), cmp.Compare(ta.df, tb.df), cmp.Compare(a, b))
	})
	wla := c*float64(q.la) + 1 - 1e-6 // W(LB) for LB ≥ LA, less a margin
	maxLen := ix.maxLen()
	q.walk = q.walk[:0]
	q.ctoks = q.ctoks[:0]
	rk := total
	walked := int64(0)
	cnt := q.cnt
	touched := q.cands[:0]
	for _, k := range q.order {
		nt := &q.ntoks[k]
		w := nt.rl + 1
		if nt.bm >= 0 {
			q.ctoks = append(q.ctoks, commonToken{k, nt.bm, w})
			continue
		}
		L := maxLen
		if float64(rk) < wla {
			L = min(maxLen, int(math.Floor((float64(rk)-1+1e-6)/c)))
		}
		rk -= w
		if L < maxLen && int64(nt.df) <= 8*walked+1024 {
			L = maxLen // cheap: walk it all
		}
		// L ≥ 0: rk ≥ w ≥ 2 and c ≤ 1, so every such token is walked at
		// least for the shortest keys.
		end := ix.lenStart[L+1]
		q.walk = append(q.walk, tokenWalk{tok: k, end: end, w: w})
		list := d.post[d.postOff[nt.t]:d.postOff[nt.t+1]]
		if end < int32(ix.n) {
			i, _ := slices.BinarySearch(list, end)
			list = list[:i]
		}
		walked += int64(len(list))
		inc := uint8(min(w, 255))
		for _, id := range list {
			v := cnt[id]
			if v == 0 {
				touched = append(touched, id)
			}
			cnt[id] = uint8(min(int(v)+int(inc), 255))
		}
	}
	q.tokPostings += walked
	q.cands = touched
	cands := q.tcands[:0]
	lc := lenCursor{ls: ix.lenStart}
	for _, id := range touched {
		if share, ok := q.tokenBound(id, c, lc.at(id)); ok {
			cands = append(cands, tokenCand{id, share})
		}
	}
	if len(q.ctoks) > 0 {
		cands = q.commonOnly(cands, c, wla)
	}
	for _, id := range touched {
		cnt[id] = 0
	}
	// Most shared weight first, so that tau rises early.
	slices.SortFunc(cands, func(x, y tokenCand) int { return cmp.Or(cmp.Compare(y.share, x.share), cmp.Compare(x.id, y.id)) })
	q.tcands = cands
	q.tokCands += int64(len(cands))
	for _, x := range cands {
		if q.tau > q.thr {
			// tau has risen: check again.
			c = q.tau / (200 - q.tau)
			if float64(x.share) < c*float64(min(q.la, ix.keyLen(x.id)))+1-1e-6 {
				continue
			}
		}
		q.checked++
		q.consider(x.id, ix.key(x.id))
	}
}

// lenCursor returns key lengths of ids, cheaply for ascending runs of ids.
type lenCursor struct {
	ls []int32 // lenStart
	L  int
}

// at returns id's key length.
func (lc *lenCursor) at(id int32) int {
	ls := lc.ls
	if id < ls[lc.L] {
		lc.L = 0 // a new run
	}
	for ls[lc.L+1] <= id {
		lc.L++
	}
	return lc.L
}

// tokenWalk is a needle token whose posting list tokenPhase read, up to id
// end (exclusive).
type tokenWalk struct {
	tok int // index in ntoks
	end int32
	w   int // weight
}

// commonToken is a needle token with a bitmap.
type commonToken struct {
	tok int // index in ntoks
	bm  int32
	w   int
}

// tokenCand is a candidate of tokenPhase with a bound on its shared weight.
type tokenCand struct {
	id    int32
	share int
}

// tokenBound returns a bound on the weight record id (touched by the walk)
// shares with the needle, and whether it reaches the bar at c.
func (q *searcher) tokenBound(id int32, c float64, lb int) (int, bool) {
	d := &q.ix.dict
	v := int(q.cnt[id])
	if v == 255 {
		return math.MaxInt32, true // saturated: unknown
	}
	for _, wk := range q.walk {
		if id >= wk.end {
			v += wk.w // not walked at this length: may be shared
		}
	}
	for _, ct := range q.ctoks {
		if d.has(ct.bm, id) {
			v += ct.w
		}
	}
	return v, float64(v) >= c*float64(min(q.la, lb))+1-1e-6
}

// walkedAll reports whether needle token k was walked over all ids.
func (q *searcher) walkedAll(k int) bool {
	for _, wk := range q.walk {
		if wk.tok == k {
			return wk.end == int32(q.ix.n)
		}
	}
	return false
}

// commonOnly adds the candidates that share common tokens and none of the
// walked ones (see tokenPhase).
func (q *searcher) commonOnly(cands []tokenCand, c, wla float64) []tokenCand {
	ix := q.ix
	d := &ix.dict
	m := len(q.ctoks)
	if m > 4 {
		m = 4 // the others count as possibly shared
	}
	// The weight of the needle's tokens a record that no walk touched may
	// still share beyond its common tokens: the others not walked over all
	// ids.
	other := 0
	for _, k := range q.order {
		if q.ntoks[k].bm < 0 && !q.walkedAll(k) {
			other += q.ntoks[k].rl + 1
		}
	}
	for _, ct := range q.ctoks[m:] {
		other += ct.w
	}
	maxLen := ix.maxLen()
	lc := lenCursor{ls: ix.lenStart}
	for set := 1; set < 1<<m; set++ {
		ws := other
		for j := range m {
			if set>>j&1 != 0 {
				ws += q.ctoks[j].w
			}
		}
		L := maxLen
		if float64(ws) < wla {
			L = min(maxLen, int(math.Floor((float64(ws)-1+1e-6)/c)))
		}
		if L < 0 {
			continue
		}
		end := int(ix.lenStart[L+1])
		for w := 0; w < (end+63)/64; w++ {
			x := ^uint64(0)
			for j := range m {
				bm := d.bits[int(q.ctoks[j].bm)*d.words+w]
				if set>>j&1 != 0 {
					x &= bm
				} else {
					x &^= bm
				}
				if x == 0 {
					break
				}
			}
			if w == end/64 {
				x &= 1<<(end%64) - 1
			}
			for x != 0 {
				id := int32(w*64 + bits.TrailingZeros64(x))
				x &= x - 1
				if q.cnt[id] != 0 {
					continue // touched by the walk: already judged
				}
				if share, ok := q.tokenBound(id, c, lc.at(id)); ok {
					cands = append(cands, tokenCand{id, share})
				}
			}
		}
	}
	return cands
}

// charPhase finds every record whose Indel ratio with the needle's key can
// reach tau: Ratio on the keys for Ratio and TokenSort, and the term
// r1 = Ratio(t1, t2) for TokenSet. It is lossless by two bounds.
//
// Length: the LCS L of strings of lengths LA and LB is at most min(LA, LB),
// so a ratio 200·L/(LA+LB) ≥ tau needs LB in [LA·tau/(200-tau),
// LA·(200-tau)/tau] (lengthRange), an id range since ids are in length
// order.
//
// Bigrams: take an LCS alignment of x (length LA) and y (length LB). A
// bigram of x is kept, as a bigram of y, when both its characters are
// matched to adjacent characters of y. Each of the LA-L unmatched characters
// of x breaks at most 2 bigrams of x, and each of the LB-L unmatched
// characters of y, sitting in a gap between two matched ones, breaks at most
// the one x-bigram spanning that gap. So x and y share at least
//
//	G ≥ Nx − 2(LA−L) − (LB−L) = Nx − 2·LA − LB + 3L
//
// bigrams (as multisets), Nx being the number of bigrams of x, and the same
// with x and y exchanged. With L ≥ Lmin = ⌈tau·(LA+LB)/200⌉ that is a
// minimum count of shared bigrams. For TokenSet only bigrams inside tokens
// are counted: t1 is a reordering of the needle's tokens, a kept bigram is
// inside a token of y too (it has no space), and the multiset of in-token
// bigrams does not depend on the order of the tokens. Hashed codes (non-
// ASCII) can only merge bigrams, which raises counts: still lossless.
//
// Candidates: records are taken one length LB at a time (an id range).
// If the required count is ≤ 0 every record of that length is checked.
// Otherwise the posting lists of the needle's bigrams, each cut to the id
// range by binary search, are merged by counting (ScanCount), and the
// records that reach the count are checked against both exact counts, with
// the current tau (which rises as matches are found, most promising
// first), before they are scored. Checking reads the record's key once;
// the score is then computed from the same bytes.
func (q *searcher) charPhase() {
	ix := q.ix
	q.xgrams = appendGrams(q.xgrams[:0], q.sc, []byte(q.key))
	slices.Sort(q.xgrams)
	la, nx := q.la, len(q.xgrams)
	q.gorder = q.gorder[:0]
	for k := 0; k < nx; k++ {
		if k > 0 && q.xgrams[k] == q.xgrams[k-1] {
			q.gorder[len(q.gorder)-1].count++
			continue
		}
		q.gorder = append(q.gorder, gramCount{code: q.xgrams[k], count: 1})
	}
	for _, g := range q.gorder {
		q.xcnt[g.code] = uint8(min(g.count, 255))
	}
	for _, r := range q.key {
		c := charCode(r)
		q.ccnt[c] = uint8(min(int(q.ccnt[c])+1, 255))
	}
	defer func() {
		for _, g := range q.gorder {
			q.xcnt[g.code] = 0
		}
		q.ccnt = [256]uint8{}
	}()
	if len(q.gorder) >= 4 && len(q.top) < q.k {
		q.probe()
	}
	lo, hi := lengthRange(la, q.tau)
	hi = min(hi, ix.maxLen())
	// Most frequent bigrams first, for skipping.
	slices.SortFunc(q.gorder, func(x, y gramCount) int {
		return cmp.Or(cmp.Compare(ix.grams.df[y.code], ix.grams.df[x.code]), cmp.Compare(x.code, y.code))
	})
	// One pass per record length LB, nearest to LA first (where the best
	// matches usually are, so tau rises early), each with its own bar.
	for d := 0; la-d >= lo || la+d <= hi; d++ {
		if lb := la - d; lb >= lo && lb <= hi {
			q.charLength(lb)
		}
		if lb := la + d; d > 0 && lb >= lo && lb <= hi {
			q.charLength(lb)
		}
	}
}

// charLength is charPhase's pass over the records of key length lb.
func (q *searcher) charLength(lb int) {
	ix := q.ix
	la, nx := q.la, len(q.xgrams)
	if 200*float64(min(la, lb))/float64(la+lb)+eps < q.tau {
		return
	}
	a, b := ix.lenStart[lb], ix.lenStart[lb+1]
	if a == b {
		return
	}
	need := nx - 2*la - lb + 3*minLCS(la, lb, q.tau)
	if need <= 0 {
		gi := q.groupAt(a)
		for id := a; id < b; id++ {
			for gi+1 < len(ix.groups) && ix.groups[gi+1].start <= id {
				gi++
			}
			q.charCandidateIn(&ix.groups[gi], id, -1)
		}
		return
	}
	// Count, for every record of this length, the needle bigrams it holds
	// (a needle bigram occurring m times adds m, at least its multiset
	// share). The most frequent bigrams, skip occurrences in all with
	// skip < need/3, are not walked (prefix filtering): a record sharing
	// need bigrams still counts at least need-skip, the bar for candidates.
	// The candidates' counts are then completed from the skipped lists by
	// galloping through them (few candidates, long lists), so each count
	// bounds the record's share from above, and a record is read only if
	// that bound reaches both directions' bars (the record's own bigram
	// count is its group's).
	skip, first := 0, 0
	for first < len(q.gorder) && 3*(skip+q.gorder[first].count) < need {
		skip += q.gorder[first].count
		first++
	}
	cnt := q.cnt
	bar := uint8(min(need-skip, 255))
	cands := q.cands[:0]
	ps := &ix.grams
	for _, g := range q.gorder[first:] {
		inc := uint8(min(g.count, 255))
		if ps.bit != nil && ps.bit[g.code] >= 0 {
			// A bitmap: its set bits in [a, b).
			bm := ps.bits[int(ps.bit[g.code])*ps.words:]
			for w := int(a >> 6); w <= int((b-1)>>6); w++ {
				x := bm[w]
				if w == int(a>>6) {
					x &^= 1<<(a&63) - 1
				}
				if w == int((b-1)>>6) && b&63 != 0 {
					x &= 1<<(b&63) - 1
				}
				q.gramPosts += int64(bits.OnesCount64(x))
				for ; x != 0; x &= x - 1 {
					id := int32(w<<6 + bits.TrailingZeros64(x))
					v := cnt[id]
					c := min(v+inc, 255)
					if v < bar && c >= bar {
						cands = append(cands, id)
					}
					cnt[id] = c
				}
			}
			continue
		}
		list := ps.post[ps.off[g.code]:ps.off[int(g.code)+1]]
		i, _ := slices.BinarySearch(list, a)
		j, _ := slices.BinarySearch(list[i:], b)
		q.gramPosts += int64(j)
		for _, id := range list[i : i+j] {
			v := cnt[id]
			c := min(v+inc, 255)
			if v < bar && c >= bar {
				cands = append(cands, id)
			}
			cnt[id] = c
		}
	}
	q.cands = cands
	// In id order: keys of one length are stored back to back, so reading
	// them in order is a forward scan the processor can prefetch.
	slices.Sort(cands)
	for _, g := range q.gorder[:first] {
		inc := uint8(min(g.count, 255))
		if ps.bit != nil && ps.bit[g.code] >= 0 {
			b := ps.bit[g.code]
			for _, id := range cands {
				if ps.has(b, id) {
					cnt[id] = min(cnt[id]+inc, 255)
				}
			}
			continue
		}
		list := ps.post[ps.off[g.code]:ps.off[int(g.code)+1]]
		i, _ := slices.BinarySearch(list, a)
		list = list[i:]
		for _, id := range cands {
			// Gallop to the first entry ≥ id.
			step := 1
			for step < len(list) && list[step] < id {
				step *= 2
			}
			k, _ := slices.BinarySearch(list[step/2:min(step+1, len(list))], id)
			list = list[step/2+k:]
			if len(list) == 0 {
				break
			}
			if list[0] == id {
				cnt[id] = min(cnt[id]+inc, 255)
			}
		}
	}
	gi := q.groupAt(a)
	gj, sink := gi, byte(0)
	const ahead = 4
	for i, id := range cands {
		for gi+1 < len(ix.groups) && ix.groups[gi+1].start <= id {
			gi++
		}
		if i+ahead < len(cands) {
			// Touch a later candidate's key now, so that its cache miss
			// overlaps with the work on this one.
			nid := cands[i+ahead]
			for gj+1 < len(ix.groups) && ix.groups[gj+1].start <= nid {
				gj++
			}
			g := &ix.groups[gj]
			if g.bytes > 0 {
				sink += ix.data[g.off+int64(nid-g.start)*int64(g.bytes)]
			}
		}
		q.charCandidateIn(&ix.groups[gi], id, int(cnt[id]))
	}
	q.sink += sink
	clear(cnt[a:b])
}

// groupAt returns the index of the group holding id.
func (q *searcher) groupAt(id int32) int {
	return q.ix.groupIndex(id)
}

// probeBudget is the most posting entries probe reads.
const probeBudget = 30000

// probe raises tau cheaply before charPhase's exhaustive pass, which costs
// far less at a higher tau: it counts the needle's rarer bigrams (the rarest
// lists holding half of its bigram occurrences, within a small budget) over
// the length range and scores the few records that hold the most. It only
// proposes candidates and never excludes one, so it cannot change the
// result.
func (q *searcher) probe() {
	ix := q.ix
	lo, hi := lengthRange(q.la, q.tau)
	a, b := ix.idRange(lo, hi)
	if a >= b {
		return
	}
	order := append(q.gsort[:0], q.gorder...)
	q.gsort = order
	ps := &ix.grams
	slices.SortFunc(order, func(x, y gramCount) int {
		return cmp.Or(cmp.Compare(ps.df[x.code], ps.df[y.code]), cmp.Compare(x.code, y.code))
	})
	cnt := q.cnt
	touched := q.cands[:0]
	used, walked := 0, 0
	for _, g := range order {
		if used >= len(q.xgrams)/2 || walked > probeBudget {
			break
		}
		used += g.count
		inc := uint8(min(g.count, 255))
		if ps.bit != nil && ps.bit[g.code] >= 0 {
			break // the rest are frequent bigrams (bitmaps)
		}
		list := ps.post[ps.off[g.code]:ps.off[int(g.code)+1]]
		i, _ := slices.BinarySearch(list, a)
		j, _ := slices.BinarySearch(list[i:], b)
		walked += j
		q.gramPosts += int64(j)
		for _, id := range list[i : i+j] {
			v := cnt[id]
			if v == 0 {
				touched = append(touched, id)
			}
			cnt[id] = min(v+inc, 255)
		}
	}
	q.cands = touched
	// The ≈16 records with the highest counts, best first.
	var hist [256]int32
	for _, id := range touched {
		hist[cnt[id]]++
	}
	cut, got := 255, int32(0)
	for cut > 1 && got+hist[cut] < 16 {
		got += hist[cut]
		cut--
	}
	best := q.sorted[:0]
	for _, id := range touched {
		if int(cnt[id]) >= cut {
			best = append(best, id)
			if len(best) == 64 {
				break
			}
		}
	}
	q.sorted = best
	slices.SortFunc(best, func(x, y int32) int {
		return cmp.Or(cmp.Compare(cnt[y], cnt[x]), cmp.Compare(x, y))
	})
	for _, id := range touched {
		cnt[id] = 0
	}
	for _, id := range best[:min(len(best), 16)] {
		q.charCandidate(id, -1)
	}
}

// charCandidate checks id against the length and bigram bounds of
// charPhase at the current tau, and scores it if they allow. upper, if
// ≥ 0, bounds the bigrams id shares with the needle.
func (q *searcher) charCandidate(id int32, upper int) {
	q.charCandidateIn(q.ix.group(id), id, upper)
}

// charCandidateIn is charCandidate for an id of group g.
func (q *searcher) charCandidateIn(g *keyGroup, id int32, upper int) {
	lb, la := int(g.runes), q.la
	if 200*float64(min(la, lb))/float64(la+lb)+eps < q.tau {
		return
	}
	lmin := minLCS(la, lb, q.tau)
	needX := len(q.xgrams) - 2*la - lb + 3*lmin
	if upper >= 0 && upper < max(needX, int(g.grams)-2*lb-la+3*lmin) {
		return
	}
	o := g.off + int64(id-g.start)*int64(g.bytes)
	k := q.ix.data[o : o+int64(g.bytes)]
	q.checked++
	var shared, ny, chars int
	if lb == len(k) {
		shared, ny, chars = q.boundsASCII(k)
	} else {
		shared, ny, chars = q.bounds(k)
	}
	if need := max(needX, ny-2*lb-la+3*lmin); need > 0 && shared < need || chars < lmin {
		return
	}
	q.consider(id, k)
}

// boundsASCII returns, for an ASCII key: how many bigrams it shares with the
// needle (as multisets), how many it has, and how many characters it
// shares with the needle (as multisets), which bounds the LCS of the
// needle's key and key and of any reorderings of their tokens, as
// TokenSet's t1 and t2 are.
func (q *searcher) boundsASCII(key []byte) (shared, ny, chars int) {
	q.epoch++
	if q.epoch == 0 {
		clear(q.stamp[:])
		q.epoch = 1
	}
	ep := q.epoch
	inToken := q.sc == TokenSet
	cc := q.ccnt
	prev := byte(' ')
	if !inToken {
		prev = 0
	}
	for i, c := range key {
		if cc[c] > 0 {
			cc[c]--
			chars++
		}
		if i == 0 || inToken && (c == ' ' || prev == ' ') {
			prev = c
			continue
		}
		g := uint16(prev)<<8 | uint16(c)
		prev = c
		ny++
		if x := q.xcnt[g]; x > 0 {
			if q.stamp[g] != ep {
				q.stamp[g] = ep
				q.used[g] = 0
			}
			if q.used[g] < x {
				q.used[g]++
				shared++
			}
		}
	}
	return shared, ny, chars
}

// bounds is boundsASCII for any key (non-ASCII characters by their codes:
// merging characters can only raise the bounds).
func (q *searcher) bounds(key []byte) (shared, ny, chars int) {
	q.epoch++
	if q.epoch == 0 {
		clear(q.stamp[:])
		q.epoch = 1
	}
	ep := q.epoch
	inToken := q.sc == TokenSet
	cc := q.ccnt
	prev := rune(-1)
	for _, r := range unsafeString(key) {
		if c := charCode(r); cc[c] > 0 {
			cc[c]--
			chars++
		}
		if inToken && r == ' ' {
			prev = -1
			continue
		}
		if prev >= 0 {
			g := gramCode(prev, r)
			ny++
			if x := q.xcnt[g]; x > 0 {
				if q.stamp[g] != ep {
					q.stamp[g] = ep
					q.used[g] = 0
				}
				if q.used[g] < x {
					q.used[g]++
					shared++
				}
			}
		}
		prev = r
	}
	return shared, ny, chars
}

// charCode is the slot of r in the character counts: itself for ASCII, a
// hash into 128–255 otherwise.
func charCode(r rune) uint8 {
	if r < utf8.RuneSelf {
		return uint8(r)
	}
	return 128 | uint8((uint32(r)*2654435761)>>25)
}
