package csv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/sluicedata/sluice/frame"
)

// Read reads delimited text from r as a stream of typed frames of
// cfg.ChunkRows rows each (readers.CSV). When the config needs a first pass
// over the whole input (SampleRows < 0, RaggedExtend) and r cannot seek, r is
// read into memory first.
func Read(ctx context.Context, r io.Reader, cfg Config) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		if cfg.NeedsFirstPass() {
			rs, ok := r.(io.ReadSeeker)
			if !ok {
				data, err := io.ReadAll(r)
				if err != nil {
					yield(nil, fileErr(cfg.Name, err))
					return
				}
				rs = bytes.NewReader(data)
			}
			c, err := FirstPass(ctx, rs, cfg)
			if err != nil {
				yield(nil, err)
				return
			}
			if _, err := rs.Seek(0, io.SeekStart); err != nil {
				yield(nil, fileErr(cfg.Name, err))
				return
			}
			cfg, r = c, rs
		}
		rd, err := newReader(ctx, source{r: r}, cfg)
		if err != nil {
			yield(nil, err)
			return
		}
		rd.run(ctx, func(f *frame.Frame, _ bool, err error) bool { return yield(f, err) })
	}
}

// ReadFile reads the uncompressed file f of the given size like Read; a big
// UTF-8 file is mapped into memory and cut into chunks in place rather than
// copied by reads. The first pass, if the config needs one, reads the file
// from its start.
func ReadFile(ctx context.Context, f *os.File, size int64, cfg Config) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		rd, unmap, err := openFile(ctx, f, size, cfg)
		if err != nil {
			yield(nil, err)
			return
		}
		defer unmap() // after run, whose goroutines have all stopped
		rd.run(ctx, func(f *frame.Frame, _ bool, err error) bool { return yield(f, err) })
	}
}

// openFile sets up a reader of the uncompressed file f (see ReadFile).
func openFile(ctx context.Context, f *os.File, size int64, cfg Config) (*reader, func(), error) {
	if cfg.NeedsFirstPass() {
		c, err := FirstPass(ctx, io.NewSectionReader(f, 0, size), cfg)
		if err != nil {
			return nil, nil, err
		}
		cfg = c
	}
	src := source{r: io.NewSectionReader(f, 0, size), size: size}
	unmap := func() {}
	if dec, _ := decoder(cfg.Encoding); dec == nil {
		min := int64(defaultMapMin)
		if cfg.tune.mapMin != 0 {
			min = cfg.tune.mapMin
		}
		if min > 0 && size >= min {
			if data, un := mapFile(f, size); data != nil {
				src.whole, unmap = data, un
			}
		}
	}
	rd, err := newReader(ctx, src, cfg)
	if err != nil {
		unmap()
		return nil, nil, err
	}
	return rd, unmap, nil
}

// source is a read's input: a stream, or the whole input in memory (a
// mapped file), and its size when known.
type source struct {
	r     io.Reader
	whole []byte
	size  int64
}

// NeedsFirstPass reports whether a read with this config must see the
// whole input before its first chunk: for exact types (SampleRows < 0) or
// the widest record (RaggedExtend). FirstPass resolves it.
func (c *Config) NeedsFirstPass() bool {
	if c.firstDone {
		return false
	}
	return (c.SampleRows < 0 && !c.Raw) || c.Ragged == RaggedExtend
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
	// auto: NAAuto treats short non-numeric tokens as null in this
	// (numeric) column
	auto bool
}

// reader is one configured CSV read.
type reader struct {
	name    string
	cfg     Config
	s       *splitter
	delim   byte
	comment []byte
	header  []string
	names   []string // unique names of all fields
	cols    []colPlan
	nfields int
	// hdrFields is the header's field count (the first record's with
	// NoHeader); nfields is larger under RaggedExtend
	hdrFields int
	na        naSet
	baseLine  int // line number of the first data record
	sample    int
	fused     *fusedPlan // nil: the fused path does not apply
	// the inference sample: records and their bytes (size estimates)
	sampleRecs, sampleBytes int
	keep                    *keepPlan // Config.Keep tested inline by the fused path, or nil
	hasDict                 bool      // some column is dictionary-encoded (colPlan.dict)
	hasAuto                 bool      // some column has colPlan.auto
	coll                    *collector
	stats                   *Stats
}

