package csv

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/frame"
)

// builders for one chunk
type colBuilder struct {
	ib *frame.Int64Builder
	fb *frame.Float64Builder
	bb *frame.BoolBuilder
	sb *frame.StringBuilder
}

func (b *colBuilder) appendNull() {
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
}

func (rd *reader) typeErr(c *colPlan, f []byte, k int) *chunkErr {
	how := "inferred from the first " + strconv.Itoa(rd.sample) + " rows"
	if _, ok := rd.givenType(c.src); ok {
		how = "set by Options.Types"
	}
	return &chunkErr{field: c.src + 1, text: string(f), err: fmt.Errorf("%w: column %q is %s (%s); set Options.Types[%q] (e.g. frame.String) or a larger SampleRows (negative: whole file)",
		ErrType, c.name, c.typ, how, c.name)}
}

// generalChunk parses one chunk of whole records by the general path: the
// tokenizer splits each record into fields, and each projected field is
// converted by the parse functions into column builders. It takes every
// input the other paths give up on (ragged records, comments, lazy quotes,
// quoting and type errors), and reports errors for all of them.
func (rd *reader) generalChunk(tok *tokenizer, w *worker, chunk []byte, hint int) piece {
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
	raw := rd.cfg.Raw
	trim := rd.cfg.TrimSpace
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
		if nfi := len(tok.fields); nfi != nf || nfi > rd.hdrFields {
			pol := rd.cfg.Ragged
			switch {
			case nfi > rd.hdrFields && nfi <= nf: // RaggedExtend: within the widest record
				pc.extended++
			case pol == RaggedSkip:
				pc.skipped++
				pos = next
				continue
			case nfi < nf && pol != RaggedError:
				if nfi < rd.hdrFields {
					pc.padded++ // (RaggedExtend pads records of the header's width silently)
				}
			case nfi > nf && pol == RaggedTruncate:
				pc.trunced++
			default:
				pc.err = &chunkErr{off: pos, err: raggedErr(nfi, nf, pol), text: string(chunk[pos:min(next, len(chunk), pos+60)])}
				return pc
			}
		}
		if rd.keep != nil && !rd.generalMatch(tok, chunk) {
			pos = next
			continue
		}
		for k := range rd.cols {
			c := &rd.cols[k]
			b := &bs[k]
			if c.src >= len(tok.fields) {
				b.appendNull()
				continue
			}
			f := tok.field(chunk, c.src)
			if raw {
				b.sb.AppendBytes(f)
				continue
			}
			t := trimSpace(f)
			if na.has(t) {
				b.appendNull()
				continue
			}
			ok := true
			switch c.typ {
			case frame.Int64:
				var v int64
				if v, ok = parseInt(t, c.nf); !ok && c.auto && isAutoNA(t) {
					w.noteNull(k, t)
					b.ib.AppendNull()
					ok = true
					break
				}
				b.ib.Append(v)
			case frame.Float64:
				var v float64
				if v, ok = parseFloat(t, c.nf); !ok && c.auto && isAutoNA(t) {
					w.noteNull(k, t)
					b.fb.AppendNull()
					ok = true
					break
				}
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

func newNASet(cfg *Config) naSet {
	var s naSet
	for tok := range cfg.naTokens() {
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

// raggedErr is the error for a record of n fields where the header has
// want, under a policy that does not accept it.
func raggedErr(n, want int, pol Ragged) error {
	hint := "ragged policies: pad, extend, truncate, skip"
	if pol == RaggedPad && n > want {
		hint = `ragged policy "pad" pads short records only; "extend" keeps the extra fields as new columns, "truncate" drops them`
	}
	return fmt.Errorf("%w: record has %d fields, header has %d (%s)", ErrFieldCount, n, want, hint)
}

// noteNull records that NAAuto read token t as null in output column k.
func (w *worker) noteNull(k int, t []byte) {
	for _, s := range w.nullToks {
		if kk, tok, _ := strings.Cut(s, "\x00"); kk == strconv.Itoa(k) && tok == string(t) {
			return
		}
	}
	w.nullToks = append(w.nullToks, strconv.Itoa(k)+"\x00"+string(t))
}
