package readers

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/sluicedata/sluice/frame"
)

// Candidate type bits of a column under inference.
const (
	canInt uint8 = 1 << iota
	canFloat
	canBool
	canDate
	canDatetime
	canAll = canInt | canFloat | canBool | canDate | canDatetime
)

// numFormat is the number format options select: the thousands separator
// (given, or ',' — '.' with DecimalComma — in auto mode, where strict
// grouping keeps non-grouped text out) and the decimal mark.
func numFormat(opt Options) numFmt {
	nf := numFmt{decimal: '.'}
	if opt.DecimalComma {
		nf.decimal = ','
	}
	switch {
	case opt.Thousands > 0 && opt.Thousands < 128:
		nf.thousands = byte(opt.Thousands)
	case opt.Thousands == 0 && opt.DecimalComma:
		nf.thousands = '.'
	case opt.Thousands == 0:
		nf.thousands = ','
	}
	if nf.thousands == nf.decimal {
		nf.thousands = 0
	}
	return nf
}

// colInfer accumulates one column's evidence.
type colInfer struct {
	bytes   int // total field bytes seen (for sizing string buffers)
	count   int
	can     uint8
	nonNull int
	nulls   int
	example string
	nf      numFmt
	// distinct non-null values seen, up to a bound (nil past it)
	distinct map[string]struct{}
}

func newColInfer(opt Options) *colInfer {
	return &colInfer{can: canAll, nf: numFormat(opt), distinct: map[string]struct{}{}}
}

// repeats reports whether the sample's values repeat enough for a
// dictionary (see dictMinRepeat).
func (c *colInfer) repeats() bool {
	return c.distinct != nil && c.nonNull >= dictMinSample && len(c.distinct)*dictMinRepeat <= c.nonNull
}

func (c *colInfer) add(f []byte, na naSet) {
	c.bytes += len(f)
	c.count++
	t := trimSpace(f)
	if na.has(t) {
		c.nulls++
		return
	}
	if c.nonNull == 0 {
		c.example = string(f)
	}
	c.nonNull++
	if c.distinct != nil {
		if _, ok := c.distinct[string(f)]; !ok {
			if len(c.distinct) >= DefaultSampleRows/dictMinRepeat {
				c.distinct = nil
			} else {
				c.distinct[string(f)] = struct{}{}
			}
		}
	}
	if c.can == 0 {
		return
	}
	if c.can&canInt != 0 {
		if _, ok := parseInt(t, c.nf); !ok {
			c.can &^= canInt
		}
	}
	if c.can&canFloat != 0 {
		if _, ok := parseFloat(t, c.nf); !ok {
			c.can &^= canFloat
		}
	}
	if c.can&canBool != 0 {
		if _, ok := parseBool(t); !ok {
			c.can &^= canBool
		}
	}
	if c.can&canDate != 0 {
		if _, ok := parseDate(t); !ok {
			c.can &^= canDate
		}
	}
	if c.can&canDatetime != 0 {
		if _, ok := parseDatetime(t); !ok {
			if _, ok := parseDate(t); !ok {
				c.can &^= canDatetime
			}
		}
	}
}

// result is the inferred type: Int64, Float64, Bool, Date, Datetime in that
// order of preference, else String (also for a column with no non-null
// value, which no later value can break).
func (c *colInfer) result() (frame.Type, numFmt) {
	switch {
	case c.nonNull == 0:
		return frame.String, c.nf
	case c.can&canInt != 0:
		return frame.Int64, c.nf
	case c.can&canFloat != 0:
		return frame.Float64, c.nf
	case c.can&canBool != 0:
		return frame.Bool, c.nf
	case c.can&canDate != 0:
		return frame.Date, c.nf
	case c.can&canDatetime != 0:
		return frame.Datetime, c.nf
	}
	return frame.String, c.nf
}

// ColumnInfo describes one column as Infer sees it.
type ColumnInfo struct {
	Name    string     // unique column name
	Type    frame.Type // inferred type, or the one Options.Types gives
	Nulls   int        // NA values among the rows looked at
	Example string     // first non-NA value's text, "" if none
}

// Infer returns the columns of the file at path with their inferred types,
// NA counts and an example value, looking at opt.SampleRows data rows
// (default DefaultSampleRows; negative: the whole file, so types and null
// counts are exact, like pandas' info()). Only CSV-family files are
// supported (Open's extensions other than registered formats).
func Infer(ctx context.Context, path string, opt Options) ([]ColumnInfo, error) {
	f, r, err := openCSVFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if defaultsTab(path) && opt.Delimiter == 0 {
		opt.Delimiter = '\t'
	}
	return inferReader(ctx, r, opt, path)
}

// inferReader infers column types from r (opt.SampleRows rows; negative: all).
func inferReader(ctx context.Context, r io.Reader, opt Options, name string) ([]ColumnInfo, error) {
	s, delim, err := prepare(r, opt)
	if err != nil {
		return nil, fileErr(name, err)
	}
	limit := opt.SampleRowsOrDefault()
	tok := newTokenizer(delim, opt.LazyQuotes, opt.commentByte())
	s.exact = newTokenizer(delim, opt.LazyQuotes, opt.commentByte()) // serial anyway: exact splitting
	na := newNASet(opt)
	var names, header []string
	var inf []*colInfer
	rows := 0
	line := 1
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		chunk, err := s.next(1 << 14)
		if err != nil {
			return nil, fileErr(name, err)
		}
		if chunk == nil {
			break
		}
		pos := 0
		for pos < len(chunk) && (limit < 0 || rows < limit) {
			next, err := tok.parse(chunk, pos)
			if err == errSkip {
				pos = next
				continue
			}
			if err != nil {
				if te, ok := err.(*tokErr); ok {
					return nil, &ParseError{File: name, Line: line + countLines(chunk[:pos]), Column: te.field, Err: te.err}
				}
				return nil, fileErr(name, err)
			}
			if names == nil {
				first := make([]string, len(tok.fields))
				for i := range first {
					first[i] = string(tok.field(chunk, i))
				}
				if opt.NoHeader {
					names = make([]string, len(first))
					for i := range names {
						names[i] = "column_" + strconv.Itoa(i+1)
					}
				} else {
					header = first
					names = uniqueNames(first)
				}
				inf = make([]*colInfer, len(names))
				for i := range inf {
					inf[i] = newColInfer(opt)
				}
				if !opt.NoHeader {
					pos = next
					continue
				}
			}
			for i := range min(len(tok.fields), len(inf)) {
				inf[i].add(tok.field(chunk, i), na)
			}
			rows++
			pos = next
		}
		line += countLines(chunk)
		if limit >= 0 && rows >= limit {
			break
		}
	}
	if names == nil {
		return nil, &ParseError{File: name, Err: ErrEmpty}
	}
	out := make([]ColumnInfo, len(names))
	for i, n := range names {
		t, _ := inf[i].result()
		if opt.Raw {
			t = frame.String
		}
		if ot, ok := opt.Types[n]; ok {
			t = ot
		} else if header != nil {
			if ot, ok := opt.Types[header[i]]; ok {
				t = ot
			}
		}
		out[i] = ColumnInfo{Name: n, Type: t, Nulls: inf[i].nulls, Example: inf[i].example}
	}
	return out, nil
}

// String formats the column as "name type (N nulls, e.g. text)".
func (c ColumnInfo) String() string {
	return fmt.Sprintf("%s %s (%d nulls, e.g. %q)", c.Name, c.Type, c.Nulls, c.Example)
}
