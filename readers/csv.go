package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/sluicedata/sluice/frame"
)

// Internal sizes; tests shrink readSize to force records across reads.
var (
	readSize = 1 << 20  // bytes per read from the input
	maxChunk = 64 << 20 // bytes per chunk at most (records permitting)
)

// CSV reads delimited text from r as a stream of typed frames of
// opt.ChunkRowsOrDefault() rows each (the last may be shorter; every chunk has
// the same columns and types). The dialect, header, types and ragged-row
// policy follow opt; see the package documentation for the rules.
//
// Chunks are parsed in parallel on runtime.GOMAXPROCS goroutines and yielded
// in input order. ctx is checked between chunks. On failure the iterator
// yields one (nil, error) pair and stops; errors locating a record are
// *ParseError. Breaking out of the loop stops the reading goroutines.
func CSV(ctx context.Context, r io.Reader, opt Options) iter.Seq2[*frame.Frame, error] {
	return csvSeq(ctx, r, opt, "")
}

func csvSeq(ctx context.Context, r io.Reader, opt Options, name string) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		if opt.SampleRows < 0 && !opt.Raw {
			// two passes: exact types from the whole input first
			rs, ok := r.(io.ReadSeeker)
			if !ok {
				data, err := io.ReadAll(r)
				if err != nil {
					yield(nil, fileErr(name, err))
					return
				}
				rs = bytes.NewReader(data)
			}
			infos, err := inferReader(ctx, rs, opt, name)
			if err != nil {
				yield(nil, err)
				return
			}
			if _, err := rs.Seek(0, io.SeekStart); err != nil {
				yield(nil, fileErr(name, err))
				return
			}
			opt = withTypes(opt, infos)
			r = rs
		}
		rd, err := newCSVReader(r, opt, name)
		if err != nil {
			yield(nil, err)
			return
		}
		rd.run(ctx, yield)
	}
}

// withTypes returns opt with every inferred type fixed and a tiny sample.
func withTypes(opt Options, infos []ColumnInfo) Options {
	t := make(map[string]frame.Type, len(infos))
	for _, in := range infos {
		t[in.Name] = in.Type
	}
	for k, v := range opt.Types {
		t[k] = v
	}
	opt.Types = t
	opt.SampleRows = 1
	return opt
}