// prepared is the dialect of an input: its splitter (past the BOM and the
// skipped lines), delimiter and comment prefix, and the lines skipped.
type prepared struct {
	s       *splitter
	delim   byte
	comment []byte
	skipped int
}

// prepare sets up decoding, BOM removal, skipped lines, line-end and
// delimiter detection.
func prepare(ctx context.Context, src source, cfg *Config) (prepared, error) {
	var p prepared
	dec, err := decoder(cfg.Encoding)
	if err != nil {
		return p, err
	}
	if cfg.HeaderRow < 0 || cfg.SkipRows < 0 {
		return p, fmt.Errorf("readers: HeaderRow %d, SkipRows %d: must not be negative", cfg.HeaderRow, cfg.SkipRows)
	}
	skip := cfg.SkipRows
	if cfg.HeaderRow > 0 {
		if cfg.NoHeader {
			return p, fmt.Errorf("readers: HeaderRow %d with NoHeader: a header row needs a header", cfg.HeaderRow)
		}
		if cfg.SkipRows > 0 && cfg.SkipRows != cfg.HeaderRow-1 {
			return p, fmt.Errorf("readers: HeaderRow %d and SkipRows %d disagree (HeaderRow N skips N-1 lines)", cfg.HeaderRow, cfg.SkipRows)
		}
		skip = cfg.HeaderRow - 1
	}
	var s *splitter
	if src.whole != nil && dec == nil {
		s = &splitter{nl: '\n', readSize: cfg.readSize(), maxChunk: cfg.maxChunk(), maxRecord: cfg.maxRecord(),
			buf: src.whole, n: len(src.whole), read: int64(len(src.whole)), eof: true, whole: true}
	} else {
		r := src.r
		if dec != nil {
			r = dec(r)
		}
		s = newSplitter(r, cfg)
		s.free = make(chan []byte, runtime.GOMAXPROCS(0)+2)
	}
	s.done = ctx.Done()
	s.fill()
	if s.err != nil {
		return p, s.err
	}
	if s.n >= 3 && bytes.Equal(s.buf[:3], []byte("\xEF\xBB\xBF")) {
		s.reset(3)
	}
	// the lines up to the header have a lower limit (see newReader)
	s.headerLimit(true, cfg.maxRecord())
	if skip > 0 {
		n, err := s.skipLines(skip)
		if err != nil {
			return p, err
		}
		p.skipped = n
	}
	head := s.buf[s.start:min(s.n, s.start+1<<16)] // what sniffing looks at (not all of a mapped file)
	if bytes.IndexByte(head, '\n') < 0 && bytes.IndexByte(head, '\r') >= 0 {
		s.nl = '\r'
	}
	switch d := cfg.Delimiter; {
	case d == 0:
		p.delim = sniffDelimiter(head)
	case d > 0 && d < 128 && d != '"' && d != '\n' && d != '\r':
		p.delim = byte(d)
	default:
		return p, fmt.Errorf("readers: delimiter %q must be one ASCII character other than a quote or newline", d)
	}
	if c := cfg.Comment; c != "" {
		if strings.ContainsAny(c, "\r\n") || c[0] == '"' || c[0] == p.delim {
			return p, fmt.Errorf("readers: comment prefix %q must not start with a quote or the delimiter, nor hold a line break", c)
		}
		p.comment = []byte(c)
	}
	if cfg.LazyQuotes || p.comment != nil {
		s.exact = newTokenizer(p.delim, cfg.LazyQuotes, p.comment)
	}
	p.s = s
	return p, nil
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

// newReader reads the header and the inference sample.
func newReader(ctx context.Context, src source, cfg Config) (*reader, error) {
	name := cfg.Name
	p, err := prepare(ctx, src, &cfg)
	if err != nil {
		return nil, fileErr(name, err)
	}
	s := p.s
	rd := &reader{name: name, cfg: cfg, s: s, delim: p.delim, comment: p.comment, na: newNASet(&cfg), stats: cfg.Stats}
	sample := cfg.sampleRows()
	if sample < 0 {
		sample = 0
	}
	if cfg.Raw {
		sample = min(sample, 1000) // only for sizing string buffers
	}
	rd.sample = sample
	// the first record under the header's limit (a data record with
	// NoHeader), then the sample under the record limit
	s.headerLimit(!cfg.NoHeader, cfg.maxRecord())
	if _, err := s.peek(1, sampleMaxBytes); err != nil {
		return nil, rd.splitErr(err, 1+p.skipped)
	}
	s.headerLimit(false, cfg.maxRecord())
	head, err := s.peek(1+sample, sampleMaxBytes)
	if err != nil {
		return nil, rd.splitErr(err, 1+p.skipped)
	}
	tok := newTokenizer(p.delim, cfg.LazyQuotes, p.comment)
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
			return nil, rd.tokError(head, pos, err, 1+p.skipped)
		}
		first = make([]string, len(tok.fields))
		for i := range first {
			first[i] = string(tok.field(head, i))
		}
		if !cfg.NoHeader {
			pos = next
		}
		break
	}
	if first == nil {
		return nil, &Error{File: name, Err: ErrEmpty}
	}
	rd.baseLine = 1 + p.skipped + countLines(head[:pos])
	rd.sampleBytes = len(head) - pos
	if cfg.NoHeader {
		rd.names = make([]string, max(len(first), cfg.width))
		for i := range rd.names {
			rd.names[i] = "column_" + strconv.Itoa(i+1)
		}
	} else {
		rd.header = first
		h := first
		if cfg.width > len(h) {
			// RaggedExtend: a column_N for each field past the header
			h = append(append([]string(nil), h...), make([]string, cfg.width-len(h))...)
		}
		rd.names = uniqueNames(h)
	}
	rd.nfields = len(rd.names)
	rd.hdrFields = len(first)
	// projection
	idx := make([]int, 0, len(rd.names))
	if len(cfg.Columns) > 0 {
		for _, c := range cfg.Columns {
			k := rd.column(c)
			if k < 0 {
				return nil, fileErr(name, missingColumn("Options.Columns", c, rd.names))
			}
			idx = append(idx, k)
		}
	} else {
		for i := range rd.names {
			idx = append(idx, i)
		}
	}
	if !cfg.TypesSubset {
		for tn := range cfg.Types {
			if rd.column(tn) < 0 {
				return nil, fileErr(name, missingColumn("Options.Types", tn, rd.names))
			}
		}
	}
	rd.cols = make([]colPlan, len(idx))
	inf := make([]*colInfer, len(idx))
	for k := range idx {
		inf[k] = newColInfer(&cfg)
	}
	line := rd.baseLine
	for q := pos; q < len(head); {
		next, err := tok.parse(head, q)
		if err != nil {
			line += countLines(head[q:next])
			q = next
			continue // errors are reported by the real pass
		}
		rd.sampleRecs++
		for k, src := range idx {
			if src < len(tok.fields) {
				inf[k].add(tok.field(head, src), rd.na, line)
			}
		}
		line += countLines(head[q:next])
		q = next
	}
	for k, src := range idx {
		c := colPlan{src: src, name: rd.names[src], typ: frame.String}
		if inf[k].count > 0 {
			c.avg = float64(inf[k].bytes) / float64(inf[k].count)
		}
		if !cfg.Raw {
			c.typ, c.nf = inf[k].result()
			if t, ok := rd.givenType(src); ok {
				c.typ = t
			}
			if c.typ == frame.Int64 || c.typ == frame.Float64 {
				c.nf = numFormat(&cfg)
				c.auto = cfg.NAAuto
				rd.hasAuto = rd.hasAuto || c.auto
			}
		}
		if c.typ == frame.String && !cfg.NoDict {
			if d := cfg.Dicts.get(c.name); d != nil {
				c.dict = d // an earlier file's
			} else if cfg.tune.forceDict || inf[k].repeats() {
				c.dict = newStrDict(cfg.dictMax())
				cfg.Dicts.put(c.name, c.dict)
			}
			rd.hasDict = rd.hasDict || c.dict != nil
		}
		rd.cols[k] = c
	}
	if tok.stray && s.exact == nil {
		// literal quotes inside unquoted fields: quote parity cannot find
		// record ends, so split with the tokenizer
		s.exact = newTokenizer(p.delim, cfg.LazyQuotes, p.comment)
	}
	s.reset(s.start + pos)
	rd.fused = newFusedPlan(rd)
	if cfg.Keep != nil {
		kp, err := newKeepPlan(rd)
		if err != nil {
			return nil, err
		}
		rd.keep = kp
	}
	if st := rd.stats; st != nil {
		st.Header = rd.header
		st.Delimiter = rune(p.delim)
		st.Names = make([]string, len(rd.cols))
		st.Types = make([]frame.Type, len(rd.cols))
		for k, c := range rd.cols {
			st.Names[k], st.Types[k] = c.name, c.typ
		}
		for k, c := range rd.cols {
			if c.auto {
				rd.noteTokens(k, inf[k].autoTokens())
			}
		}
	}
	return rd, nil
}

