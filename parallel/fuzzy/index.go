package fuzzy

import (
	"bytes"
	"cmp"
	"context"
	"hash/maphash"
	"math"
	"math/bits"
	"slices"
	"unicode/utf8"

	"github.com/sluicedata/sluice/parallel"
)

// eps absorbs floating-point rounding in every bound, so that a bound is
// never below the score the scorer computes.
const eps = 1e-9

// An index is one slice of the haystack (all of it when the memory budget
// allows), prepared once and then read by every worker without locks.
//
// Layout: no per-record strings, pointers or maps. Records are renumbered by
// (key length in code points, key length in bytes, row), so records of one
// length form an id range (lenStart) and every posting list, sorted by id,
// is sorted by length too; length filters then cut lists by binary search.
// Keys are stored back to back in id order, and since the keys of a group
// (ids of equal rune and byte length) all have the same byte length, a key's
// offset is computed from its id (groups): there is no offset array. Per
// record the index holds the key's bytes, its row (4 bytes), and one 4-byte
// posting per distinct bigram and, for TokenSet, per distinct token.
type index struct {
	sc Scorer
	n  int

	rows     []int32    // id → row within the slice
	data     []byte     // keys, in id order
	groups   []keyGroup // ids of equal key lengths, by first id
	lenStart []int32    // lenStart[L] = first id whose key has ≥ L code points (len maxLen+2)

	// Bigram filter (TokenSet, TokenSort, Ratio): per gram code, the ids
	// holding it (each once), ascending, or a bitmap for frequent ones.
	grams postings

	// Token filter (TokenSet).
	dict tokenDict
}

// keyGroup is a run of ids whose keys have the same lengths.
type keyGroup struct {
	start int32 // first id
	runes int32 // code points of each key
	bytes int32 // bytes of each key
	grams int32 // bigrams of each key (appendGrams)
	off   int64 // data offset of the first key
}

// group returns the group holding id.
func (ix *index) group(id int32) *keyGroup { return &ix.groups[ix.groupIndex(id)] }

