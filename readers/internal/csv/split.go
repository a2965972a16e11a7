package csv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
)

// splitter cuts an input stream into chunks of whole records. In the parity
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
	// maxRecord caps one record's bytes: a longer one is an error
	// wrapping ErrTooLarge, found before more than that is buffered.
	maxRecord int
	// header: maxRecord is the (lower) limit of the lines before the
	// first record (see headerLimit).
	header bool
	// done, when closed, stops reading (the consumer has gone).
	done <-chan struct{}
	// bound is the start of the record being scanned (scan, unless inside
	// a quoted field); seen is how far a line end was searched for in
	// vain; tried is the size of the record the exact tokenizer last found
	// unfinished.
	bound, seen, tried int
	free               chan []byte
	// whole: buf is the entire input (a mapped file), cut into chunks in
	// place, never copied nor recycled.
	whole bool
	// lastRecs is the number of records counted in the chunk next returned
	// last (one more when it was cut at EOF): a size hint.
	lastRecs int
}

func newSplitter(r io.Reader, cfg *Config) *splitter {
	rs := cfg.readSize()
	return &splitter{r: r, nl: '\n', readSize: rs, maxChunk: cfg.maxChunk(), maxRecord: cfg.maxRecord(), buf: make([]byte, 0, rs)}
}