// column returns the field index of a column named by its unique name or
// its header text, or -1.
func (rd *reader) column(name string) int {
	if k := indexOf(rd.names, name); k >= 0 {
		return k
	}
	if rd.header != nil {
		return indexOf(rd.header, name)
	}
	return -1
}

// givenType is Config.Types' type for field src, by unique name or header
// text.
func (rd *reader) givenType(src int) (frame.Type, bool) {
	if t, ok := rd.cfg.Types[rd.names[src]]; ok {
		return t, true
	}
	if rd.header != nil && src < len(rd.header) {
		t, ok := rd.cfg.Types[rd.header[src]]
		return t, ok
	}
	return 0, false
}

// noteTokens records tokens NAAuto read as null in output column k.
func (rd *reader) noteTokens(k int, toks []string) {
	st := rd.stats
	if st == nil || len(toks) == 0 {
		return
	}
	if st.NullTokens == nil {
		st.NullTokens = map[string][]string{}
	}
	name := rd.cols[k].name
	for _, t := range toks {
		if indexOf(st.NullTokens[name], t) < 0 {
			st.NullTokens[name] = append(st.NullTokens[name], t)
		}
	}
}

// missingColumn is the error for an option naming a column the input
// lacks: one line, with the closest names instead of the whole header.
func missingColumn(what, name string, names []string) error {
	return fmt.Errorf("readers: %s: %w", MissingColumnText(what, name, names), ErrNoColumn)
}

