// Package fuzzy matches strings approximately: rapidfuzz-compatible
// similarity scorers (Ratio, PartialRatio, TokenSortRatio, TokenSetRatio,
// JaroWinkler), string normalisation, and a fuzzy join of two frames that
// returns exactly what comparing every pair would, while comparing only a
// small fraction of the pairs.
//
// # Scores
//
// Every scorer returns a float64 in [0, 100] computed the way rapidfuzz's
// fuzz module computes it (lengths in Unicode code points, no rounding).
// Scorers compare their arguments as given; [Process] cleans strings first
// ([DefaultProcess] is rapidfuzz's utils.default_process).
//
// # Join
//
// [Join] finds, for every left row, the right rows whose score is at least
// the threshold, best first (ties: lower right row first), at most Top of
// them. The right column (the haystack) is prepared into an index that all
// workers read — one copy in memory whatever Workers is. For TokenSet,
// TokenSort and Ratio the index proposes candidates through bounds that are
// proved lossless in the comments of search.go (length bounds, shared-token
// weights with prefix filtering, and a shared-bigram count filter), and the
// search keeps raising its bar to the k-th best score found so far; so the
// result is identical to [BruteForce]'s for every left row. PartialRatio and
// JaroWinkler have no such index: Join compares every pair for them, which
// is what BruteForce does.
//
// # Memory
//
// The index holds, per right row, the row's key (its normalised text, for
// TokenSet its distinct words sorted) and 4 bytes for its row number, one
// 4-byte posting per distinct bigram and, for TokenSet, per distinct word,
// except for the most frequent bigrams and words, which have a bitmap over
// the rows instead; with the word dictionary that came to 86 bytes a name
// for 4 million company names (327 MiB), and building it takes about as
// much again for a moment. Each worker adds a 1-byte counter per row. With
// Options.MemoryBudget set and an index that does not fit, the right side is
// indexed in slices of consecutive rows, each sized (estimate included
// building) to fit SliceShare of the budget: every slice is built, searched
// by all left rows, and dropped before the next is built, and each left row
// carries its best matches so far from slice to slice. Since slices are
// searched in row order and matches are ranked by (score, row), the result
// is the same as with one index; only the time grows, by a pass of the left
// rows per slice (measured at 30K × 4M names: 1 slice 35 s, 2 slices under
// a 512 MiB budget 47 s, 4 under 256 MiB 54 s, on 2 cores). The smallest
// budget accepted holds the left side's keys and results, the workers'
// fixed buffers (400 KiB each) and a 1 MiB slice; far below the index's
// size it works but slowly, as every slice costs a pass of the left rows.
// [JoinStream] reads the right side as a chunk stream and never holds more
// of it than the slice being indexed.
package fuzzy

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
)

// Options configures Join, JoinStream and BruteForce. The zero value of
// each field is documented with it.
type Options struct {
	// LeftOn and RightOn name the columns to compare. Non-string columns are
	// compared as their text (frame.FormatValue). Nulls never match.
	LeftOn, RightOn string
	// Scorer is the similarity; the zero value is TokenSet.
	Scorer Scorer
	// Threshold is the smallest score that counts as a match, 0–100. With 0
	// every pair matches and the join compares all of them.
	Threshold float64
	// Top is how many matches to keep per left row; 0 means 1.
	Top int
	// Normalize cleans both columns before comparing; the zero value
	// compares them as they are. NFKC|DefaultProcess is the usual choice.
	Normalize Normalize
	// Workers bounds the goroutines used (see package parallel); 0 means
	// all cores.
	Workers int
	// MemoryBudget is the most bytes the join holds: the index of one
	// slice of the right side, the workers' counters over that slice and
	// the space to build it take at most SliceShare of it, less what the
	// left side, the results and the workers' fixed buffers take (see the
	// package documentation, "Memory"); the rest is headroom for the
	// reader's chunks in flight and the garbage collector. 0 means no limit:
	// the whole right side is indexed at once.
	MemoryBudget int64
	// KeepUnmatched keeps left rows without any match, with null right
	// columns and a null score. By default they are left out.
	KeepUnmatched bool
	// Suffix is appended to right column names that clash with left ones;
	// "" means "_right".
	Suffix string
	// ScoreColumn names the score column; "" means "score".
	ScoreColumn string
	// Progress, if set, is called (one call at a time) as right rows are
	// indexed (phase "index") and as left rows are searched (phase
	// "match", counting left rows once per slice).
	Progress func(parallel.Progress)
	// Stats, if not nil, receives counts about the run.
	Stats *Stats
}