// fill reads one more piece of input; it reports false at EOF or error
// (context.Canceled once done is closed).
func (s *splitter) fill() bool {
	if s.eof || s.err != nil {
		return false
	}
	select {
	case <-s.done:
		s.err = context.Canceled
		return false
	default:
	}
	if s.tooLarge() {
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
// bound follows the start of the record scanning is in.
func (s *splitter) scanTo(want int) {
	b := s.buf[:s.n]
	if s.exact != nil {
		for s.recs < want && s.scan < s.n {
			if !s.eof && s.tried > 0 && s.n-s.scan < 2*s.tried {
				// the record did not end in the data tried last time:
				// try again once the data has doubled, so a long record
				// is parsed a bounded number of times
				return
			}
			next, err := s.exact.parse(b, s.scan)
			if next >= s.n && !s.eof {
				s.tried = s.n - s.scan
				return // possibly incomplete record
			}
			s.tried = 0
			if next-s.scan > s.maxRecord {
				if s.err == nil {
					s.err = s.errTooLarge()
				}
				return
			}
			// a record with an error is cut like any other, one byte past
			// the point of failure so that the chunk still holds the
			// offending byte (a quote followed by text): the worker parsing
			// it reports the error
			if te, ok := err.(*tokErr); ok && !te.overrun && next < s.n {
				next++
			}
			s.scan = next
			s.bound = next
			s.recs++
		}
		return
	}
	for s.recs < want || s.parity != 0 {
		if s.parity == 0 && s.maxRecord >= 1<<16 {
			// whole lines a block at a time (records of up to 64 KiB: the
			// line-by-line loop below checks longer ones against the limit): two vector passes (line ends,
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
				if s.parity != 0 {
					s.recs-- // the last line ends inside a quoted field
					s.bound = s.scan + openRecord(blk, s.nl)
				}
				s.scan += len(blk)
				s.recs += c
				if s.parity == 0 {
					s.bound = s.scan
				}
				continue
			}
			if len(blk) == len(rest) {
				return // no whole line buffered
			}
			// a line longer than the block: one at a time
		}
		from := max(s.scan, s.seen)
		if from-s.bound > s.maxRecord {
			return // over the limit already: next and peek report it
		}
		lim := min(s.n, s.bound+s.maxRecord+1)
		k := bytes.IndexByte(b[from:lim], s.nl)
		if k < 0 {
			s.seen = lim // no line end up to here: do not search it again
			return
		}
		k += from - s.scan
		seg := b[s.scan : s.scan+k]
		if s.parity == 0 && bytes.IndexByte(seg, '"') < 0 {
			s.scan += k + 1
			s.bound = s.scan
			s.recs++
			continue
		}
		s.parity ^= bytes.Count(seg, []byte{'"'}) & 1
		s.scan += k + 1
		if s.parity == 0 {
			s.bound = s.scan
			s.recs++
		}
	}
}

// openRecord returns the start of the record left open at the end of blk
// (whole lines, an odd number of quotes in all): the last line start at
// which the quotes before it are even.
func openRecord(blk []byte, nl byte) int {
	par, start := 0, 0
	for i := 0; i < len(blk); {
		j := bytes.IndexByte(blk[i:], nl)
		if j < 0 {
			break
		}
		if par == 0 {
			start = i
		}
		par ^= bytes.Count(blk[i:i+j+1], []byte{'"'}) & 1
		i += j + 1
	}
	return start
}

// pendingCut is the size of an unfinished record past which the whole
// records before it are handed out as a chunk rather than held until it
// ends: a consumer of the first rows does not wait for a giant record.
const pendingCut = 4 << 20

// tooLarge reports (and records in err) a pending record over the limit.
func (s *splitter) tooLarge() bool {
	if s.n-s.bound <= s.maxRecord {
		return false
	}
	if s.err == nil || errors.Is(s.err, io.EOF) {
		s.err = s.errTooLarge()
	}
	return true
}

func (s *splitter) errTooLarge() error { return &recordTooLong{s.maxRecord, s.header} }

// recordTooLong is the splitter's error for a record over the limit.
type recordTooLong struct {
	limit  int
	header bool // the header (or a line skipped before it)
}

func (e *recordTooLong) Error() string {
	if e.header {
		return fmt.Sprintf("a header or title line longer than %d bytes (no line end? a binary file?): %v", e.limit, ErrTooLarge)
	}
	return fmt.Sprintf("a record longer than %d bytes (Options.MaxRecordBytes; no line end, or an unclosed quote): %v", e.limit, ErrTooLarge)
}

func (e *recordTooLong) Unwrap() error { return ErrTooLarge }

// peek returns the buffered data from the chunk start holding up to want
// records (fewer at EOF), without consuming it. It stops early, with the
// whole records it has, once they hold maxBytes or an unfinished record
// holds pendingCut bytes; it fails when not even one record fits the
// record limit.
func (s *splitter) peek(want, maxBytes int) ([]byte, error) {
	for {
		s.scanTo(want)
		if s.recs >= want || s.err != nil {
			break
		}
		if s.recs > 0 && (s.scan-s.start >= maxBytes || s.n-s.bound >= pendingCut) {
			break
		}
		if s.recs == 0 && s.tooLarge() {
			break
		}
		if !s.fill() {
			if s.exact != nil {
				s.scanTo(want)
			}
			break
		}
	}
	if s.recs == 0 && s.err == nil {
		s.tooLarge()
	}
	if s.err != nil && s.recs == 0 {
		return nil, s.err
	}
	if s.recs < want && s.eof && s.err == nil {
		return s.buf[s.start:s.n], nil
	}
	return s.buf[s.start:s.scan], nil
}

// skipLines skips n physical lines (LF, CRLF or a lone CR ends one) from
// the chunk start, whatever their quotes; it returns how many it skipped
// (fewer at the end of input).
func (s *splitter) skipLines(n int) (int, error) {
	skipped := 0
	p := s.start
	for skipped < n {
		i := bytes.IndexAny(s.buf[p:s.n], "\r\n")
		if i >= 0 && (s.buf[p+i] == '\n' || p+i+1 < s.n || s.eof) {
			q := p + i
			if s.buf[q] == '\r' && q+1 < s.n && s.buf[q+1] == '\n' {
				q++
			}
			p = q + 1
			skipped++
			continue
		}
		// no line end (or a CR that may precede an LF): read on
		s.reset(p)
		if s.tooLarge() {
			return skipped, s.err
		}
		if !s.fill() {
			if s.err != nil {
				return skipped, s.err
			}
			if i < 0 {
				if p < s.n {
					p = s.n // the last line, unterminated
					skipped++
				}
				break
			}
		}
	}
	s.reset(p)
	return skipped, nil
}

// reset restarts scanning at pos (an absolute buffer position at a record
// start).
func (s *splitter) reset(pos int) {
	s.start, s.scan, s.recs, s.parity, s.bound, s.seen, s.tried = pos, pos, 0, 0, pos, 0, 0
}

// next cuts the next chunk of up to want records. It returns nil at the end
// of input. The chunk's buffer belongs to the caller (see release). Whole
// records before an error are handed out first; the error comes next.
func (s *splitter) next(want int) ([]byte, error) {
	for s.recs < want {
		s.scanTo(want)
		if s.recs >= want {
			break
		}
		if s.recs > 0 && (s.scan-s.start >= s.maxChunk || s.n-s.bound >= pendingCut) {
			break
		}
		if s.tooLarge() {
			break
		}
		if !s.fill() {
			if s.err != nil {
				break
			}
			// EOF: the rest is the last chunk
			if s.exact != nil {
				s.scanTo(want)
				if s.recs >= want {
					break
				}
			}
			if s.tooLarge() {
				break
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
		s.reset(s.scan)
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
	seen, tried := max(s.seen-s.scan, 0), s.tried
	s.buf = nb
	s.n = left
	s.reset(0)
	s.seen, s.tried = seen, tried
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

// isRecordTooLong reports whether err is the splitter's record limit (as
// opposed to a limit of the input stream, which locates no line).
func isRecordTooLong(err error) bool {
	var long *recordTooLong
	return errors.As(err, &long)
}

// maxHeaderBytes caps the header line and the lines skipped before it: a
// real header is kilobytes long, and a file whose first line never ends
// (a decompression bomb, a binary file) is refused after this much.
const maxHeaderBytes = 16 << 20

// headerLimit applies the header's limit (on) or restores the record
// limit (off).
func (s *splitter) headerLimit(on bool, record int) {
	s.header = on
	s.maxRecord = record
	if on {
		s.maxRecord = min(record, maxHeaderBytes)
	}
}