// MissingColumnText is the text of the error for an option (what, e.g.
// "Options.Types") naming a column the input lacks: the closest names, or
// the column count and the first and last names — never the whole header.
// The xlsx and Parquet readers use it too, so every format says it alike.
func MissingColumnText(what, name string, names []string) string {
	msg := fmt.Sprintf("%s names column %q, which the input lacks", what, name)
	if near := closeNames(name, names, 3); len(near) > 0 {
		msg += " (did you mean " + strings.Join(near, ", ") + "?)"
	} else {
		msg += fmt.Sprintf(" (it has %d columns", len(names))
		if len(names) > 0 {
			msg += fmt.Sprintf(", from %q to %q", names[0], names[len(names)-1])
		}
		msg += ")"
	}
	return msg
}

// closeNames returns up to n names within a small edit distance of name
// (or differing only in case, or holding it), closest first.
func closeNames(name string, names []string, n int) []string {
	type cand struct {
		s string
		d int
	}
	var cs []cand
	ln := strings.ToLower(name)
	for _, s := range names {
		ls := strings.ToLower(s)
		d := editDistance(ln, ls)
		limit := max(1, len(name)/3)
		switch {
		case d <= limit:
		case len(ln) >= 3 && (strings.Contains(ls, ln) || strings.Contains(ln, ls) && len(ls) >= 3):
			d = limit + 1
		default:
			continue
		}
		cs = append(cs, cand{s, d})
	}
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].d < cs[j-1].d; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
	out := make([]string, 0, n)
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, strconv.Quote(c.s))
	}
	return out
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
	// next[s] is the first suffix not yet tried for s: a header repeating
	// one name n times costs O(n), not O(n²)
	next := map[string]int{}
	for i, s := range out {
		if !used[s] {
			used[s] = true
			continue
		}
		for k := max(next[s], 2); ; k++ {
			c := s + "_" + strconv.Itoa(k)
			if !used[c] && !seen[c] {
				out[i] = c
				used[c] = true
				next[s] = k + 1
				break
			}
		}
	}
	return out
}

