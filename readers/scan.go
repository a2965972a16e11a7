package readers

import (
	"bytes"
	"errors"
	"io"
)

// Character classes of the tokenizer's lookup table.
const (
	clsNone uint8 = iota
	clsDelim
	clsLF
	clsCR
	clsQuote
)

// span locates a field: block[s:e], or esc[-s-1:e] when s < 0 (a quoted
// field whose doubled quotes were collapsed into the escape buffer).
type span struct{ s, e int32 }

// tokenizer splits records into fields. It holds no reference to the input
// beyond one record.
type tokenizer struct {
	delim   byte
	quote   byte
	lazy    bool
	comment byte
	cls     [256]uint8
	fields  []span
	esc     []byte
	key     []byte // scratch for KeyFilter keys
	// stray is set once a quote is seen inside an unquoted field (literal
	// text, but it makes quote parity unreliable for splitting).
	stray bool
}

func newTokenizer(delim byte, lazy bool, comment byte) *tokenizer {
	t := &tokenizer{delim: delim, quote: '"', lazy: lazy, comment: comment}
	t.cls[delim] = clsDelim
	t.cls['\n'] = clsLF
	t.cls['\r'] = clsCR
	t.cls['"'] = clsQuote
	return t
}

// field returns the bytes of field i of the last record parsed from b.
func (t *tokenizer) field(b []byte, i int) []byte {
	sp := t.fields[i]
	if sp.s < 0 {
		return t.esc[-sp.s-1 : sp.e]
	}
	return b[sp.s:sp.e]
}

// tokErr is a tokenizer error: the sentinel and the 1-based field number.
type tokErr struct {
	err   error
	field int
	// overrun: a quoted field ran to the end of the input without its
	// closing quote (or, in a chunk, past the chunk's end).
	overrun bool
}

func (e *tokErr) Error() string { return e.err.Error() }

// errSkip marks a blank or comment line: no record.
var errSkip = errors.New("skip")

// parse parses the record starting at b[pos]; b holds whole records (the last
// one may lack a terminator). It returns the position after the record's line
// terminator. A blank or comment line returns errSkip; a quoting violation a
// *tokErr wrapping ErrQuote.
func (t *tokenizer) parse(b []byte, pos int) (int, error) {
	t.fields = t.fields[:0]
	t.esc = t.esc[:0]
	n := len(b)
	i := pos
	if i < n {
		c := b[i]
		if c == '\n' {
			return i + 1, errSkip
		}
		if c == '\r' {
			if i+1 < n && b[i+1] == '\n' {
				return i + 2, errSkip
			}
			return i + 1, errSkip
		}
		if t.comment != 0 && c == t.comment {
			for i < n && b[i] != '\n' && b[i] != '\r' {
				i++
			}
			if i < n && b[i] == '\r' && i+1 < n && b[i+1] == '\n' {
				i++
			}
			if i < n {
				i++
			}
			return i, errSkip
		}
	}
	cls := &t.cls
	for {
		if i < n && b[i] == t.quote {
			// quoted field
			j := i + 1
			seg := j
			escStart := -1
			for {
				k := bytes.IndexByte(b[j:], t.quote)
				if k < 0 {
					if !t.lazy {
						return n, &tokErr{ErrQuote, len(t.fields) + 1, true}
					}
					// lazy: the field runs to the end of the input
					t.addQuoted(b, seg, n, escStart)
					return n, nil
				}
				q := j + k
				if q+1 < n && b[q+1] == t.quote {
					if escStart < 0 {
						escStart = len(t.esc)
					}
					t.esc = append(t.esc, b[seg:q+1]...)
					j = q + 2
					seg = j
					continue
				}
				if q+1 >= n || cls[b[q+1]] == clsDelim || cls[b[q+1]] == clsLF || cls[b[q+1]] == clsCR {
					t.addQuoted(b, seg, q, escStart)
					i = q + 1
					break
				}
				if !t.lazy {
					return q + 1, &tokErr{err: ErrQuote, field: len(t.fields) + 1}
				}
				// lazy: a quote followed by text is literal
				j = q + 1
			}
		} else {
			j := i
			for j < n {
				c := cls[b[j]]
				if c == clsNone {
					j++
					continue
				}
				if c == clsQuote {
					// a quote inside an unquoted field is literal text
					t.stray = true
					j++
					continue
				}
				break
			}
			t.fields = append(t.fields, span{int32(i), int32(j)})
			i = j
		}
		if i >= n {
			return n, nil
		}
		switch b[i] {
		case '\n':
			return i + 1, nil
		case '\r':
			if i+1 < n && b[i+1] == '\n' {
				return i + 2, nil
			}
			return i + 1, nil
		}
		i++ // delimiter
	}
}

