package csv

import (
	"context"
	"io"
	"iter"
)

// Records reads r as raw records (readers.Records): every record, the
// header included, as the exact field text, ragged records unpadded. Only
// the dialect settings apply (Delimiter, Encoding, LazyQuotes, Comment,
// SkipRows, HeaderRow, MaxRecordBytes).
func Records(ctx context.Context, r io.Reader, cfg Config) iter.Seq2[[]string, error] {
	return func(yield func([]string, error) bool) {
		p, err := prepare(ctx, source{r: r}, &cfg)
		if err != nil {
			yield(nil, fileErr(cfg.Name, err))
			return
		}
		s := p.s
		tok := newTokenizer(p.delim, cfg.LazyQuotes, p.comment)
		s.exact = newTokenizer(p.delim, cfg.LazyQuotes, p.comment) // serial anyway: exact splitting
		line := 1 + p.skipped
		first := true // the first record: alone, under the header's limit
		for {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			want := 1 << 12
			if first {
				s.headerLimit(!cfg.NoHeader, cfg.maxRecord())
				want = 1
			} else {
				s.headerLimit(false, cfg.maxRecord())
			}
			chunk, err := s.next(want)
			if err != nil {
				if isRecordTooLong(err) {
					err = &Error{File: cfg.Name, Line: line, Err: err}
				} else {
					err = fileErr(cfg.Name, err)
				}
				yield(nil, err)
				return
			}
			if chunk == nil {
				return
			}
			pos := 0
			for pos < len(chunk) {
				next, err := tok.parse(chunk, pos)
				if err == errSkip {
					pos = next
					continue
				}
				if err != nil {
					te := err.(*tokErr)
					yield(nil, &Error{File: cfg.Name, Line: line + countLines(chunk[:pos]), Field: te.field, Err: te.err})
					return
				}
				first = false
				rec := make([]string, len(tok.fields))
				for i := range rec {
					rec[i] = string(tok.field(chunk, i))
				}
				if !yield(rec, nil) {
					return
				}
				pos = next
			}
			line += countLines(chunk)
		}
	}
}