// SliceShare is the part of Options.MemoryBudget that one slice of the
// index, building included, and the left side may take together. (The CLI
// sets the Go runtime's soft memory limit to 3/4 of its --mem, and the
// estimate of a slice's building is generous; 30K × 4M names under a
// 512 MiB budget peaked at 415 MiB of RSS.)
const SliceShare = 0.75

// Stats reports how much work a join did.
type Stats struct {
	LeftRows    int   // non-null left values
	RightRows   int   // non-null right values
	Pairs       int64 // LeftRows × RightRows, what brute force compares
	Comparisons int64 // pairs actually scored
	Matched     int   // left rows with at least one match
	Slices      int   // slices the right side was indexed in (1 when it fit)
	IndexBytes  int64 // bytes of the largest slice's index

	counters counters
}

// ErrColumn is wrapped by errors about the join columns.
var ErrColumn = errors.New("fuzzy: bad join column")

// ErrBudget is wrapped by the error of a join whose MemoryBudget cannot
// hold even a small slice of the right side next to the left side.
var ErrBudget = errors.New("fuzzy: memory budget too small")

// minSliceBytes is the smallest slice budget a join accepts, and
// searcherBytes a searcher's fixed buffers (tests lower both to force many
// slices on small inputs).
var minSliceBytes, searcherBytes = int64(1 << 20), int64(1<<16 + 1<<16 + 1<<18 + 4<<10)

// sliceFixedBytes is what a slice's index and its building take whatever
// its size: the bigram offsets and the builders' per-part counters.
var sliceFixedBytes = int64(4<<16 + 8<<16)

var errTooBig = errors.New("fuzzy: slice index exceeds 4 Gi postings")

// Join matches every left row against the right rows (see the package
// documentation). The output has the left columns, then the right columns
// (renamed with Suffix when they clash), then the score column, one row per
// match: left rows in their order, each one's matches best first, ties by
// lower right row. Left rows without a match are left out unless
// KeepUnmatched. The result is the same for every Workers and MemoryBudget
// value and equal to BruteForce's.
func Join(ctx context.Context, left, right *frame.Frame, opt Options) (*frame.Frame, error) {
	return joinFrames(ctx, left, right, opt)
}

func joinFrames(ctx context.Context, left, right *frame.Frame, opt Options) (*frame.Frame, error) {
	open := func([]string) parallel.Source { return parallel.Frames(right, 1<<16) }
	tops, err := search(ctx, left, open, opt)
	if err != nil {
		return nil, err
	}
	return assemble(left, tops, func(rows []int) (*frame.Frame, error) { return right.Take(rows) }, opt)
}

// JoinStream is Join with the right side read as a chunk stream, as
// readers.Open yields it, so that it never has to be in memory whole: open
// is called twice, first with the one column RightOn (a reader may skip the
// others) to index the right side slice by slice within MemoryBudget, then
// with nil (all columns) to collect the matched rows. Both streams must
// yield the same rows in the same order. The result equals Join's on the
// whole right side.
func JoinStream(ctx context.Context, left *frame.Frame, open func(columns []string) parallel.Source, opt Options) (*frame.Frame, error) {
	tops, err := search(ctx, left, open, opt)
	if err != nil {
		return nil, err
	}
	return assemble(left, tops, func(rows []int) (*frame.Frame, error) {
		return takeStream(ctx, open(nil), rows, tops.rightRows)
	}, opt)
}

// results are the best matches of every left row.
type results struct {
	top       [][]match // by left row
	valid     []bool    // left row not null
	rightRows int64     // right rows seen, nulls included
}