func (t *tokenizer) addQuoted(b []byte, seg, end, escStart int) {
	if escStart < 0 {
		t.fields = append(t.fields, span{int32(seg), int32(end)})
		return
	}
	t.esc = append(t.esc, b[seg:end]...)
	t.fields = append(t.fields, span{int32(-escStart - 1), int32(len(t.esc))})
}

// countLines counts line terminators (CRLF, LF, lone CR) in b.
func countLines(b []byte) int {
	if bytes.IndexByte(b, '\r') < 0 {
		return bytes.Count(b, []byte{'\n'})
	}
	n := bytes.Count(b, []byte{'\n'})
	if cr := bytes.Count(b, []byte{'\r'}); cr > 0 {
		n += cr - bytes.Count(b, []byte("\r\n"))
	}
	return n
}

// splitter cuts an input stream into chunks of whole records. In the fast
// mode it finds record ends by the parity of quotes before each newline (a
// newline after an odd number of quotes is inside a quoted field), which is
// exact for every input that quotes by RFC 4180 rules; input that breaks
// them fails in the tokenizer of the chunk holding the first violation,
// before any misplaced cut matters. LazyQuotes and Comment use the exact
// (serial tokenizer) mode, since stray quotes break parity.
type splitter struct {
	r      io.Reader
	buf    []byte // data is buf[:n]
	n      int
	start  int // start of the current chunk
	scan   int // record boundary reached by scanning
	recs   int // records between start and scan
	parity int
	eof    bool
	err    error
	nl     byte
	exact  *tokenizer
	read   int64 // bytes read from r
	// readSize is the size of each read.
	readSize int
	// maxChunk caps a chunk's bytes (records permitting).
	maxChunk int
	free     chan []byte
	// whole: buf is the entire input (a mapped file), cut into chunks in
	// place, never copied nor recycled.
	whole bool
	// lastRecs is the number of records counted in the chunk next returned
	// last (one more when it was cut at EOF): a size hint.
	lastRecs int
}

func newSplitter(r io.Reader, readSize, maxChunk int) *splitter {
	return &splitter{r: r, nl: '\n', readSize: readSize, maxChunk: maxChunk, buf: make([]byte, 0, readSize)}
}

// fill reads one more piece of input; it reports false at EOF or error.
func (s *splitter) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	if cap(s.buf)-s.n < s.readSize {
		nb := make([]byte, s.n, max(2*cap(s.buf), s.n+s.readSize))
		copy(nb, s.buf[:s.n])
		s.buf = nb
	}
	s.buf = s.buf[:cap(s.buf)]
	m, err := io.ReadAtLeast(s.r, s.buf[s.n:s.n+s.readSize], 1)
	s.n += m
	s.read += int64(m)
	s.buf = s.buf[:s.n]
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			s.eof = true
		} else {
			s.err = err
		}
		return m > 0
	}
	return true
}

