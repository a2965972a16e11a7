package csv

import (
	"bytes"
	"errors"
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
	comment []byte // a line starting with it is skipped (nil: none)
	cls     [256]uint8
	fields  []span
	esc     []byte
	key     []byte // scratch for KeyFilter keys
	// stray is set once a quote is seen inside an unquoted field (literal
	// text, but it makes quote parity unreliable for splitting).
	stray bool
}

func newTokenizer(delim byte, lazy bool, comment []byte) *tokenizer {
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
		if t.comment != nil && c == t.comment[0] && bytes.HasPrefix(b[i:], t.comment) {
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