func (rd *reader) tokError(b []byte, recStart int, err error, baseLine int) error {
	var te *tokErr
	if errors.As(err, &te) {
		return &Error{File: rd.name, Line: baseLine + countLines(b[:recStart]), Field: te.field, Err: te.err}
	}
	return fileErr(rd.name, err)
}

// splitErr locates a splitter error: a record over the size limit starts at
// line (the first line not yet handed out).
func (rd *reader) splitErr(err error, line int) error {
	if isRecordTooLong(err) {
		return &Error{File: rd.name, Line: line, Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
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
	f                 *frame.Frame
	rows              int
	lines             int
	padded, skipped   int
	extended, trunced int
	path              uint8    // the path that parsed it (Stats.Chunks)
	nullToks          []string // NAAuto tokens read as null, as "k\x00token"
	err               *chunkErr
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

// emitFunc receives the read's frames in order (owned: the chunk passed
// through whole, so its buffers are its own), or one error.
type emitFunc func(f *frame.Frame, owned bool, err error) bool

func (rd *reader) run(ctx context.Context, emit emitFunc) {
	st := &runState{line: rd.baseLine, rc: rechunker{n: rd.cfg.chunkRows()}}
	s := rd.s
	for {
		rest := rd.pipeline(ctx, s, st, emit)
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
		s = newSplitter(rest, &rd.cfg)
		s.free = free
		s.nl = rd.s.nl
		s.exact = newTokenizer(rd.delim, rd.cfg.LazyQuotes, rd.comment)
	}
	if f := st.rc.flush(); f != nil {
		st.emitted = true
		if rd.stats != nil {
			rd.stats.Rows += int64(f.NumRows())
		}
		if !emit(f, false, nil) {
			return
		}
	}
	if !st.emitted {
		emit(rd.emptyFrame(), false, nil)
	}
}

// pipeline splits with s, parses chunks in parallel and emits them in order.
// It returns a reader of the remaining input when parsing must restart in
// exact mode, else nil (st.stopped is set when the caller must stop).
//
// At most 2×GOMAXPROCS+1 chunks are in flight: the splitter blocks when the
// consumer falls behind, and stops reading (checking between reads) once
// the consumer stops.
func (rd *reader) pipeline(ctx context.Context, s *splitter, st *runState, emit emitFunc) io.Reader {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pctx, pcancel := context.WithCancel(ctx)
	defer pcancel()
	s.done = pctx.Done()
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *job, workers)
	order := make(chan *job, workers+1)
	want := rd.cfg.chunkRows()
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
			tok := newTokenizer(rd.delim, rd.cfg.LazyQuotes, rd.comment)
			w := &worker{}
			for j := range jobs {
				if pctx.Err() != nil {
					j.res <- piece{err: &chunkErr{err: context.Canceled}}
					continue
				}
				j.res <- rd.parseChunkSafe(tok, w, j, min(want, max(j.recs, 1)))
			}
		}()
	}
	stats := rd.stats
	fail := func(err error) io.Reader {
		st.stopped = true
		emit(nil, false, err)
		return nil
	}
	// count adds a parsed piece's counts to the statistics
	count := func(pc *piece) {
		if stats == nil {
			return
		}
		stats.Padded += int64(pc.padded)
		stats.Skipped += int64(pc.skipped)
		stats.Extended += int64(pc.extended)
		stats.Truncated += int64(pc.trunced)
		stats.Chunks[pc.path]++
		for _, kt := range pc.nullToks {
			k, t, _ := strings.Cut(kt, "\x00")
			n, _ := strconv.Atoi(k)
			rd.noteTokens(n, []string{t})
		}
	}
	// out hands the frames a piece completes to the consumer
	out := func(f0 *frame.Frame) bool {
		for _, f := range st.rc.add(f0) {
			st.emitted = true
			if stats != nil {
				stats.Rows += int64(f.NumRows())
			}
			if !emit(f, f == f0, nil) {
				st.stopped = true
				return false
			}
		}
		return true
	}
	for j := range order {
		if j.err != nil {
			return fail(rd.splitErr(j.err, st.line))
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
					hp := rd.parseChunkSafe(newTokenizer(rd.delim, rd.cfg.LazyQuotes, rd.comment), &worker{}, hj, want)
					if hp.err != nil {
						he := hp.err
						return fail(&Error{File: rd.name, Line: st.line + countLines(j.chunk[:he.off]), Field: he.field, Text: he.text, Err: he.err})
					}
					count(&hp)
					if !out(hp.f) {
						return nil
					}
				}
				// collect the rest of the input, in order
				pcancel()
				<-pdone
				parts := [][]byte{j.chunk[e.off:]}
				for j2 := range order {
					if j2.err != nil {
						if errors.Is(j2.err, context.Canceled) {
							continue // the cancellation just above
						}
						return fail(rd.splitErr(j2.err, st.line))
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
				if s.eof || (s.err != nil && !errors.Is(s.err, context.Canceled)) {
					return bytes.NewReader(rest)
				}
				s.err = nil
				return io.MultiReader(bytes.NewReader(rest), s.r)
			}
			if errors.Is(e.err, context.Canceled) && ctx.Err() != nil {
				return fail(ctx.Err())
			}
			return fail(&Error{File: rd.name, Line: st.line + countLines(j.chunk[:e.off]), Field: e.field, Text: e.text, Err: e.err})
		}
		st.line += pc.lines
		if stats != nil {
			stats.Bytes += int64(len(j.chunk))
		}
		s.release(j.chunk)
		count(&pc)
		if !out(pc.f) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
	}
	return nil
}