// search runs the join's search: left keys, then the right side slice by
// slice.
func search(ctx context.Context, left *frame.Frame, open func([]string) parallel.Source, opt Options) (*results, error) {
	if opt.Threshold > 100 || opt.Threshold < 0 || opt.Threshold != opt.Threshold {
		return nil, fmt.Errorf("fuzzy: threshold %v outside [0, 100]", opt.Threshold)
	}
	if opt.Scorer > JaroWinklerScorer {
		return nil, fmt.Errorf("fuzzy: unknown scorer %d", opt.Scorer)
	}
	if opt.MemoryBudget < 0 {
		return nil, fmt.Errorf("fuzzy: negative memory budget %d", opt.MemoryBudget)
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
	res := &results{top: make([][]match, len(lkeys)), valid: lvalid}
	var st Stats
	for _, v := range lvalid {
		if v {
			st.LeftRows++
		}
	}

	// What the budget must hold besides the slice.
	fixed := int64(0)
	for _, key := range lkeys {
		fixed += int64(len(key)) + 16 + 24 + int64(k)*16
	}
	fixed += int64(workers)*searcherBytes + sliceFixedBytes
	sliceBudget := int64(0)
	if opt.MemoryBudget > 0 {
		sliceBudget = int64(float64(opt.MemoryBudget)*SliceShare) - fixed
		if sliceBudget < minSliceBytes {
			return nil, fmt.Errorf("%w: %d bytes leave %d for the right side's index next to %d left rows (at least %d needed)",
				ErrBudget, opt.MemoryBudget, max(sliceBudget, 0), len(lkeys), int64(float64(fixed+minSliceBytes)/SliceShare)+1)
		}
	}

	var pmu sync.Mutex
	progress := func(p parallel.Progress) {
		if opt.Progress != nil {
			pmu.Lock()
			opt.Progress(p)
			pmu.Unlock()
		}
	}
	pool := make(chan *searcher, workers)
	var searched int64
	flush := func(b *builder, base int64) error {
		if b.len() == 0 {
			return nil
		}
		ix, err := b.build(ctx, workers)
		if err != nil {
			return err
		}
		st.Slices++
		st.RightRows += ix.n
		st.IndexBytes = max(st.IndexBytes, ix.bytes())
		if err := searchSlice(ctx, ix, base, lkeys, lvalid, res.top, k, opt.Threshold, pool, popt, &st.counters, func(n int) {
			searched += int64(n)
			progress(parallel.Progress{Phase: "match", Rows: searched})
		}); err != nil {
			return err
		}
		return nil
	}

	b := newBuilder(opt.Scorer)
	base := int64(0) // right row of the builder's row 0
	row := int64(0)
	kr := keyer{sc: opt.Scorer, n: opt.Normalize}
	var kb []byte
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
		for i := range c.Len() {
			if sliceBudget > 0 && b.len() > 0 && b.size()+int64(workers)*int64(b.len()) > sliceBudget ||
				int64(len(b.data)) > 1<<31-1<<24 || b.len() >= 1<<30 {
				if err := flush(b, base); err != nil {
					return nil, err
				}
				b = newBuilder(opt.Scorer)
				base = row
			}
			if !c.IsNull(i) {
				kb = kr.appendKey(kb[:0], valueBytes(c, i))
				b.add(int32(row-base), kb)
			}
			row++
		}
		progress(parallel.Progress{Phase: "index", Rows: row})
	}
	progress(parallel.Progress{Phase: "index", Rows: row, Done: true})
	if err := flush(b, base); err != nil {
		return nil, err
	}
	progress(parallel.Progress{Phase: "match", Rows: searched, Done: true})
	res.rightRows = row
	if opt.Stats != nil {
		st.Pairs = int64(st.LeftRows) * int64(st.RightRows)
		st.Comparisons = st.counters.comparisons
		for _, m := range res.top {
			if len(m) > 0 {
				st.Matched++
			}
		}
		*opt.Stats = st
	}
	return res, nil
}

// valueBytes is the text of value i of c (not null).
func valueBytes(c *frame.Column, i int) []byte {
	if c.Type() == frame.String {
		return c.StrBytes(i)
	}
	return []byte(frame.FormatValue(c, i))
}

// leftKeys returns the scorer's keys of the left column, with validity.
func leftKeys(ctx context.Context, f *frame.Frame, opt Options, popt parallel.Options) ([]string, []bool, error) {
	c, err := f.Column(opt.LeftOn)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrColumn, err)
	}
	rows := c.Len()
	keys := make([]string, rows)
	valid := make([]bool, rows)
	const batch = 4096
	starts := make([]int, 0, rows/batch+1)
	for i := 0; i < rows; i += batch {
		starts = append(starts, i)
	}
	_, err = parallel.Map(ctx, starts, func(ctx context.Context, _ int, start int) (struct{}, error) {
		kr := keyer{sc: opt.Scorer, n: opt.Normalize}
		var buf []byte
		for i := start; i < min(rows, start+batch); i++ {
			if c.IsNull(i) {
				continue
			}
			valid[i] = true
			buf = kr.appendKey(buf[:0], valueBytes(c, i))
			keys[i] = string(buf)
		}
		return struct{}{}, nil
	}, popt)
	return keys, valid, err
}

// searchSlice searches every left key in one slice's index, in parallel
// batches, merging into top.
func searchSlice(ctx context.Context, ix *index, base int64, keys []string, valid []bool, top [][]match,
	k int, thr float64, pool chan *searcher, popt parallel.Options, st *counters, done func(int)) error {
	const batch = 64
	n := len(keys)
	starts := make([]int, 0, n/batch+1)
	for i := 0; i < n; i += batch {
		starts = append(starts, i)
	}
	var mu sync.Mutex
	_, err := parallel.Map(ctx, starts, func(ctx context.Context, _ int, start int) (struct{}, error) {
		var q *searcher
		select {
		case q = <-pool:
		default:
			q = newSearcher(ix.sc, k, thr)
		}
		q.reset(ix, base)
		q.counters = counters{}
		end := min(n, start+batch)
		for i := start; i < end; i++ {
			if !valid[i] {
				continue
			}
			m := q.search(keys[i], top[i])
			top[i] = append(top[i][:0], m...)
		}
		mu.Lock()
		st.add(q.counters)
		done(end - start)
		mu.Unlock()
		q.ix = nil
		select {
		case pool <- q:
		default:
		}
		return struct{}{}, nil
	}, popt)
	return err
}

