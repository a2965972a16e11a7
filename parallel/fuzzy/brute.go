package fuzzy

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
)

// BruteForce is Join without the index: it scores every pair. It exists to
// check Join and to measure what the index saves. It streams the right side
// and holds only the left side and each left row's best matches; Options'
// MemoryBudget does not apply.
func BruteForce(ctx context.Context, left, right *frame.Frame, opt Options) (*frame.Frame, error) {
	open := func([]string) parallel.Source { return parallel.Frames(right, 1<<16) }
	res, err := bruteSearch(ctx, left, open, opt)
	if err != nil {
		return nil, err
	}
	return assemble(left, res, func(rows []int) (*frame.Frame, error) { return right.Take(rows) }, opt)
}

// BruteForceStream is BruteForce with the right side read as JoinStream
// reads it (open is called twice, first with the one column RightOn).
func BruteForceStream(ctx context.Context, left *frame.Frame, open func(columns []string) parallel.Source, opt Options) (*frame.Frame, error) {
	res, err := bruteSearch(ctx, left, open, opt)
	if err != nil {
		return nil, err
	}
	return assemble(left, res, func(rows []int) (*frame.Frame, error) {
		return takeStream(ctx, open(nil), rows, res.rightRows)
	}, opt)
}

// bruteNeedle is a left key prepared for scanning.
type bruteNeedle struct {
	row int    // left row
	key string // its key
	la  int
	pm  *[256]uint64 // bit-parallel LCS pattern of an ASCII key of 1–64 bytes
}

// bruteWorker is one goroutine's state: a searcher for scoring, and the
// best matches it found for every needle.
type bruteWorker struct {
	q      *searcher
	top    [][]match
	shared []bool // per needle: shares a token with the current record
	list   []int32
	toks   [][]byte
	comps  int64
}