func fileErr(name string, err error) error {
	if name == "" {
		return err
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// colPlan is how one output column is produced.
type colPlan struct {
	avg  float64 // average field bytes in the sample
	src  int     // field index
	name string
	typ  frame.Type
	nf   numFmt
	// dict, if set, is the dictionary the column is encoded with.
	dict *strDict
}

// csvReader is one configured CSV read.
type csvReader struct {
	name     string
	opt      Options
	s        *splitter
	delim    byte
	header   []string
	names    []string // unique names of all fields
	cols     []colPlan
	nfields  int
	na       naSet
	baseLine int // line number of the first data record
	sample   int
	fast     *fastPlan // nil: the fast path does not apply
	// the inference sample: records and their bytes (size estimates)
	sampleRecs, sampleBytes int
	keep                    *keepPlan // Options.Keep tested inline by the fast path, or nil
	hasDict                 bool      // some column is dictionary-encoded (colPlan.dict)
	coll                    *collector
}

// prepare sets up decoding, BOM removal, line-end and delimiter detection.
func prepare(r io.Reader, opt Options) (*splitter, byte, error) {
	dec, err := decoder(opt.Encoding)
	if err != nil {
		return nil, 0, err
	}
	var s *splitter
	if wi, ok := r.(*wholeInput); ok && dec == nil {
		s = &splitter{r: wi, nl: '\n', readSize: readSize, maxChunk: maxChunk, buf: wi.data, n: len(wi.data), read: int64(len(wi.data)), eof: true, whole: true}
	} else {
		if dec != nil {
			r = dec(r)
		}
		s = newSplitter(r, readSize, maxChunk)
		s.free = make(chan []byte, runtime.GOMAXPROCS(0)+2)
	}
	s.fill()
	if s.err != nil {
		return nil, 0, s.err
	}
	if s.n >= 3 && bytes.Equal(s.buf[:3], []byte("\xEF\xBB\xBF")) {
		s.reset(3)
	}
	head := s.buf[s.start:s.n]
	if bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		s.nl = '\r'
	}
	var delim byte
	switch {
	case opt.Delimiter == 0:
		delim = sniffDelimiter(head)
	case opt.Delimiter > 0 && opt.Delimiter < 128 && opt.Delimiter != '"' && opt.Delimiter != '\n' && opt.Delimiter != '\r':
		delim = byte(opt.Delimiter)
	default:
		return nil, 0, fmt.Errorf("readers: delimiter %q must be one ASCII character other than a quote or newline", opt.Delimiter)
	}
	var comment byte
	if opt.Comment != 0 {
		if opt.Comment >= 128 {
			return nil, 0, fmt.Errorf("readers: comment character %q must be ASCII", opt.Comment)
		}
		comment = byte(opt.Comment)
	}
	if opt.LazyQuotes || comment != 0 {
		s.exact = newTokenizer(delim, opt.LazyQuotes, comment)
	}
	return s, delim, nil
}

func (o Options) commentByte() byte {
	if o.Comment > 0 && o.Comment < 128 {
		return byte(o.Comment)
	}
	return 0
}

// sniffDelimiter picks among , ; tab | the candidate whose per-line count
// (outside quotes) is most consistent over the first lines; ',' when none
// occurs.
func sniffDelimiter(head []byte) byte {
	cands := []byte{',', ';', '\t', '|'}
	const maxLines = 50
	counts := make([][]int, len(cands))
	line := make([]int, len(cands))
	inQ := false
	lines := 0
	if len(head) > 1<<16 {
		head = head[:1<<16]
	}
	for i := 0; i < len(head) && lines < maxLines; i++ {
		c := head[i]
		switch {
		case c == '"':
			inQ = !inQ
		case !inQ && (c == '\n' || c == '\r'):
			if c == '\r' && i+1 < len(head) && head[i+1] == '\n' {
				i++
			}
			for k := range cands {
				counts[k] = append(counts[k], line[k])
				line[k] = 0
			}
			lines++
		case !inQ:
			for k, d := range cands {
				if c == d {
					line[k]++
				}
			}
		}
	}
	if lines < maxLines && !inQ {
		for k := range cands {
			if line[k] > 0 {
				counts[k] = append(counts[k], line[k])
			}
		}
	}
	best, bestScore, bestMode := byte(','), 0.0, 0
	for k, d := range cands {
		freq := map[int]int{}
		for _, n := range counts[k] {
			freq[n]++
		}
		mode, mf := 0, 0
		for n, f := range freq {
			if n > 0 && (f > mf || (f == mf && n > mode)) {
				mode, mf = n, f
			}
		}
		if mode == 0 || len(counts[k]) == 0 {
			continue
		}
		score := float64(mf) / float64(len(counts[k]))
		if score > bestScore || (score == bestScore && mode > bestMode) {
			best, bestScore, bestMode = d, score, mode
		}
	}
	return best
}

// newCSVReader reads the header and the inference sample.
func newCSVReader(r io.Reader, opt Options, name string) (*csvReader, error) {
	s, delim, err := prepare(r, opt)
	if err != nil {
		return nil, fileErr(name, err)
	}
	rd := &csvReader{name: name, opt: opt, s: s, delim: delim, na: newNASet(opt)}
	sample := opt.SampleRowsOrDefault()
	if sample < 0 {
		sample = 0
	}
	if opt.Raw {
		sample = min(sample, 1000) // only for sizing string buffers
	}
	rd.sample = sample
	head := s.peek(1 + sample)
	if s.err != nil {
		return nil, fileErr(name, s.err)
	}
	tok := newTokenizer(delim, opt.LazyQuotes, opt.commentByte())
	// first record
	pos := 0
	var first []string
	for pos < len(head) {
		next, err := tok.parse(head, pos)
		if err == errSkip {
			pos = next
			continue
		}
		if err != nil {
			return nil, rd.tokError(head, pos, err, 1)
		}
		first = make([]string, len(tok.fields))
		for i := range first {
			first[i] = string(tok.field(head, i))
		}
		if !opt.NoHeader {
			pos = next
		}
		break
	}
	if first == nil {
		return nil, &ParseError{File: name, Err: ErrEmpty}
	}
	rd.baseLine = 1 + countLines(head[:pos])
	rd.sampleBytes = len(head) - pos
	if opt.NoHeader {
		rd.names = make([]string, len(first))
		for i := range first {
			rd.names[i] = "column_" + strconv.Itoa(i+1)
		}
	} else {
		rd.header = first
		rd.names = uniqueNames(first)
	}
	rd.nfields = len(first)
	// projection
	idx := make([]int, 0, len(rd.names))
	if len(opt.Columns) > 0 {
		for _, c := range opt.Columns {
			k := indexOf(rd.names, c)
			if k < 0 && rd.header != nil {
				k = indexOf(rd.header, c)
			}
			if k < 0 {
				return nil, fileErr(name, fmt.Errorf("readers: column %q not in %s: %w", c, strings.Join(rd.names, ", "), ErrNoColumn))
			}
			idx = append(idx, k)
		}
	} else {
		for i := range rd.names {
			idx = append(idx, i)
		}
	}
	for tn := range opt.Types {
		if !opt.typesSubset && indexOf(rd.names, tn) < 0 && (rd.header == nil || indexOf(rd.header, tn) < 0) {
			return nil, fileErr(name, fmt.Errorf("readers: Options.Types names column %q, not in %s: %w", tn, strings.Join(rd.names, ", "), ErrNoColumn))
		}
	}
	rd.cols = make([]colPlan, len(idx))
	var inf []*colInfer
	{
		inf = make([]*colInfer, len(idx))
		for k := range idx {
			inf[k] = newColInfer(opt)
		}
		p := pos
		for p < len(head) {
			next, err := tok.parse(head, p)
			if err != nil {
				p = next
				continue // errors are reported by the real pass
			}
			rd.sampleRecs++
			for k, src := range idx {
				if src < len(tok.fields) {
					inf[k].add(tok.field(head, src), rd.na)
				}
			}
			p = next
		}
	}
	for k, src := range idx {
		c := colPlan{src: src, name: rd.names[src], typ: frame.String}
		if inf[k].count > 0 {
			c.avg = float64(inf[k].bytes) / float64(inf[k].count)
		}
		if !opt.Raw {
			c.typ, c.nf = inf[k].result()
			if t, ok := opt.Types[c.name]; ok {
				c.typ = t
			} else if rd.header != nil {
				if t, ok := opt.Types[rd.header[src]]; ok {
					c.typ = t
				}
			}
			if c.typ == frame.Int64 || c.typ == frame.Float64 {
				c.nf = numFormat(opt)
			}
		}
		if c.typ == frame.String && !opt.NoDict {
			if d := opt.dicts[c.name]; d != nil {
				c.dict = d // an earlier file's
			} else if dictForce || inf[k].repeats() {
				c.dict = newStrDict()
				if opt.dicts != nil {
					opt.dicts[c.name] = c.dict
				}
			}
			rd.hasDict = rd.hasDict || c.dict != nil
		}
		rd.cols[k] = c
	}
	if tok.stray && s.exact == nil {
		// literal quotes inside unquoted fields: quote parity cannot find
		// record ends, so split with the tokenizer
		s.exact = newTokenizer(delim, opt.LazyQuotes, opt.commentByte())
	}
	s.reset(s.start + pos)
	rd.fast = newFastPlan(rd)
	if opt.Keep != nil {
		kp, err := newKeepPlan(rd)
		if err != nil {
			return nil, err
		}
		rd.keep = kp
	}
	if opt.Stats != nil {
		st := opt.Stats
		st.Header = rd.header
		st.Delimiter = rune(delim)
		st.Names = make([]string, len(rd.cols))
		st.Types = make([]frame.Type, len(rd.cols))
		for k, c := range rd.cols {
			st.Names[k], st.Types[k] = c.name, c.typ
		}
	}
	return rd, nil
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// uniqueNames makes header names unique: empty names become column_N
// (1-based position), a repeated name gets _2, _3, … appended.
func uniqueNames(h []string) []string {
	out := make([]string, len(h))
	seen := make(map[string]bool, len(h))
	for i, s := range h {
		if s == "" {
			s = "column_" + strconv.Itoa(i+1)
		}
		out[i] = s
	}
	for _, s := range out {
		seen[s] = true
	}
	used := make(map[string]bool, len(h))
	for i, s := range out {
		if !used[s] {
			used[s] = true
			continue
		}
		for k := 2; ; k++ {
			c := s + "_" + strconv.Itoa(k)
			if !used[c] && !seen[c] {
				out[i] = c
				used[c] = true
				break
			}
		}
	}
	return out
}

func (rd *csvReader) tokError(b []byte, recStart int, err error, baseLine int) error {
	var te *tokErr
	if errors.As(err, &te) {
		return &ParseError{File: rd.name, Line: baseLine + countLines(b[:recStart]), Column: te.field, Err: te.err}
	}
	return fileErr(rd.name, err)
}

// chunkErr is a worker's error, located by the record's offset in the chunk.
type chunkErr struct {
	off     int
	field   int
	text    string
	err     error
	overrun bool // unterminated quoted field reaching the chunk's end
}

// piece is a worker's result for one chunk.
type piece struct {
	f               *frame.Frame
	rows            int
	lines           int
	padded, skipped int
	err             *chunkErr
}

type job struct {
	chunk   []byte
	off     int  // predicted row offset (collect mode)
	collect bool // write into the collector's arrays
	recs    int  // records the splitter counted in chunk (a size hint)
	res     chan piece
	err     error // read error (no chunk)
}

// runState carries the consumer's position across pipeline restarts.
type runState struct {
	line    int
	rc      rechunker
	emitted bool
	stopped bool
}

func (rd *csvReader) run(ctx context.Context, yield func(*frame.Frame, error) bool) {
	st := &runState{line: rd.baseLine, rc: rechunker{n: rd.opt.ChunkRowsOrDefault()}}
	s := rd.s
	rd.coll = newCollector(rd)
	for {
		rest := rd.pipeline(ctx, s, st, yield)
		if st.stopped {
			return
		}
		if rest == nil {
			break
		}
		// quote parity misled the splitter (a literal quote inside an
		// unquoted field): continue from the failing record with exact,
		// tokenizer-driven splitting
		if rd.coll != nil {
			rd.coll.broken = true
		}
		free := s.free
		s = newSplitter(rest, readSize, maxChunk)
		s.free = free
		s.nl = rd.s.nl
		s.exact = newTokenizer(rd.delim, rd.opt.LazyQuotes, rd.opt.commentByte())
	}
	emit := func(f *frame.Frame) bool {
		st.emitted = true
		if rd.opt.Stats != nil {
			rd.opt.Stats.Rows += int64(f.NumRows())
		}
		return rd.offer(f, yield)
	}
	if f := st.rc.flush(); f != nil {
		if !emit(f) {
			return
		}
	}
	if !st.emitted {
		yield(rd.emptyFrame(), nil)
	}
}

// pipeline splits with s, parses chunks in parallel and yields them in order.
// It returns a reader of the remaining input when parsing must restart in
// exact mode, else nil (st.stopped is set when the caller must stop).
func (rd *csvReader) pipeline(ctx context.Context, s *splitter, st *runState, yield func(*frame.Frame, error) bool) io.Reader {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers)
	order := make(chan *job, workers+1)
	want := rd.opt.ChunkRowsOrDefault()
	pdone := make(chan struct{})
	var unsent []byte
	// every goroutine has stopped touching the input when pipeline returns
	// (a mapped file is unmapped after that)
	var wg sync.WaitGroup
	defer func() {
		pcancel()
		wg.Wait()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(pdone)
		defer close(order)
		defer close(jobs)
		if s.whole {
			// a mapped file truncated under us faults: make that an error
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
		}
		for pctx.Err() == nil {
			chunk, err := s.safeNext(want)
			if err != nil {
				select {
				case order <- &job{err: err}:
				case <-pctx.Done():
				}
				return
			}
			if chunk == nil {
				return
			}
			j := &job{chunk: chunk, recs: s.lastRecs, res: make(chan piece, 1)}
			if rd.coll != nil {
				j.off, j.collect = rd.coll.assign(s.lastRecs, s.consumed())
			}
			select {
			case order <- j:
			case <-pctx.Done():
				unsent = chunk
				return
			}
			select {
			case jobs <- j:
			case <-pctx.Done():
				j.res <- piece{err: &chunkErr{err: context.Canceled}}
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.whole {
				defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			}
			tok := newTokenizer(rd.delim, rd.opt.LazyQuotes, rd.opt.commentByte())
			fw := &fastWorker{}
			for j := range jobs {
				if pctx.Err() != nil {
					j.res <- piece{err: &chunkErr{err: context.Canceled}}
					continue
				}
				j.res <- rd.parseChunkSafe(tok, fw, j, min(want, max(j.recs, 1)))
			}
		}()
	}
	stats := rd.opt.Stats
	fail := func(err error) io.Reader {
		st.stopped = true
		yield(nil, err)
		return nil
	}
	for j := range order {
		if j.err != nil {
			return fail(fileErr(rd.name, fmt.Errorf("read: %w", j.err)))
		}
		var pc piece
		select {
		case pc = <-j.res:
		case <-ctx.Done():
			return fail(ctx.Err())
		}
		if pc.err != nil {
			e := pc.err
			if e.overrun && s.exact == nil {
				// the records before the failing one are whole: parse
				// and emit them, then restart from the failing record
				if e.off > 0 {
					hj := &job{chunk: j.chunk[:e.off]}
					hp := rd.parseChunkSafe(newTokenizer(rd.delim, rd.opt.LazyQuotes, rd.opt.commentByte()), &fastWorker{}, hj, want)
					if hp.err != nil {
						he := hp.err
						return fail(&ParseError{File: rd.name, Line: st.line + countLines(j.chunk[:he.off]), Column: he.field, Text: he.text, Err: he.err})
					}
					if stats != nil {
						stats.Padded += int64(hp.padded)
						stats.Skipped += int64(hp.skipped)
					}
					for _, f := range st.rc.add(hp.f) {
						st.emitted = true
						if stats != nil {
							stats.Rows += int64(f.NumRows())
						}
						if !rd.offer(f, yield) {
							st.stopped = true
							return nil
						}
					}
				}
				// collect the rest of the input, in order
				pcancel()
				<-pdone
				parts := [][]byte{j.chunk[e.off:]}
				for j2 := range order {
					if j2.err != nil {
						return fail(fileErr(rd.name, fmt.Errorf("read: %w", j2.err)))
					}
					parts = append(parts, j2.chunk)
				}
				if unsent != nil {
					parts = append(parts, unsent)
				}
				parts = append(parts, s.buf[s.start:s.n])
				var rest []byte
				for _, p := range parts {
					rest = append(rest, p...)
				}
				st.line += countLines(j.chunk[:e.off])
				if s.eof || s.err != nil {
					return bytes.NewReader(rest)
				}
				return io.MultiReader(bytes.NewReader(rest), s.r)
			}
			return fail(&ParseError{File: rd.name, Line: st.line + countLines(j.chunk[:e.off]), Column: e.field, Text: e.text, Err: e.err})
		}
		st.line += pc.lines
		if stats != nil {
			stats.Bytes += int64(len(j.chunk))
		}
		s.release(j.chunk)
		if stats != nil {
			stats.Padded += int64(pc.padded)
			stats.Skipped += int64(pc.skipped)
		}
		for _, f := range st.rc.add(pc.f) {
			if f == pc.f && rd.coll != nil && rd.coll.active.Load() {
				// a chunk passed through whole: its buffers are its own,
				// and ReadAll may hand them back for the next chunks
				rd.coll.owned.Store(f, struct{}{})
			}
			st.emitted = true
			if stats != nil {
				stats.Rows += int64(f.NumRows())
			}
			if !rd.offer(f, yield) {
				st.stopped = true
				return nil
			}
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}
	return nil
}

// offer yields f; the first frame of a reader that can collect is offered
// to ReadAll through the collectable registry while it is being yielded.
func (rd *csvReader) offer(f *frame.Frame, yield func(*frame.Frame, error) bool) bool {
	c := rd.coll
	if c == nil || c.offered {
		return yield(f, nil)
	}
	c.offered = true
	collectable.Store(f, c)
	ok := yield(f, nil)
	collectable.Delete(f)
	return ok
}

func (rd *csvReader) emptyFrame() *frame.Frame {
	cols := make([]*frame.Column, len(rd.cols))
	for k, c := range rd.cols {
		cols[k] = frame.NewBuilder(c.typ, 0).Build(c.name)
	}
	f, _ := frame.New(cols...)
	return f
}

// rechunker regroups pieces into frames of exactly n rows; pieces that
// already have n rows pass through without copying.
type rechunker struct {
	n       int
	pending []*frame.Frame
	rows    int
}

func (r *rechunker) add(f *frame.Frame) []*frame.Frame {
	if f == nil || f.NumRows() == 0 {
		return nil
	}
	if r.rows == 0 && f.NumRows() == r.n {
		return []*frame.Frame{f}
	}
	r.pending = append(r.pending, f)
	r.rows += f.NumRows()
	var out []*frame.Frame
	for r.rows >= r.n {
		out = append(out, r.take(r.n))
	}
	return out
}

func (r *rechunker) take(n int) *frame.Frame {
	var parts []*frame.Frame
	need := n
	for need > 0 {
		f := r.pending[0]
		if f.NumRows() <= need {
			parts = append(parts, f)
			need -= f.NumRows()
			r.pending = r.pending[1:]
		} else {
			parts = append(parts, f.Slice(0, need))
			r.pending[0] = f.Slice(need, f.NumRows())
			need = 0
		}
	}
	r.rows -= n
	out, err := frame.Concat(parts...)
	if err != nil {
		panic("readers: rechunk: " + err.Error()) // same schema by construction
	}
	return out
}

func (r *rechunker) flush() *frame.Frame {
	if r.rows == 0 {
		return nil
	}
	return r.take(r.rows)
}

// parseChunkSafe turns a panic into an error: bad input must never crash a
// caller's process.
func (rd *csvReader) parseChunkSafe(tok *tokenizer, fw *fastWorker, j *job, hint int) (pc piece) {
	chunk := j.chunk
	defer func() {
		if p := recover(); p != nil {
			pc = piece{err: &chunkErr{err: fmt.Errorf("readers: internal error: %v\n%s", p, debug.Stack())}}
		}
	}()
	if fp := rd.fast; fp != nil && !fastPathOff && fp.fails.Load() < 4 {
		var coll *collector
		if j.collect && j.recs >= 8 && j.recs <= hint {
			coll, hint = rd.coll, j.recs
		}
		var ok bool
		if rd.useVec() {
			if pc, ok = rd.vecChunk(fw, chunk, hint, coll, j.off); ok {
				vecChunks.Add(1)
			} else {
				fp.vecFails.Add(1)
			}
		}
		if !ok {
			if pc, ok = rd.fastChunk(fw, chunk, hint, coll, j.off); ok {
				fastChunks.Add(1)
			} else {
				fp.fails.Add(1)
			}
		}
	}
	if pc.f == nil {
		pc = rd.parseChunk(tok, chunk, hint)
		if pc.f != nil {
			pc.f = rd.encodeFrame(fw, pc.f)
		}
	}
	if kf := rd.opt.Keep; kf != nil && rd.keep == nil && pc.err == nil && pc.f != nil {
		f, err := kf.Filter(pc.f)
		if err != nil {
			return piece{err: &chunkErr{err: err}}
		}
		pc.f, pc.rows = f, f.NumRows()
	}
	return pc
}

// builders for one chunk
type colBuilder struct {
	ib *frame.Int64Builder
	fb *frame.Float64Builder
	bb *frame.BoolBuilder
	sb *frame.StringBuilder
}

func (rd *csvReader) typeErr(c *colPlan, f []byte, k int) *chunkErr {
	how := "inferred from the first " + strconv.Itoa(rd.sample) + " rows"
	if _, ok := rd.opt.Types[c.name]; ok {
		how = "set by Options.Types"
	}
	return &chunkErr{field: c.src + 1, text: string(f), err: fmt.Errorf("%w: column %q is %s (%s); set Options.Types[%q] (e.g. frame.String) or a larger SampleRows (negative: whole file)",
		ErrType, c.name, c.typ, how, c.name)}
}

// parseChunk tokenizes and converts one chunk of whole records.
func (rd *csvReader) parseChunk(tok *tokenizer, chunk []byte, hint int) piece {
	var pc piece
	pc.lines = countLines(chunk)
	bs := make([]colBuilder, len(rd.cols))
	for k, c := range rd.cols {
		switch c.typ {
		case frame.Int64, frame.Date, frame.Datetime:
			bs[k].ib = frame.NewBuilder(c.typ, hint).(*frame.Int64Builder)
		case frame.Float64:
			bs[k].fb = frame.NewBuilder(c.typ, hint).(*frame.Float64Builder)
		case frame.Bool:
			bs[k].bb = frame.NewBuilder(c.typ, hint).(*frame.BoolBuilder)
		default:
			sb := &frame.StringBuilder{}
			sb.Grow(hint, int(c.avg*float64(hint)*1.1)+64)
			bs[k].sb = sb
		}
	}
	raw := rd.opt.Raw
	trim := rd.opt.TrimSpace
	na := &rd.na
	nf := rd.nfields
	pos := 0
	for pos < len(chunk) {
		next, err := tok.parse(chunk, pos)
		if err != nil {
			if err == errSkip {
				pos = next
				continue
			}
			var te *tokErr
			errors.As(err, &te)
			pc.err = &chunkErr{off: pos, field: te.field, err: te.err, overrun: te.overrun, text: string(chunk[pos:min(next, len(chunk), pos+60)])}
			return pc
		}
		if len(tok.fields) != nf {
			switch rd.opt.Ragged {
			case RaggedSkip:
				pc.skipped++
				pos = next
				continue
			case RaggedPad:
				pc.padded++
			default:
				pc.err = &chunkErr{off: pos, err: fmt.Errorf("%w: record has %d fields, header has %d (Options.Ragged selects pad or skip)", ErrFieldCount, len(tok.fields), nf),
					text: string(chunk[pos:min(next, len(chunk), pos+60)])}
				return pc
			}
		}
		if rd.keep != nil && !rd.slowMatch(tok, chunk) {
			pos = next
			continue
		}
		for k := range rd.cols {
			c := &rd.cols[k]
			b := &bs[k]
			if c.src >= len(tok.fields) {
				switch {
				case b.ib != nil:
					b.ib.AppendNull()
				case b.fb != nil:
					b.fb.AppendNull()
				case b.bb != nil:
					b.bb.AppendNull()
				default:
					b.sb.AppendNull()
				}
				continue
			}
			f := tok.field(chunk, c.src)
			if raw {
				b.sb.AppendBytes(f)
				continue
			}
			t := trimSpace(f)
			if na.has(t) {
				switch {
				case b.ib != nil:
					b.ib.AppendNull()
				case b.fb != nil:
					b.fb.AppendNull()
				case b.bb != nil:
					b.bb.AppendNull()
				default:
					b.sb.AppendNull()
				}
				continue
			}
			ok := true
			switch c.typ {
			case frame.Int64:
				var v int64
				v, ok = parseInt(t, c.nf)
				b.ib.Append(v)
			case frame.Float64:
				var v float64
				v, ok = parseFloat(t, c.nf)
				if v != v {
					b.fb.AppendNull() // a NaN text not listed as NA
				} else {
					b.fb.Append(v)
				}
			case frame.Bool:
				var v bool
				v, ok = parseBool(t)
				b.bb.Append(v)
			case frame.Date:
				var v int64
				v, ok = parseDate(t)
				b.ib.Append(v)
			case frame.Datetime:
				var v int64
				v, ok = parseDatetime(t)
				if !ok {
					var d int64
					if d, ok = parseDate(t); ok {
						v = d * 86400e9
					}
				}
				b.ib.Append(v)
			default:
				if trim {
					b.sb.AppendBytes(t)
				} else {
					b.sb.AppendBytes(f)
				}
			}
			if !ok {
				pc.err = rd.typeErr(c, f, k)
				pc.err.off = pos
				return pc
			}
		}
		pc.rows++
		pos = next
	}
	cols := make([]*frame.Column, len(rd.cols))
	for k, c := range rd.cols {
		b := &bs[k]
		switch {
		case b.ib != nil:
			cols[k] = b.ib.Build(c.name)
		case b.fb != nil:
			cols[k] = b.fb.Build(c.name)
		case b.bb != nil:
			cols[k] = b.bb.Build(c.name)
		default:
			cols[k] = b.sb.Build(c.name)
		}
	}
	f, err := frame.New(cols...)
	if err != nil {
		pc.err = &chunkErr{err: err}
		return pc
	}
	pc.f = f
	return pc
}

// naSet matches NA tokens quickly: by length, then first byte.
type naSet struct {
	toks   []string
	empty  bool
	maxLen int
	first  [256]bool
}

func newNASet(opt Options) naSet {
	var s naSet
	for tok := range opt.NASet() {
		tok = strings.Trim(tok, " \t")
		if tok == "" {
			s.empty = true
			continue
		}
		s.toks = append(s.toks, tok)
		s.maxLen = max(s.maxLen, len(tok))
		s.first[tok[0]] = true
	}
	return s
}

func (s *naSet) has(b []byte) bool {
	if len(b) == 0 {
		return s.empty
	}
	if len(b) > s.maxLen || !s.first[b[0]] {
		return false
	}
	for _, t := range s.toks {
		if bstr(b) == t {
			return true
		}
	}
	return false
}

// ReadAll concatenates a stream of frames into one frame. It returns the
// first error the stream yields. An empty stream gives an empty frame.
//
// On a [CSVFile] stream ReadAll has the workers write numeric columns
// straight into whole-file arrays and copies String columns into whole-file
// buffers as the chunks arrive, handing each chunk's string buffers back to
// the workers for the next chunks, so the result is built with little more
// memory than its own size and few freshly touched pages.
//
// To keep peak memory near the result's size, ReadAll lowers the garbage
// collector's target percentage (debug.SetGCPercent) to 25 once it holds
// more than 64 MB, unless it is lower already or off, and restores it when
// the last concurrent ReadAll returns.
func ReadAll(seq iter.Seq2[*frame.Frame, error]) (*frame.Frame, error) {
	var pcs [][]*frame.Column // per chunk: its columns (absorbed strings nil)
	var first *frame.Frame
	var coll *collector
	var accs []*strAcc
	seen := int64(0)
	size := int64(0)
	for f, err := range seq {
		if err != nil {
			return nil, err
		}
		if seen >= 0 {
			if seen += f.Size(); seen > 64<<20 {
				seen = -1
				defer lowerGC()()
			}
		}
		size += f.Size()
		if pcs == nil {
			first = f
			if v, ok := collectable.LoadAndDelete(f); ok {
				coll = v.(*collector)
				coll.active.Store(true)
			}
		}
		if len(pcs) > 0 && f.NumCols() != len(pcs[0]) {
			return nil, fmt.Errorf("readers: ReadAll: chunk %d has %d columns, chunk 0 has %d: %w", len(pcs), f.NumCols(), len(pcs[0]), ErrSchema)
		}
		pcs = append(pcs, f.Columns())
		owned := false
		if coll != nil {
			_, owned = coll.owned.LoadAndDelete(f)
		}
		if len(pcs) == 2 && coll != nil && coll.estRows > 0 {
			// a file read in collect mode: its string columns are copied
			// into whole-file buffers as the chunks arrive, instead of all
			// being held and concatenated at the end
			accs = newStrAccs(pcs[0], coll)
			for i, cols := range pcs {
				if err := absorb(accs, cols); err != nil {
					return nil, fmt.Errorf("readers: ReadAll: chunk %d: %w", i, err)
				}
			}
			first = nil
		} else if accs != nil {
			if err := absorb(accs, pcs[len(pcs)-1]); err != nil {
				return nil, fmt.Errorf("readers: ReadAll: chunk %d: %w", len(pcs)-1, err)
			}
		}
		if owned && accs != nil {
			// nothing else holds the chunk's string buffers: the workers
			// reuse them (warm pages, no fresh faults)
			for k, a := range accs {
				if a != nil {
					coll.recycle(f.ColumnAt(k).StringBuffers())
				}
			}
		}
	}
	if len(pcs) == 0 {
		return frame.Empty(), nil
	}
	if len(pcs) == 1 {
		return first, nil
	}
	ncol := len(pcs[0])
	big := size > 64<<20
	out := make([]*frame.Column, ncol)
	for k, a := range accs {
		if a != nil {
			out[k] = a.column()
			accs[k] = nil
		}
	}
	// concatenate the other columns column by column, dropping each
	// column's pieces once copied, so peak memory stays near one frame plus
	// one column
	// columns are concatenated by GOMAXPROCS goroutines, each dropping a
	// column's pieces once copied; on big inputs a GC after each round lets
	// the next columns reuse the memory, so peak stays near one frame plus a
	// few columns
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, ncol)
	var todo []int
	for k := range ncol {
		if out[k] == nil {
			todo = append(todo, k)
		}
	}
	if coll != nil && len(todo) > 0 {
		// first adopt, in parallel and without rounds, every column the
		// workers wrote in place (nothing is allocated but bitmaps)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
					k := todo[i]
					one := make([]*frame.Column, len(pcs))
					for j := range pcs {
						one[j] = pcs[j][k]
					}
					if c := coll.collectColumn(k, one); c != nil {
						out[k] = c
						for j := range pcs {
							pcs[j][k] = nil
						}
					}
				}
			}()
		}
		wg.Wait()
		todo = slices.DeleteFunc(todo, func(k int) bool { return out[k] != nil })
	}
	var copied atomic.Bool // a column of the round was copied, not collected
	for k0 := 0; k0 < len(todo); k0 += workers {
		var wg sync.WaitGroup
		for _, k := range todo[k0:min(k0+workers, len(todo))] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				one := make([]*frame.Column, len(pcs))
				for i := range pcs {
					one[i] = pcs[i][k]
					pcs[i][k] = nil
				}
				copied.Store(true)
				c, err := concatColumn(one)
				if err != nil {
					errs[k] = fmt.Errorf("readers: ReadAll: %w", err)
					return
				}
				out[k] = c
			}()
		}
		wg.Wait()
		if big && copied.Swap(false) {
			// return the pieces' pages to the OS: the next columns are
			// fresh allocations that could not reuse them anyway
			debug.FreeOSMemory()
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return frame.New(out...)
}