// scanTo advances scan until recs reaches want or the buffered data ends.
func (s *splitter) scanTo(want int) {
	b := s.buf[:s.n]
	if s.exact != nil {
		for s.recs < want && s.scan < s.n {
			next, err := s.exact.parse(b, s.scan)
			if next >= s.n && !s.eof {
				return // possibly incomplete record
			}
			// a record with an error is cut like any other, one byte past
			// the point of failure so that the chunk still holds the
			// offending byte (a quote followed by text): the worker parsing
			// it reports the error
			if te, ok := err.(*tokErr); ok && !te.overrun && next < s.n {
				next++
			}
			s.scan = next
			s.recs++
		}
		return
	}
	for s.recs < want || s.parity != 0 {
		if s.parity == 0 {
			// whole lines a block at a time: two vector passes (line ends,
			// quotes) instead of calls per line; a line break inside a
			// quoted field is counted as a record here (recs is a size
			// hint), and an odd quote count continues line by line below
			// until the quoted field closes, so cuts stay at record ends
			rest := b[s.scan:]
			blk := rest[:min(len(rest), 1<<16)]
			if last := bytes.LastIndexByte(blk, s.nl); last >= 0 {
				blk = blk[:last+1]
				c := bytes.Count(blk, []byte{s.nl})
				if need := want - s.recs; c > need {
					// the chunk ends inside this block: take need lines
					e := 0
					for range need {
						e += bytes.IndexByte(blk[e:], s.nl) + 1
					}
					blk, c = blk[:e], need
				}
				s.parity = bytes.Count(blk, []byte{'"'}) & 1
				s.scan += len(blk)
				s.recs += c
				if s.parity != 0 {
					s.recs-- // the last line ends inside a quoted field
				}
				continue
			}
			if len(blk) == len(rest) {
				return // no whole line buffered
			}
			// a line longer than the block: one at a time
		}
		k := bytes.IndexByte(b[s.scan:], s.nl)
		if k < 0 {
			return
		}
		seg := b[s.scan : s.scan+k]
		if s.parity == 0 && bytes.IndexByte(seg, '"') < 0 {
			s.scan += k + 1
			s.recs++
			continue
		}
		s.parity ^= bytes.Count(seg, []byte{'"'}) & 1
		s.scan += k + 1
		if s.parity == 0 {
			s.recs++
		}
	}
}

// peek returns the buffered data from the chunk start holding up to want
// records (fewer at EOF), without consuming it.
func (s *splitter) peek(want int) []byte {
	for {
		s.scanTo(want)
		if s.recs >= want || s.eof || s.err != nil {
			break
		}
		if !s.fill() {
			if s.exact != nil {
				s.scanTo(want)
			}
			break
		}
	}
	if s.recs < want && (s.eof || s.err != nil) {
		return s.buf[s.start:s.n]
	}
	return s.buf[s.start:s.scan]
}

// reset restarts scanning at pos (an absolute buffer position at a record
// start).
func (s *splitter) reset(pos int) {
	s.start, s.scan, s.recs, s.parity = pos, pos, 0, 0
}

// next cuts the next chunk of up to want records. It returns nil at the end
// of input. The chunk's buffer belongs to the caller (see release).
func (s *splitter) next(want int) ([]byte, error) {
	for s.recs < want {
		s.scanTo(want)
		if s.recs >= want {
			break
		}
		if s.scan-s.start >= s.maxChunk && s.recs > 0 {
			break
		}
		if !s.fill() {
			if s.err != nil {
				return nil, s.err
			}
			// EOF: the rest is the last chunk
			if s.exact != nil {
				s.scanTo(want)
				if s.recs >= want {
					break
				}
			}
			s.scan = s.n
			break
		}
	}
	if s.scan == s.start {
		if s.err != nil {
			return nil, s.err
		}
		return nil, nil
	}
	chunk := s.buf[s.start:s.scan]
	s.lastRecs = s.recs
	if s.scan == s.n && s.recs < want {
		s.lastRecs++
	}
	if s.whole {
		s.start, s.recs, s.parity = s.scan, 0, 0
		return chunk[:len(chunk):len(chunk)], nil
	}
	// move the leftover into a fresh buffer
	left := s.n - s.scan
	size := max(s.readSize+left, min((s.scan-s.start)*9/8, s.maxChunk)+s.readSize)
	var nb []byte
	select {
	case nb = <-s.free:
		if cap(nb) < size {
			nb = make([]byte, 0, size)
		}
	default:
		nb = make([]byte, 0, size)
	}
	nb = append(nb[:0], s.buf[s.scan:s.n]...)
	s.buf = nb
	s.n = left
	s.start, s.scan, s.recs, s.parity = 0, 0, 0, 0
	return chunk, nil
}

// consumed is the number of input bytes before the next chunk.
func (s *splitter) consumed() int64 {
	if s.whole {
		return int64(s.start)
	}
	return s.read - int64(s.n)
}

// release returns a chunk's buffer for reuse.
func (s *splitter) release(chunk []byte) {
	if s.whole {
		dropPages(chunk)
		return
	}
	if s.free == nil {
		return
	}
	select {
	case s.free <- chunk[:0:cap(chunk)]:
	default:
	}
}