// bytes is the index's size.
func (ix *index) bytes() int64 {
	s := int64(cap(ix.rows))*4 + int64(cap(ix.data)) + int64(cap(ix.groups))*32 + int64(cap(ix.lenStart))*4 +
		ix.grams.bytes()
	return s + ix.dict.bytes()
}

// takeStream returns the rows (ascending, distinct) of the stream, in that
// order; the stream must have want rows in all.
func takeStream(ctx context.Context, src parallel.Source, rows []int, want int64) (*frame.Frame, error) {
	var parts []*frame.Frame
	base, next := 0, 0
	var local []int
	for chunk, err := range src {
		if err != nil {
			return nil, fmt.Errorf("fuzzy: right, second pass: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := chunk.NumRows()
		local = local[:0]
		for next < len(rows) && rows[next] < base+n {
			local = append(local, rows[next]-base)
			next++
		}
		if len(local) > 0 || len(parts) == 0 {
			t, err := chunk.Take(local)
			if err != nil {
				return nil, err
			}
			parts = append(parts, t)
		}
		base += n
	}
	if int64(base) != want {
		return nil, fmt.Errorf("fuzzy: right side changed between passes: %d rows, then %d", want, base)
	}
	if len(parts) == 0 {
		return nil, fmt.Errorf("fuzzy: right side yielded no frame")
	}
	return frame.Concat(parts...)
}

// assemble builds the output frame; take returns the right rows asked for
// (ascending, distinct), in that order.
func assemble(left *frame.Frame, res *results, take func(rows []int) (*frame.Frame, error), opt Options) (*frame.Frame, error) {
	var li, ri []int
	var scores []float64
	var nulls []bool
	for row, m := range res.top {
		if !res.valid[row] && !opt.KeepUnmatched {
			continue
		}
		if len(m) == 0 && opt.KeepUnmatched {
			li, ri, scores = append(li, row), append(ri, -1), append(scores, 0)
			nulls = append(nulls, true)
		}
		for _, x := range m {
			li, ri, scores = append(li, row), append(ri, int(x.row)), append(scores, x.score)
			nulls = append(nulls, false)
		}
	}
	// The distinct right rows, fetched once, then gathered in output order.
	need := make([]int, 0, len(ri))
	for _, r := range ri {
		if r >= 0 {
			need = append(need, r)
		}
	}
	slices.Sort(need)
	need = slices.Compact(need)
	rf, err := take(need)
	if err != nil {
		return nil, err
	}
	pos := make([]int, len(ri))
	anyNull := false
	for i, r := range ri {
		if r < 0 {
			pos[i] = -1
			anyNull = true
			continue
		}
		pos[i], _ = slices.BinarySearch(need, r)
	}
	lf, err := left.Take(li)
	if err != nil {
		return nil, err
	}
	suffix := opt.Suffix
	if suffix == "" {
		suffix = "_right"
	}
	scoreName := opt.ScoreColumn
	if scoreName == "" {
		scoreName = "score"
	}
	cols := lf.Columns()
	names := map[string]bool{}
	for _, c := range cols {
		names[c.Name()] = true
	}
	var rcols []*frame.Column
	if !anyNull {
		g, err := rf.Take(pos)
		if err != nil {
			return nil, err
		}
		rcols = g.Columns()
	} else {
		for _, c := range rf.Columns() {
			b := frame.NewBuilder(c.Type(), len(pos))
			for _, r := range pos {
				if r < 0 {
					b.AppendNull()
				} else {
					b.AppendFrom(c, r)
				}
			}
			rcols = append(rcols, b.Build(c.Name()))
		}
	}
	for _, c := range rcols {
		name := c.Name()
		for names[name] {
			name += suffix
		}
		names[name] = true
		cols = append(cols, c.Rename(name))
	}
	if names[scoreName] {
		return nil, fmt.Errorf("fuzzy: score column %q clashes with an input column (set ScoreColumn)", scoreName)
	}
	sb := frame.NewBuilder(frame.Float64, len(scores)).(*frame.Float64Builder)
	for i, s := range scores {
		if nulls[i] {
			sb.AppendNull()
		} else {
			sb.Append(s)
		}
	}
	cols = append(cols, sb.Build(scoreName))
	return frame.New(cols...)
}