// groupIndex returns the index of the group holding id.
func (ix *index) groupIndex(id int32) int {
	g := ix.groups
	lo, hi := 0, len(g)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if g[m].start <= id {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

// key returns record id's key; it aliases the index.
func (ix *index) key(id int32) []byte {
	g := ix.group(id)
	o := g.off + int64(id-g.start)*int64(g.bytes)
	return ix.data[o : o+int64(g.bytes)]
}

// keyLen returns record id's key length in code points.
func (ix *index) keyLen(id int32) int {
	// The last L with lenStart[L] ≤ id.
	ls := ix.lenStart
	lo, hi := 0, len(ls)-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if ls[m] <= id {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

// idRange returns the ids whose key length is in [lo, hi].
func (ix *index) idRange(lo, hi int) (int32, int32) {
	last := len(ix.lenStart) - 1
	lo = min(max(lo, 0), last)
	hi = min(max(hi+1, 0), last)
	if hi < lo {
		return 0, 0
	}
	return ix.lenStart[lo], ix.lenStart[hi]
}

// maxLen is the longest key length, in code points.
func (ix *index) maxLen() int { return len(ix.lenStart) - 2 }

// tokenDict is the haystack's distinct tokens: an open-addressing hash
// table over one byte arena, with each token's weight (code points + 1) and
// posting list.
type tokenDict struct {
	seed    maphash.Seed
	tab     []int32 // token+1, 0 empty; len a power of two
	arena   []byte
	off     []uint32 // token t is arena[off[t]:off[t+1]]
	weight  []int32
	postOff []uint32 // per token: ids holding it, ascending (empty for common tokens)
	post    []int32
	df      []int32 // per token: records holding it

	// Common tokens (held by at least 1/32 of the records, at most 64 of
	// them) have a bitmap over ids instead of a posting list: it is smaller
	// and answers "does record id hold it" with one read.
	common  []int32  // per token: its bitmap's number, or -1
	bits    []uint64 // the bitmaps, words per bitmap each
	words   int
	ncommon int
}

// has reports whether record id holds common token number b.
func (d *tokenDict) has(b int32, id int32) bool {
	return d.bits[int(b)*d.words+int(id>>6)]>>(id&63)&1 != 0
}

func (d *tokenDict) init() {
	d.seed = maphash.MakeSeed()
	d.tab = make([]int32, 1024)
	d.off = append(d.off[:0], 0)
}

func (d *tokenDict) len() int { return len(d.weight) }

func (d *tokenDict) token(t int32) []byte { return d.arena[d.off[t]:d.off[t+1]] }

// lookup returns the token's number, or -1.
func (d *tokenDict) lookup(tok []byte) int32 {
	if len(d.tab) == 0 {
		return -1
	}
	mask := uint64(len(d.tab) - 1)
	for h := maphash.Bytes(d.seed, tok) & mask; ; h = (h + 1) & mask {
		t := d.tab[h] - 1
		if t < 0 {
			return -1
		}
		if bytes.Equal(d.token(t), tok) {
			return t
		}
	}
}

// insert adds tok if it is new and returns its number.
func (d *tokenDict) insert(tok []byte) int32 {
	if 2*(d.len()+1) > len(d.tab) {
		d.grow()
	}
	mask := uint64(len(d.tab) - 1)
	for h := maphash.Bytes(d.seed, tok) & mask; ; h = (h + 1) & mask {
		t := d.tab[h] - 1
		if t < 0 {
			d.arena = append(d.arena, tok...)
			d.off = append(d.off, uint32(len(d.arena)))
			d.weight = append(d.weight, int32(utf8.RuneCount(tok)+1))
			d.tab[h] = int32(d.len())
			return int32(d.len() - 1)
		}
		if bytes.Equal(d.token(t), tok) {
			return t
		}
	}
}

func (d *tokenDict) grow() {
	tab := make([]int32, 2*len(d.tab))
	mask := uint64(len(tab) - 1)
	for t := range int32(d.len()) {
		h := maphash.Bytes(d.seed, d.token(t)) & mask
		for tab[h] != 0 {
			h = (h + 1) & mask
		}
		tab[h] = t + 1
	}
	d.tab = tab
}

// bytes is the dictionary's size.
func (d *tokenDict) bytes() int64 {
	return int64(len(d.tab))*4 + int64(cap(d.arena)) + 4*int64(cap(d.off)+cap(d.weight)+cap(d.postOff)+cap(d.post)+cap(d.df)+cap(d.common)) +
		8*int64(cap(d.bits))
}

// gramCode is the code of the bigram (r1, r2): exact for ASCII pairs, a
// 15-bit hash otherwise. Hash collisions can only raise shared-gram counts,
// so every filter built on codes stays lossless.
func gramCode(r1, r2 rune) uint16 {
	if r1 < 128 && r2 < 128 {
		return uint16(r1)<<8 | uint16(r2)
	}
	h := uint32(r1)*2654435761 ^ uint32(r2)*2246822519
	h ^= h >> 15
	return 0x8000 | uint16(h&0x7fff)
}

// appendGrams appends the bigram codes of key, unsorted: all adjacent
// pairs for Ratio and TokenSort, and for TokenSet only the pairs inside a
// token (their multiset does not depend on the order of tokens).
func appendGrams(dst []uint16, sc Scorer, key []byte) []uint16 {
	inToken := sc == TokenSet
	if isASCIIBytes(key) {
		for i := 1; i < len(key); i++ {
			a, b := key[i-1], key[i]
			if inToken && (a == ' ' || b == ' ') {
				continue
			}
			dst = append(dst, uint16(a)<<8|uint16(b))
		}
		return dst
	}
	prev := rune(-1)
	for len(key) > 0 {
		r, size := utf8.DecodeRune(key)
		key = key[size:]
		if inToken && r == ' ' {
			prev = -1
			continue
		}
		if prev >= 0 {
			dst = append(dst, gramCode(prev, r))
		}
		prev = r
	}
	return dst
}

func isASCIIBytes(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// builder collects the keys of one slice in row order, then builds its
// index.
type builder struct {
	sc    Scorer
	data  []byte
	end   []uint32 // end offset of each record's key in data
	rows  []int32
	grams int64 // bigram occurrences (bounds the postings)
	toks  int64 // token occurrences
	dict  tokenDict
	gbuf  []uint16
	atoks []int32  // TokenSet: the token numbers of each record, in row order
	atEnd []uint32 // end of each record's numbers in atoks
}

func newBuilder(sc Scorer) *builder {
	b := &builder{sc: sc}
	if sc == TokenSet {
		b.dict.init()
	}
	return b
}

// add appends the key of row.
func (b *builder) add(row int32, key []byte) {
	b.data = append(b.data, key...)
	b.end = append(b.end, uint32(len(b.data)))
	b.rows = append(b.rows, row)
	if !b.indexed() {
		return
	}
	b.gbuf = appendGrams(b.gbuf[:0], b.sc, key)
	b.grams += int64(len(b.gbuf))
	if b.sc == TokenSet {
		if len(key) > 0 {
			for tok := range bytes.SplitSeq(key, []byte{' '}) {
				b.atoks = append(b.atoks, b.dict.insert(tok))
			}
		}
		b.atEnd = append(b.atEnd, uint32(len(b.atoks)))
		b.toks = int64(len(b.atoks))
	}
}

func (b *builder) indexed() bool { return b.sc == TokenSet || b.sc == TokenSort || b.sc == RatioScorer }

func (b *builder) len() int { return len(b.rows) }

// size estimates the bytes the built index holds, plus what building it
// needs on top at its peak (a second copy of the keys).
func (b *builder) size() int64 {
	n := int64(len(b.rows))
	s := 2*int64(cap(b.data)) + 4*int64(cap(b.end)+cap(b.rows)+cap(b.atEnd)) + 8*n + 4*b.grams + 4*int64(cap(b.atoks)) + 8*b.toks + b.dict.bytes()
	return s
}

// build returns the index of the keys added so far; b must not be used
// afterwards.
func (b *builder) build(ctx context.Context, workers int) (*index, error) {
	ix := &index{sc: b.sc, n: len(b.rows)}
	n := ix.n
	// Group the records by (rune length, byte length), keeping row order
	// inside a group.
	type glen struct{ runes, bytes, grams int32 }
	count := map[glen]int32{}
	gl := make([]glen, n)
	start := uint32(0)
	for i := range n {
		k := b.data[start:b.end[i]]
		start = b.end[i]
		g := glen{int32(utf8.RuneCount(k)), int32(len(k)), 0}
		g.grams = max(g.runes-1, 0)
		if b.sc == TokenSet && len(k) > 0 {
			g.grams = g.runes - 2*int32(bytes.Count(k, []byte{' '})+1) + 1
		}
		gl[i] = g
		count[g]++
	}
	lens := make([]glen, 0, len(count))
	for g := range count {
		lens = append(lens, g)
	}
	slices.SortFunc(lens, func(x, y glen) int {
		return cmp.Or(cmp.Compare(x.runes, y.runes), cmp.Compare(x.bytes, y.bytes), cmp.Compare(x.grams, y.grams))
	})
	next := make(map[glen]int32, len(lens))
	id, off := int32(0), int64(0)
	for _, g := range lens {
		ix.groups = append(ix.groups, keyGroup{start: id, runes: g.runes, bytes: g.bytes, grams: g.grams, off: off})
		next[g] = id
		id += count[g]
		off += int64(count[g]) * int64(g.bytes)
	}
	if n == 0 {
		ix.groups = []keyGroup{{}} // key and group need one group
	}
	// Ids by group, in row order; then, for TokenSet, within a group by
	// the set of common tokens the record holds, so that records sharing
	// common words with a needle sit together and are read in one forward
	// scan.
	order := make([]int32, n) // id → row order
	for i := range n {
		id := next[gl[i]]
		next[gl[i]]++
		order[id] = int32(i)
	}
	gl = nil
	d := &b.dict
	if b.sc == TokenSet {
		masks := b.commonMasks()
		gs := make([]int, len(ix.groups))
		for g := range gs {
			gs[g] = g
		}
		_, err := parallel.Map(ctx, gs, func(_ context.Context, _ int, g int) (struct{}, error) {
			lo, hi := ix.groups[g].start, int32(n)
			if g+1 < len(ix.groups) {
				hi = ix.groups[g+1].start
			}
			slices.SortStableFunc(order[lo:hi], func(x, y int32) int { return cmp.Compare(masks[x], masks[y]) })
			return struct{}{}, nil
		}, parallel.Options{Workers: workers})
		if err != nil {
			return nil, err
		}
		d.words = (n + 63) / 64
		d.bits = make([]uint64, d.ncommon*d.words)
		for id, i := range order {
			for m := masks[i]; m != 0; m &= m - 1 {
				c := bits.TrailingZeros64(m)
				d.bits[c*d.words+id>>6] |= 1 << (id & 63)
			}
		}
	}
	ix.data = make([]byte, len(b.data))
	ix.rows = make([]int32, n)
	perm := make([]int32, n) // row order → id
	for id, i := range order {
		perm[i] = int32(id)
		lo := uint32(0)
		if i > 0 {
			lo = b.end[i-1]
		}
		ix.rows[id] = b.rows[i]
		g := ix.group(int32(id))
		copy(ix.data[g.off+int64(int32(id)-g.start)*int64(g.bytes):], b.data[lo:b.end[i]])
	}
	order = nil
	b.data, b.end, b.rows = nil, nil, nil
	maxLen := ix.groups[len(ix.groups)-1].runes
	ix.lenStart = make([]int32, maxLen+2)
	gi := 0
	for L := range maxLen + 2 {
		for gi < len(ix.groups) && ix.groups[gi].runes < L {
			gi++
		}
		ix.lenStart[L] = int32(n)
		if gi < len(ix.groups) {
			ix.lenStart[L] = ix.groups[gi].start
		}
	}
	if !b.indexed() {
		return ix, ctx.Err()
	}
	var err error
	ix.grams, err = buildPostings(ctx, n, 1<<16, workers, gramBitmaps(n), func(id int32, dst []int32, buf []uint16) ([]int32, []uint16) {
		buf = appendGrams(buf[:0], ix.sc, ix.key(id))
		for _, g := range buf {
			dst = append(dst, int32(g))
		}
		return dst, buf
	})
	if err != nil || b.sc != TokenSet {
		return ix, err
	}
	// Each record's token numbers, in id order.
	tokStart := make([]uint32, n+1)
	for i, id := range perm {
		lo := uint32(0)
		if i > 0 {
			lo = b.atEnd[i-1]
		}
		tokStart[id+1] = b.atEnd[i] - lo
	}
	for id := range n {
		tokStart[id+1] += tokStart[id]
	}
	toks := make([]int32, len(b.atoks))
	for i, id := range perm {
		lo := uint32(0)
		if i > 0 {
			lo = b.atEnd[i-1]
		}
		copy(toks[tokStart[id]:], b.atoks[lo:b.atEnd[i]])
	}
	perm, b.atoks, b.atEnd = nil, nil, nil
	ps, err := buildPostings(ctx, n, d.len(), workers, func([]int32) ([]int32, int) { return d.common, 0 }, func(id int32, dst []int32, buf []uint16) ([]int32, []uint16) {
		return append(dst, toks[tokStart[id]:tokStart[id+1]]...), buf
	})
	d.postOff, d.post = ps.off, ps.post
	ix.dict = b.dict
	return ix, err
}

// commonMasks picks the common tokens (held by at least 1/32 of the
// records, the 64 most frequent at most), sets the dictionary's df, common
// and ncommon, and returns, per record in row order, the set of common
// tokens it holds as bits (bit i: common token i, the most frequent first).
func (b *builder) commonMasks() []uint64 {
	d := &b.dict
	n := len(b.atEnd)
	nt := d.len()
	d.df = make([]int32, nt)
	for _, t := range b.atoks {
		d.df[t]++
	}
	var common []int32
	for t, df := range d.df {
		if int(df) >= max(n/commonShare, commonMinDF) {
			common = append(common, int32(t))
		}
	}
	slices.SortFunc(common, func(x, y int32) int { return cmp.Or(cmp.Compare(d.df[y], d.df[x]), cmp.Compare(x, y)) })
	common = common[:min(len(common), 64)]
	d.common = make([]int32, nt)
	for t := range d.common {
		d.common[t] = -1
	}
	for c, t := range common {
		d.common[t] = int32(c)
	}
	d.ncommon = len(common)
	masks := make([]uint64, n)
	lo := uint32(0)
	for i, hi := range b.atEnd {
		for _, t := range b.atoks[lo:hi] {
			if c := d.common[t]; c >= 0 {
				masks[i] |= 1 << c
			}
		}
		lo = hi
	}
	return masks
}

// Tokens held by at least 1/commonShare of a slice's records, and by at
// least commonMinDF, are common (see tokenDict); tests lower them.
var commonShare, commonMinDF = 32, 64

// postings are CSR posting lists with, for the most frequent terms,
// bitmaps over ids instead.
type postings struct {
	off   []uint32 // per term: ids holding it, ascending (empty for a bitmap term)
	post  []int32
	df    []int32  // per term: records holding it
	bit   []int32  // per term: its bitmap's number, or -1 (nil: no bitmaps)
	bits  []uint64 // the bitmaps, words each
	words int
}

// bytes is the postings' size.
func (p *postings) bytes() int64 {
	return 4*int64(cap(p.off)+cap(p.post)+cap(p.df)+cap(p.bit)) + 8*int64(cap(p.bits))
}

// has reports whether record id holds bitmap term number b.
func (p *postings) has(b int32, id int32) bool {
	return p.bits[int(b)*p.words+int(id>>6)]>>(id&63)&1 != 0
}

// buildPostings builds the postings of n ids: terms(id) lists the terms
// (in [0, nterms)) id holds, maybe with repeats. After counting, bitmapped
// (if not nil) picks the terms that get a bitmap (their number, or -1) and
// says how many bitmaps to fill (0: the caller fills them). Ranges of ids
// (multiples of 64, so no bitmap word is shared) are processed in parallel:
// one counting pass, then one filling pass.
func buildPostings(ctx context.Context, n, nterms, workers int, bitmapped func(df []int32) ([]int32, int), terms func(id int32, dst []int32, buf []uint16) ([]int32, []uint16)) (postings, error) {
	var ps postings
	parts := max(1, min(workers, n/4096+1))
	bounds := make([]int32, parts+1)
	for p := range bounds {
		bounds[p] = int32(int64(n)*int64(p)/int64(parts)) &^ 63
	}
	bounds[parts] = int32(n)
	counts := make([][]uint32, parts)
	idx := make([]int, parts)
	for p := range idx {
		idx[p] = p
	}
	// each calls f for the distinct terms of every id of part p.
	each := func(p int, f func(id, t int32)) {
		seen := make([]int32, nterms) // id+1 that last held the term
		var dst []int32
		var buf []uint16
		for id := bounds[p]; id < bounds[p+1]; id++ {
			dst, buf = terms(id, dst[:0], buf)
			for _, t := range dst {
				if seen[t] != id+1 {
					seen[t] = id + 1
					f(id, t)
				}
			}
		}
	}
	popt := parallel.Options{Workers: workers}
	_, err := parallel.Map(ctx, idx, func(ctx context.Context, _ int, p int) (struct{}, error) {
		c := make([]uint32, nterms)
		each(p, func(_, t int32) { c[t]++ })
		counts[p] = c
		return struct{}{}, ctx.Err()
	}, popt)
	if err != nil {
		return ps, err
	}
	ps.df = make([]int32, nterms)
	for p := range parts {
		for t, c := range counts[p] {
			ps.df[t] += int32(c)
		}
	}
	nbits := 0
	if bitmapped != nil {
		ps.bit, nbits = bitmapped(ps.df)
	}
	ps.words = (n + 63) / 64
	ps.bits = make([]uint64, nbits*ps.words)
	listed := func(t int32) bool { return ps.bit == nil || ps.bit[t] < 0 }
	ps.off = make([]uint32, nterms+1)
	total := uint64(0)
	for t := range nterms {
		ps.off[t] = uint32(total)
		for p := range parts {
			c := counts[p][t]
			counts[p][t] = uint32(total) // where part p's ids of term t go
			if listed(int32(t)) {
				total += uint64(c)
			}
		}
	}
	if total > math.MaxUint32 {
		return ps, errTooBig
	}
	ps.off[nterms] = uint32(total)
	ps.post = make([]int32, total)
	_, err = parallel.Map(ctx, idx, func(ctx context.Context, _ int, p int) (struct{}, error) {
		c := counts[p]
		each(p, func(id, t int32) {
			if listed(t) {
				ps.post[c[t]] = id
				c[t]++
			} else if nbits > 0 {
				ps.bits[int(ps.bit[t])*ps.words+int(id>>6)] |= 1 << (id & 63)
			}
		})
		return struct{}{}, ctx.Err()
	}, popt)
	return ps, err
}

// Bigrams held by at least 1/bitmapShare of a slice's records (and by
// bitmapMinDF) get a bitmap instead of a posting list: it is smaller (n/8
// bytes against 4 per holder) and answers membership with one read. The
// break-even for size is 1/32, but reading a bitmap's bits costs more than
// reading a list, so 1/8 (measured at 4M names: 1/32 gives a 294 MB index
// and 2.3 ms a needle, 1/8 344 MB and 1.8 ms, no bitmaps 480 MB and 1.7 ms).
var bitmapShare, bitmapMinDF = 8, 64

// gramBitmaps picks the bigrams that get bitmaps.
func gramBitmaps(n int) func(df []int32) ([]int32, int) {
	return func(df []int32) ([]int32, int) {
		bit := make([]int32, len(df))
		k := 0
		for t, d := range df {
			bit[t] = -1
			if int(d) >= max(n/bitmapShare, bitmapMinDF) {
				bit[t] = int32(k)
				k++
			}
		}
		return bit, k
	}
}

// lengthRange returns the key lengths LB for which
// 200·min(LA,LB)/(LA+LB) ≥ tau, the most any Indel ratio of strings of
// lengths LA and LB can reach.
func lengthRange(la int, tau float64) (lo, hi int) {
	if tau <= eps {
		return 0, math.MaxInt32
	}
	lo = int(math.Ceil(float64(la)*tau/(200-tau) - 1e-6))
	hi = int(math.Floor(float64(la)*(200-tau)/tau + 1e-6))
	return max(lo, 0), hi
}

// minLCS is the smallest LCS that lets an Indel ratio of strings of lengths
// la and lb reach tau: 200·L/(la+lb) ≥ tau.
func minLCS(la, lb int, tau float64) int {
	return int(math.Ceil(tau*float64(la+lb)/200 - 1e-6))
}