// bruteSearch scores every (left, right) pair: the right side streams
// through once, each chunk's rows split among the workers, each worker
// keeping its own best matches per left row, merged at the end (a match in
// the overall top k is in its worker's top k, so merging is exact).
//
// Scores are computed by the searcher's scoring code (checked against the
// exported scorers by the tests), with one shortcut that is an identity,
// not a bound: for TokenSet, a record sharing no token with the needle
// scores Ratio of the two keys (sect is empty, so t1 and t2 are the keys),
// computed bit-parallel with the needle's precomputed pattern, four needles
// at a time.
func bruteSearch(ctx context.Context, left *frame.Frame, open func([]string) parallel.Source, opt Options) (*results, error) {
	if opt.Threshold > 100 || opt.Threshold != opt.Threshold {
		return nil, fmt.Errorf("fuzzy: threshold %v outside [0, 100]", opt.Threshold)
	}
	if opt.Scorer > JaroWinklerScorer {
		return nil, fmt.Errorf("fuzzy: unknown scorer %d", opt.Scorer)
	}
	k := max(opt.Top, 1)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	popt := parallel.Options{Workers: workers}
	lkeys, lvalid, err := leftKeys(ctx, left, opt, popt)
	if err != nil {
		return nil, fmt.Errorf("fuzzy: left: %w", err)
	}
	var needles []bruteNeedle
	tokens := map[string][]int32{} // TokenSet: token → needles holding it
	for row, key := range lkeys {
		if !lvalid[row] {
			continue
		}
		n := bruteNeedle{row: row, key: key, la: runeLen(key)}
		if len(key) > 0 && len(key) <= 64 && isASCII(key) && opt.Scorer <= RatioScorer {
			n.pm = new([256]uint64)
			for i := 0; i < len(key); i++ {
				n.pm[key[i]] |= 1 << i
			}
		}
		if opt.Scorer == TokenSet && key != "" {
			for _, t := range splitSpace(key) {
				tokens[t] = append(tokens[t], int32(len(needles)))
			}
		}
		needles = append(needles, n)
	}

	var mu sync.Mutex
	var all []*bruteWorker
	pool := make(chan *bruteWorker, workers)
	get := func() *bruteWorker {
		select {
		case w := <-pool:
			return w
		default:
		}
		w := &bruteWorker{q: newSearcher(opt.Scorer, k, opt.Threshold), top: make([][]match, len(needles)), shared: make([]bool, len(needles))}
		mu.Lock()
		all = append(all, w)
		mu.Unlock()
		return w
	}
	put := func(w *bruteWorker) {
		select {
		case pool <- w:
		default:
		}
	}

	var st Stats
	row := int64(0)
	var pmu sync.Mutex
	progress := func(p parallel.Progress) {
		if opt.Progress != nil {
			pmu.Lock()
			opt.Progress(p)
			pmu.Unlock()
		}
	}
	for chunk, err := range open([]string{opt.RightOn}) {
		if err != nil {
			return nil, fmt.Errorf("fuzzy: right: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := chunk.Column(opt.RightOn)
		if err != nil {
			return nil, fmt.Errorf("fuzzy: right: %w: %v", ErrColumn, err)
		}
		n := c.Len()
		const batch = 1024
		starts := make([]int, 0, n/batch+1)
		for i := 0; i < n; i += batch {
			starts = append(starts, i)
		}
		base := row
		_, err = parallel.Map(ctx, starts, func(ctx context.Context, _ int, start int) (struct{}, error) {
			w := get()
			defer put(w)
			kr := keyer{sc: opt.Scorer, n: opt.Normalize}
			var kb []byte
			for i := start; i < min(n, start+batch); i++ {
				if c.IsNull(i) {
					continue
				}
				kb = kr.appendKey(kb[:0], valueBytes(c, i))
				w.record(needles, tokens, kb, base+int64(i))
			}
			return struct{}{}, nil
		}, popt)
		if err != nil {
			return nil, err
		}
		for i := range n {
			if !c.IsNull(i) {
				st.RightRows++
			}
		}
		row += int64(n)
		progress(parallel.Progress{Phase: "brute force", Rows: row})
	}
	progress(parallel.Progress{Phase: "brute force", Rows: row, Done: true})

	res := &results{top: make([][]match, len(lkeys)), valid: lvalid, rightRows: row}
	for j, nd := range needles {
		var ms []match
		for _, w := range all {
			ms = append(ms, w.top[j]...)
		}
		slices.SortFunc(ms, func(a, b match) int {
			if better(a, b) {
				return -1
			}
			if better(b, a) {
				return 1
			}
			return 0
		})
		res.top[nd.row] = ms[:min(len(ms), k)]
	}
	if opt.Stats != nil {
		st.LeftRows = len(needles)
		st.Pairs = int64(st.LeftRows) * int64(st.RightRows)
		for _, w := range all {
			st.Comparisons += w.comps
		}
		for _, m := range res.top {
			if len(m) > 0 {
				st.Matched++
			}
		}
		*opt.Stats = st
	}
	return res, nil
}

// record scores one right record (key k, right row) against every needle.
func (w *bruteWorker) record(needles []bruteNeedle, tokens map[string][]int32, k []byte, row int64) {
	q := w.q
	ascii := isASCIIBytes(k)
	lb := len(k)
	if !ascii {
		lb = runeLen(unsafeString(k))
	}
	// Needles sharing a token with the record take the full path.
	w.list = w.list[:0]
	if q.sc == TokenSet && len(k) > 0 {
		w.toks = splitSpaceBytes(w.toks[:0], k)
		for _, t := range w.toks {
			for _, j := range tokens[unsafeString(t)] {
				if !w.shared[j] {
					w.shared[j] = true
					w.list = append(w.list, j)
				}
			}
		}
	}
	w.comps += int64(len(needles))
	// Four needles at a time through the bit-parallel LCS.
	var batch [4]int
	nb := 0
	flush := func() {
		var S [4]uint64
		for i := range S {
			S[i] = ^uint64(0)
		}
		p0, p1, p2, p3 := needles[batch[0]].pm, needles[batch[1]].pm, needles[batch[2]].pm, needles[batch[3]].pm
		s0, s1, s2, s3 := S[0], S[1], S[2], S[3]
		for _, c := range k {
			u0, u1, u2, u3 := s0&p0[c], s1&p1[c], s2&p2[c], s3&p3[c]
			s0, s1, s2, s3 = (s0+u0)|(s0-u0), (s1+u1)|(s1-u1), (s2+u2)|(s2-u2), (s3+u3)|(s3-u3)
		}
		S = [4]uint64{s0, s1, s2, s3}
		for i := range nb {
			n := &needles[batch[i]]
			l := bits.OnesCount64(^S[i] & (^uint64(0) >> (64 - n.la)))
			w.offer(batch[i], row, pct(n.la+lb-2*l, n.la+lb))
		}
		nb = 0
	}
	for j := range needles {
		n := &needles[j]
		switch {
		case q.sc == TokenSet && (w.shared[j] || n.la == 0 || len(k) == 0):
			if n.la == 0 || len(k) == 0 {
				w.offer(j, row, 0) // no tokens on one side
				continue
			}
			q.prepare(n.key)
			w.offer(j, row, q.score(k, ascii))
		case n.pm != nil && ascii && len(k) > 0:
			batch[nb] = j
			nb++
			if nb == 4 {
				flush()
			}
		default:
			q.prepare(n.key)
			w.offer(j, row, q.score(k, ascii))
		}
	}
	if nb > 0 {
		for i := nb; i < 4; i++ {
			batch[i] = batch[0] // padding: computed, not offered
		}
		flush()
	}
	for _, j := range w.list {
		w.shared[j] = false
	}
}

// offer adds (row, score) to needle j's best matches.
func (w *bruteWorker) offer(j int, row int64, score float64) {
	q := w.q
	if score < q.thr {
		return
	}
	m := match{row, score}
	top := w.top[j]
	if len(top) == q.k && !better(m, top[q.k-1]) {
		return
	}
	i := len(top)
	if i < q.k {
		top = append(top, m)
	} else {
		i--
	}
	for i > 0 && better(m, top[i-1]) {
		top[i] = top[i-1]
		i--
	}
	top[i] = m
	w.top[j] = top
}

// splitSpace splits a key at its single spaces.
func splitSpace(key string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == ' ' {
			out = append(out, key[start:i])
			start = i + 1
		}
	}
	return out
}

// splitSpaceBytes appends the parts of key between single spaces to res.
func splitSpaceBytes(res [][]byte, key []byte) [][]byte {
	start := 0
	for i := 0; i <= len(key); i++ {
		if i == len(key) || key[i] == ' ' {
			res = append(res, key[start:i])
			start = i + 1
		}
	}
	return res
}
