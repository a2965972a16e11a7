package readers

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// ColumnInfo describes one column as [Infer] sees it: its type and, for a
// text column whose values are mostly numbers or dates, what stopped it.
type ColumnInfo struct {
	Name    string     // unique column name
	Type    frame.Type // inferred type, or the one Options.Types gives
	Nulls   int        // NA values among the rows looked at (NAAuto's included)
	Example string     // first non-NA value's text, "" if none
	// Values counts the non-null values looked at.
	Values int

	// For a String column: Near is the type most of its values fit
	// (Int64 or Float64 for numbers, Date for dates and datetimes; String
	// when none do, or the column is plainly text), NearValues how many
	// fit it, and Others the values that do not (most frequent first, at
	// most 32 distinct; MoreOthers counts the occurrences of further
	// distinct ones). Values with leading zeros ("01001") are among
	// Others: inference keeps codes as text.
	Near       frame.Type
	NearValues int
	Others     []Token
	MoreOthers int

	// AutoNA lists the tokens Options.NAAuto read as null in this
	// numeric column.
	AutoNA []Token
}

// Token is a value inference saw: its text, how many times, and the
// 1-based line of its first occurrence.
type Token = icsv.Token

// Almost reports whether the column is text although at least half its
// values fit Near (a number or date type): the case Explain explains.
func (c ColumnInfo) Almost() bool {
	return c.Type == frame.String && c.Near != frame.String && c.Values > 0 && 2*c.NearValues >= c.Values
}

// SuggestNA returns the tokens among Others that NAAuto would read as
// null (short punctuation such as "*", "#", "**", "-", or "(X)"): the NA
// tokens that would make the column numeric, when they are all it lacks.
func (c ColumnInfo) SuggestNA() []string {
	if !c.Almost() || c.MoreOthers > 0 || (c.Near != frame.Int64 && c.Near != frame.Float64) {
		return nil
	}
	var out []string
	for _, t := range c.Others {
		if !icsv.IsAutoNA(t.Text) {
			return nil
		}
		out = append(out, t.Text)
	}
	return out
}

// Explain says why an almost numeric or date column is text (a value with a
// leading zero is marked: a code kept as text), e.g.
//
//	99.1% numbers; not numbers: '*' ×3012 (line 14), '#' ×1020 (line 88), '**' ×44 (line 512) → NA tokens *, #, ** (or NAAuto)
//
// and lists the tokens NAAuto read as null in a numeric column; "" when
// there is nothing to explain.
func (c ColumnInfo) Explain() string {
	var b strings.Builder
	if c.Almost() {
		what := "numbers"
		if c.Near == frame.Date {
			what = "dates"
		}
		fmt.Fprintf(&b, "%.1f%% %s; not %s: ", 100*float64(c.NearValues)/float64(c.Values), what, what)
		for i, t := range c.Others {
			if i == 8 {
				fmt.Fprintf(&b, ", … %d more", len(c.Others)-i)
				break
			}
			if i > 0 {
				b.WriteString(", ")
			}
			note := ""
			if icsv.IsLeadingZeroNumber(t.Text) {
				note = ", leading zero"
			}
			fmt.Fprintf(&b, "%s ×%d (line %d%s)", quoteToken(t.Text), t.Count, t.Line, note)
		}
		if c.MoreOthers > 0 {
			fmt.Fprintf(&b, " and %d others", c.MoreOthers)
		}
		if na := c.SuggestNA(); na != nil {
			fmt.Fprintf(&b, " → NA tokens %s (or NAAuto)", strings.Join(na, ", "))
		}
	}
	if len(c.AutoNA) > 0 {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString("read as null by NAAuto: ")
		for i, t := range c.AutoNA {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s ×%d", quoteToken(t.Text), t.Count)
		}
	}
	return b.String()
}

func quoteToken(s string) string {
	if strings.ContainsAny(s, "'\n\r\t") || len(s) > 40 {
		q := fmt.Sprintf("%q", s)
		if len(q) > 42 {
			q = q[:39] + `..."`
		}
		return q
	}
	return "'" + s + "'"
}

// String formats the column as "name type (N nulls, e.g. text)", followed
// by the explanation of an almost numeric column.
func (c ColumnInfo) String() string {
	s := fmt.Sprintf("%s %s (%d nulls, e.g. %q)", c.Name, c.Type, c.Nulls, c.Example)
	if e := c.Explain(); e != "" {
		s += ": " + e
	}
	return s
}

// Infer returns the columns of the file at path with their inferred types,
// NA counts, an example value and, for text columns that are almost numbers
// or dates, the values that stopped them. For CSV-family files it looks at
// opt.SampleRows data rows (default DefaultSampleRows; negative: the whole
// file, so types and null counts are exact, like pandas' info()), reading
// no further than they need; for a registered format ([RegisterFormat]) it
// reads the first chunk of SampleRows rows and reports its columns (types,
// nulls and examples; no explanations).
func Infer(ctx context.Context, path string, opt Options) ([]ColumnInfo, error) {
	if fn := registered(path); fn != nil || !isCSVExt(path) {
		return inferFirstChunk(ctx, path, opt)
	}
	opt = fileOptions(path, opt)
	cfg, err := opt.config(path)
	if err != nil {
		return nil, err
	}
	in, err := openCSVFile(path, opt)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	r := in.r
	if in.plain {
		r = in.f
	}
	infos, err := icsv.Infer(ctx, r, cfg)
	if err != nil {
		return nil, publicErr(err)
	}
	out := make([]ColumnInfo, len(infos))
	for i, c := range infos {
		out[i] = ColumnInfo{Name: c.Name, Type: c.Type, Nulls: c.Nulls, Example: c.Example, Values: c.Values,
			Near: c.Near, NearValues: c.NearN, Others: c.Others, MoreOthers: c.More, AutoNA: c.AutoNA}
	}
	return out, nil
}

// inferFirstChunk describes the columns of the first chunk of a file of a
// registered format.
func inferFirstChunk(ctx context.Context, path string, opt Options) ([]ColumnInfo, error) {
	opt.ChunkRows = opt.SampleRowsOrDefault()
	if opt.ChunkRows < 0 {
		opt.ChunkRows = 0 // the format's default chunk
	}
	for f, err := range Open(ctx, path, opt) {
		if err != nil {
			return nil, err
		}
		out := make([]ColumnInfo, f.NumCols())
		for k, c := range f.Columns() {
			ci := ColumnInfo{Name: c.Name(), Type: c.Type(), Nulls: c.NullCount(), Values: c.Len() - c.NullCount(), Near: frame.String}
			for i := range c.Len() {
				if !c.IsNull(i) {
					ci.Example = fmt.Sprint(c.Value(i))
					break
				}
			}
			out[k] = ci
		}
		return out, nil
	}
	return nil, fmt.Errorf("readers: %s: %w", path, ErrEmpty)
}
