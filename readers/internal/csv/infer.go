package csv

import (
	"context"
	"errors"
	"io"
	"slices"
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

// numFormat is the number format a config selects: the thousands separator
// (given, or ',' — '.' with DecimalComma — in auto mode, where strict
// grouping keeps non-grouped text out) and the decimal mark.
func numFormat(cfg *Config) numFmt {
	nf := numFmt{decimal: '.'}
	if cfg.DecimalComma {
		nf.decimal = ','
	}
	switch {
	case cfg.Thousands > 0 && cfg.Thousands < 128:
		nf.thousands = byte(cfg.Thousands)
	case cfg.Thousands == 0 && cfg.DecimalComma:
		nf.thousands = '.'
	case cfg.Thousands == 0:
		nf.thousands = ','
	}
	if nf.thousands == nf.decimal {
		nf.thousands = 0
	}
	return nf
}

// leadingZero reports whether the number text t has an integer part of more
// than one digit that starts with 0 ("007", "-01", "00.5", "0,123"): a code
// (ZIP, FIPS, NAICS) rather than a quantity, which inference keeps as text.
func leadingZero(t []byte, nf numFmt) bool {
	if len(t) > 0 && (t[0] == '-' || t[0] == '+') {
		t = t[1:]
	}
	return len(t) >= 2 && t[0] == '0' && (t[1]-'0' <= 9 || (t[1] == nf.thousands && nf.thousands != 0))
}

// isAutoNA reports whether the (trimmed) token t is what NAAuto reads as
// null in a numeric column: one to three ASCII punctuation characters
// ("*", "#", "**", "-", "...", "(X)" is not: see below), or one or two
// capital letters in parentheses, the US Census markers "(X)", "(D)",
// "(NA)", "(S)", "(Z)".
func isAutoNA(t []byte) bool {
	n := len(t)
	if n >= 3 && n <= 4 && t[0] == '(' && t[n-1] == ')' {
		for _, c := range t[1 : n-1] {
			if c < 'A' || c > 'Z' {
				return false
			}
		}
		return true
	}
	if n == 0 || n > 3 {
		return false
	}
	for _, c := range t {
		if !(c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~') {
			return false
		}
	}
	return true
}

// Token is a value inference saw: its text, how often, and the line of its
// first occurrence.
type Token struct {
	Text  string
	Count int
	Line  int
}

// tokenCount counts distinct tokens up to a bound.
type tokenCount struct {
	toks []Token
	more int // occurrences of distinct tokens past the bound
}

const maxTokens = 32

// add counts t; it reports false once t is new and the bound is reached.
func (tc *tokenCount) add(t []byte, line int) bool {
	for i := range tc.toks {
		if tc.toks[i].Text == string(t) {
			tc.toks[i].Count++
			return true
		}
	}
	if len(tc.toks) == maxTokens {
		tc.more++
		return false
	}
	tc.toks = append(tc.toks, Token{Text: string(t), Count: 1, Line: line})
	return true
}

// sorted returns the tokens, most frequent first (first seen first on ties).
func (tc *tokenCount) sorted() []Token {
	out := slices.Clone(tc.toks)
	slices.SortStableFunc(out, func(a, b Token) int { return b.Count - a.Count })
	return out
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
	// NAAuto: the short non-numeric tokens seen (nulls if the column turns
	// out numeric)
	auto        bool
	autoToks    tokenCount
	autoExample string // the first such token, the example of a text column
	// why a column is text: values that are numbers (ints: integers) or
	// dates, and the tokens that are not, while explain holds (it stops
	// once both lists overflow: a text column)
	explain          bool
	nums, ints, date int
	numBad, dateBad  tokenCount
}

func newColInfer(cfg *Config) *colInfer {
	return &colInfer{can: canAll, nf: numFormat(cfg), distinct: map[string]struct{}{}, auto: cfg.NAAuto, explain: true}
}

// repeats reports whether the sample's values repeat enough for a
// dictionary (see dictMinRepeat).
func (c *colInfer) repeats() bool {
	return c.distinct != nil && c.nonNull >= dictMinSample && len(c.distinct)*dictMinRepeat <= c.nonNull
}

// add adds one field's text, found on the given line.
func (c *colInfer) add(f []byte, na naSet, line int) {
	c.bytes += len(f)
	c.count++
	t := trimSpace(f)
	if na.has(t) {
		c.nulls++
		return
	}
	if c.auto && isAutoNA(t) {
		c.autoToks.add(t, line)
		if c.autoExample == "" {
			c.autoExample = string(f)
		}
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
	if c.can == 0 && !c.explain {
		return
	}
	num, isInt := false, false
	if c.can&(canInt|canFloat) != 0 || c.explain {
		if _, ok := parseFloat(t, c.nf); ok && !leadingZero(t, c.nf) {
			num = true
			_, isInt = parseInt(t, c.nf)
		}
	}
	if !num {
		c.can &^= canInt | canFloat
	} else if !isInt {
		c.can &^= canInt
	}
	if c.can&canBool != 0 {
		if _, ok := parseBool(t); !ok {
			c.can &^= canBool
		}
	}
	isDate := false
	classifyDate := c.can&(canDate|canDatetime) != 0 || (c.explain && c.date > 0)
	if classifyDate {
		_, okD := parseDate(t)
		okDT := okD
		if !okD {
			_, okDT = parseDatetime(t)
		}
		isDate = okDT
		if !okD {
			c.can &^= canDate
		}
		if !okDT {
			c.can &^= canDatetime
		}
	}
	if c.explain {
		if num {
			c.nums++
			if isInt {
				c.ints++
			}
		} else {
			c.numBad.add(t, line)
		}
		if isDate {
			c.date++
		} else if classifyDate {
			c.dateBad.add(t, line)
		}
		if c.numBad.more > 0 && (c.date == 0 || c.dateBad.more > 0) {
			c.explain = false // a text column
		}
	}
}

// result is the inferred type: Int64, Float64, Bool, Date, Datetime in that
// order of preference, else String (also for a column with no non-null
// value, which no later value can break). NAAuto tokens are nulls only in a
// numeric column: they make any other column text.
func (c *colInfer) result() (frame.Type, numFmt) {
	can := c.can
	if len(c.autoToks.toks) > 0 {
		can &= canInt | canFloat
	}
	switch {
	case c.nonNull == 0:
		return frame.String, c.nf
	case can&canInt != 0:
		return frame.Int64, c.nf
	case can&canFloat != 0:
		return frame.Float64, c.nf
	case can&canBool != 0:
		return frame.Bool, c.nf
	case can&canDate != 0:
		return frame.Date, c.nf
	case can&canDatetime != 0:
		return frame.Datetime, c.nf
	}
	return frame.String, c.nf
}

// autoTokens returns the NAAuto tokens seen, when the column is numeric.
func (c *colInfer) autoTokens() []string {
	if t, _ := c.result(); t != frame.Int64 && t != frame.Float64 {
		return nil
	}
	var out []string
	for _, t := range c.autoToks.sorted() {
		out = append(out, t.Text)
	}
	return out
}

// ColumnInfo describes one column as inference sees it; see
// readers.ColumnInfo.
type ColumnInfo struct {
	Name    string
	Type    frame.Type
	Nulls   int
	Example string
	Values  int
	Near    frame.Type
	NearN   int
	Others  []Token
	More    int
	AutoNA  []Token
}

// info is the column's description; typ is its final type (given or
// inferred).
func (c *colInfer) info(name string, typ frame.Type) ColumnInfo {
	ci := ColumnInfo{Name: name, Type: typ, Nulls: c.nulls, Example: c.example, Values: c.nonNull, Near: frame.String}
	if typ == frame.Int64 || typ == frame.Float64 {
		ci.AutoNA = c.autoToks.sorted()
		for _, t := range ci.AutoNA {
			ci.Nulls += t.Count
		}
	} else if n := len(c.autoToks.toks); n > 0 {
		// the short tokens are values of a text column
		if ci.Example == "" {
			ci.Example = c.autoExample
		}
		ci.Values += c.autoToks.more
		for _, t := range c.autoToks.toks {
			ci.Values += t.Count
			c.numBad.toks = append(c.numBad.toks, t)
		}
	}
	if typ == frame.String && ci.Values > 0 {
		switch {
		case c.nums > 0 && c.nums >= c.date:
			ci.Near, ci.NearN = frame.Float64, c.nums
			if c.ints == c.nums {
				ci.Near = frame.Int64
			}
			ci.Others, ci.More = c.numBad.sorted(), c.numBad.more
		case c.date > 0:
			ci.Near, ci.NearN = frame.Date, c.date
			ci.Others, ci.More = c.dateBad.sorted(), c.dateBad.more
		}
		if !c.explain {
			ci.Near, ci.NearN, ci.Others, ci.More = frame.String, 0, nil, 0
		}
	}
	return ci
}

// Infer infers column types from r (cfg.SampleRows rows; negative: all),
// with the reasons a text column is not a number or a date.
func Infer(ctx context.Context, r io.Reader, cfg Config) ([]ColumnInfo, error) {
	infos, _, err := inferPass(ctx, r, &cfg, true, cfg.Ragged == RaggedExtend)
	return infos, err
}

// FirstPass reads r to the end for what cfg needs before its first chunk
// (see Config.NeedsFirstPass): every column's type from all the data when
// SampleRows < 0, the widest record under RaggedExtend. It returns the
// config to read with.
func FirstPass(ctx context.Context, r io.Reader, cfg Config) (Config, error) {
	types := cfg.SampleRows < 0 && !cfg.Raw
	infos, width, err := inferPass(ctx, r, &cfg, types, cfg.Ragged == RaggedExtend)
	if err != nil {
		return cfg, err
	}
	if types {
		t := make(map[string]frame.Type, len(infos))
		for _, in := range infos {
			t[in.Name] = in.Type
		}
		for k, v := range cfg.Types {
			t[k] = v
		}
		cfg.Types = t
		cfg.SampleRows = 1
	}
	cfg.width = width
	cfg.firstDone = true
	return cfg, nil
}

// inferPass reads records from r serially: with infer, it infers the
// columns of the first SampleRows data rows (all for a negative count), or
// of fewer when a record past the header is longer than sampleMaxRecord;
// with width, it reads to the end for the widest record's field count.
func inferPass(ctx context.Context, r io.Reader, cfg *Config, infer, width bool) ([]ColumnInfo, int, error) {
	name := cfg.Name
	p, err := prepare(ctx, source{r: r}, cfg)
	if err != nil {
		return nil, 0, fileErr(name, err)
	}
	s := p.s
	limit := cfg.sampleRows()
	if !infer {
		limit = 0
	}
	tok := newTokenizer(p.delim, cfg.LazyQuotes, p.comment)
	s.exact = newTokenizer(p.delim, cfg.LazyQuotes, p.comment) // serial anyway: exact splitting
	na := newNASet(cfg)
	var header []string
	var inf []*colInfer
	rows, maxFields, first := 0, 0, true
	cols := 0 // the header's field count (the first record's with NoHeader)
	line := 1 + p.skipped
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		want := 1 << 14
		switch {
		case first:
			// the header under its own limit, alone
			s.headerLimit(!cfg.NoHeader, cfg.maxRecord())
			want = 1
		case !width:
			// the sample holds records of up to sampleMaxRecord bytes
			// past the header: a longer record ends it rather than
			// being read
			s.headerLimit(false, min(cfg.maxRecord(), sampleMaxRecord))
		default:
			s.headerLimit(false, cfg.maxRecord())
		}
		chunk, err := s.next(want)
		if err != nil {
			var long *recordTooLong
			if errors.As(err, &long) && !first && !width && limit >= 0 {
				break // the sample ends before a record longer than the sample's bytes
			}
			if isRecordTooLong(err) {
				return nil, 0, &Error{File: name, Line: line, Err: err}
			}
			return nil, 0, fileErr(name, err)
		}
		if chunk == nil {
			break
		}
		pos := 0
		// recLine is the line of the record at pos, counted on from the
		// previous record's (counting from the chunk's start for each
		// record was quadratic: a third of a small W1 run)
		recLine, counted := line, 0
		for pos < len(chunk) && (width || limit < 0 || rows < limit) {
			next, err := tok.parse(chunk, pos)
			recLine += countLines(chunk[counted:pos])
			counted = pos
			if err == errSkip {
				pos = next
				continue
			}
			if err != nil {
				if te, ok := err.(*tokErr); ok {
					return nil, 0, &Error{File: name, Line: recLine, Field: te.field, Err: te.err}
				}
				return nil, 0, fileErr(name, err)
			}
			maxFields = max(maxFields, len(tok.fields))
			if first {
				first = false
				cols = len(tok.fields)
				if !cfg.NoHeader {
					header = make([]string, len(tok.fields))
					for i := range header {
						header[i] = string(tok.field(chunk, i))
					}
					pos = next
					continue
				}
			}
			if limit < 0 || rows < limit {
				want := cols
				if width {
					want = max(want, len(tok.fields))
				}
				for len(inf) < want {
					inf = append(inf, newColInfer(cfg))
				}
				for i := range min(len(tok.fields), len(inf)) {
					inf[i].add(tok.field(chunk, i), na, recLine)
				}
				rows++
			}
			pos = next
		}
		line += countLines(chunk)
		if !width && limit >= 0 && rows >= limit {
			break
		}
	}
	if first {
		return nil, 0, &Error{File: name, Err: ErrEmpty}
	}
	if !width {
		maxFields = cols
	}
	if !infer {
		return nil, maxFields, nil
	}
	n := max(cols, maxFields)
	h := make([]string, n)
	copy(h, header)
	names := uniqueNames(h)
	if cfg.NoHeader {
		for i := range names {
			names[i] = "column_" + strconv.Itoa(i+1)
		}
	}
	for len(inf) < n {
		inf = append(inf, newColInfer(cfg))
	}
	out := make([]ColumnInfo, n)
	for i, nm := range names {
		t, _ := inf[i].result()
		if cfg.Raw {
			t = frame.String
		}
		if ot, ok := cfg.Types[nm]; ok {
			t = ot
		} else if i < len(header) {
			if ot, ok := cfg.Types[header[i]]; ok {
				t = ot
			}
		}
		out[i] = inf[i].info(nm, t)
	}
	return out, maxFields, nil
}

// IsAutoNA reports whether NAAuto reads the token s as null in a numeric
// column (see isAutoNA).
func IsAutoNA(s string) bool { return isAutoNA([]byte(s)) }

// IsLeadingZeroNumber reports whether s is a number that inference keeps
// as text for its leading zero ("01001", "000000").
func IsLeadingZeroNumber(s string) bool {
	nf := numFmt{thousands: ',', decimal: '.'}
	t := trimSpace([]byte(s))
	_, ok := parseFloat(t, nf)
	return ok && leadingZero(t, nf)
}