func (rd *reader) emptyFrame() *frame.Frame {
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
		panic("readers: rechunk: " + err.Error()) // same schema by construction; recovered by no one: a bug
	}
	return out
}

func (r *rechunker) flush() *frame.Frame {
	if r.rows == 0 {
		return nil
	}
	return r.take(r.rows)
}

// parseChunkSafe parses a chunk by the first path that takes it whole: the
// block path, the fused path, else the general path. It turns a panic into
// an error: bad input must never crash a caller's process.
func (rd *reader) parseChunkSafe(tok *tokenizer, w *worker, j *job, hint int) (pc piece) {
	chunk := j.chunk
	defer func() {
		if p := recover(); p != nil {
			pc = piece{err: &chunkErr{err: fmt.Errorf("readers: internal error: %v\n%s", p, debug.Stack())}}
		}
	}()
	if fp := rd.fused; fp != nil && !rd.cfg.tune.noFused && fp.fails.Load() < 4 {
		var coll *collector
		if j.collect && j.recs >= 8 && j.recs <= hint {
			coll, hint = rd.coll, j.recs
		}
		var ok bool
		if rd.useBlock() {
			if pc, ok = rd.blockChunk(w, chunk, hint, coll, j.off); ok {
				pc.path = pathBlock
			} else {
				fp.blockFails.Add(1)
			}
		}
		if !ok {
			if pc, ok = rd.fusedChunk(w, chunk, hint, coll, j.off); ok {
				pc.path = pathFused
			} else {
				fp.fails.Add(1)
			}
		}
		if ok && w.nullToks != nil {
			pc.nullToks, w.nullToks = w.nullToks, nil
		}
	}
	if pc.f == nil {
		w.nullToks = nil
		pc = rd.generalChunk(tok, w, chunk, hint)
		if pc.f != nil {
			pc.f = rd.encodeFrame(w, pc.f)
		}
		pc.path = pathGeneral
		pc.nullToks, w.nullToks = w.nullToks, nil
	}
	if ks := rd.cfg.Keep; ks != nil && rd.keep == nil && pc.err == nil && pc.f != nil {
		f, err := ks.Filter(pc.f)
		if err != nil {
			return piece{err: &chunkErr{err: err}}
		}
		pc.f, pc.rows = f, f.NumRows()
	}
	return pc
}

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

// CloseNames returns up to n of names close to name (a small edit distance,
// a case difference or containment), quoted, closest first: the
// suggestions of a did-you-mean message.
func CloseNames(name string, names []string, n int) []string { return closeNames(name, names, n) }