var (
	gcMu    sync.Mutex
	gcUsers int
	gcSaved int
	gcSet   bool
)

// lowerGC sets the GC percentage to 25 (if it is higher) until the returned
// function is called by the last concurrent user.
func lowerGC() func() {
	gcMu.Lock()
	if gcUsers == 0 {
		gcSaved = debug.SetGCPercent(25)
		gcSet = gcSaved > 25
		if !gcSet {
			debug.SetGCPercent(gcSaved)
		}
	}
	gcUsers++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		gcUsers--
		if gcUsers == 0 && gcSet {
			debug.SetGCPercent(gcSaved)
		}
		gcMu.Unlock()
	}
}

// wholeInput is an input held entirely in memory (a mapped file): the
// splitter cuts chunks out of it in place instead of copying reads.
type wholeInput struct {
	data []byte
	r    *bytes.Reader
}

func newWholeInput(data []byte) *wholeInput { return &wholeInput{data: data, r: bytes.NewReader(data)} }

func (w *wholeInput) Read(p []byte) (int, error) { return w.r.Read(p) }

// safeNext is next with a fault (a mapped file truncated meanwhile) turned
// into an error.
func (s *splitter) safeNext(want int) (chunk []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			chunk, err = nil, fmt.Errorf("input changed while being read: %v: %w", p, ErrFormat)
		}
	}()
	return s.next(want)
}
