package readers

import (
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// Options configure every reader. The zero value reads a headed,
// auto-detected, UTF-8 file with inferred types in chunks of DefaultChunkRows.
type Options struct {
	// ChunkRows is the number of rows per yielded frame; 0 means DefaultChunkRows.
	ChunkRows int
	// Raw reads every column as a String holding the exact field or cell text
	// (no trimming, no NA or number conversion), as the corpus README defines.
	Raw bool
	// NoHeader treats the first record as data; columns are then named
	// column_1, column_2, … (1-based).
	NoHeader bool
	// Columns, if non-empty, projects the named columns (in this order); the
	// others are skipped without being converted.
	Columns []string
	// Types overrides the inferred type of the named columns.
	Types map[string]frame.Type
	// SampleRows is the number of data rows type inference looks at; 0 means
	// DefaultSampleRows, negative means the whole input (two passes).
	SampleRows int
	// NA lists extra tokens read as null, besides DefaultNA (unless NoDefaultNA).
	// Matching is exact after trimming surrounding spaces.
	NA []string
	// NAAuto also reads as null, in a numeric (Int64 or Float64) column
	// only, every token of one to three ASCII punctuation characters ("*",
	// "#", "**", "-", "...") and the US Census markers "(X)", "(D)", "(NA)",
	// "(S)", "(Z)" (one or two capitals in parentheses). Inference ignores
	// such tokens, so a column of numbers and "*" is numeric; in a column
	// that is text for other reasons they stay text. The tokens read as
	// null are reported by [Infer] (ColumnInfo.AutoNA) and [Stats]
	// (NullTokens). CSV only.
	NAAuto bool
	// NoDefaultNA drops DefaultNA, so only NA's tokens are null.
	NoDefaultNA bool
	// Thousands is the digit-grouping separator in numbers ("132,588,810").
	// 0 means auto: ',' (or '.' with DecimalComma), accepted only in strict
	// groups of three digits, so a column whose every non-null value is a
	// consistently grouped number reads as a number; negative means no
	// separator at all.
	Thousands rune
	// DecimalComma reads "3,5" as 3.5 (then Thousands, if any, is usually '.').
	DecimalComma bool

	// CSV only.

	// Delimiter is the field separator; 0 means auto-detect among , ; tab |.
	Delimiter rune
	// Encoding names the text encoding: "" or "utf-8" (default), "latin1"/
	// "iso-8859-1", "windows-1252"/"cp1252", "iso-8859-2" … "iso-8859-16".
	Encoding string
	// LazyQuotes accepts stray quotes: a quote inside an unquoted field is
	// literal text, and a quoted field may be followed by text before the
	// delimiter.
	LazyQuotes bool
	// Ragged says what to do with a record whose field count differs from
	// the header's; see [RaggedPolicy]. The default, RaggedError, fails
	// naming the line and both counts; no policy drops fields unless told
	// to (RaggedTruncate).
	Ragged RaggedPolicy
	// Comment, if not empty, is a prefix marking comment lines: a line
	// that starts with it (at its first byte, before the header or between
	// records) is skipped. It is only recognised at the start of a record,
	// never inside a quoted field that spans lines, and a comment line is
	// skipped whole whatever quotes it holds ("# it's a comment!" works).
	// A data line starting with the prefix is skipped too: pick one data
	// cannot start with. It must not start with a quote or the delimiter.
	Comment string
	// SkipRows skips that many physical lines before the header (title
	// rows, notes), whatever they hold; the header is then the next
	// non-blank, non-comment line. Line numbers in errors still count
	// from the file's first line.
	SkipRows int
	// HeaderRow, if positive, is the 1-based line number of the header:
	// the HeaderRow-1 lines above it are skipped (as SkipRows). Setting
	// both is an error unless they agree; with NoHeader it is an error.
	HeaderRow int
	// MaxRecordBytes caps one record (one line, or several when a quoted
	// field spans lines): a longer one fails with a *ParseError naming its
	// line and wrapping ErrTooLarge, after at most that many bytes are
	// buffered. 0 means DefaultMaxRecordBytes (256 MiB); negative means no
	// cap.
	MaxRecordBytes int
	// NoDict reads every String column plain. By default a String column
	// whose inference sample repeats its values (at most one distinct value
	// in four) is read dictionary-encoded: each distinct value is stored once
	// and every row holds a 4-byte code (see frame.Column.IsDict). Values,
	// types and results are the same either way; encoding saves memory and
	// time on columns like states, industries or occupation titles, and
	// joins and group-bys on such a column compare codes. A column's
	// dictionary is capped at 65,536 entries; past that the rest of the
	// column is read plain.
	NoDict bool
	// TrimSpace trims surrounding spaces and tabs from String values in
	// typed mode (numbers, booleans and dates are always trimmed; Raw mode
	// never trims).
	TrimSpace bool

	// Excel (.xlsx) only; CSV readers ignore it.

	// Sheet selects the worksheet by name or by 0-based index ("0", "2");
	// "" means the first visible worksheet. It only applies to .xlsx files
	// (github.com/sluicedata/sluice/readers/xlsx).
	Sheet string

	// MaxDecompressed caps the bytes a gzip or zstd input may decompress
	// to: 0 means DefaultMaxDecompressed (64 GiB), negative no cap. Past
	// it the read fails with an error wrapping ErrTooLarge.
	MaxDecompressed int64
	// MaxRatio caps how many times larger than its compressed bytes a gzip
	// or zstd input may grow, checked once it has produced 16 MiB: 0 means
	// DefaultMaxRatio (500), negative no cap. It stops decompression bombs
	// (gigabytes of zeros in a few megabytes) early, with an error
	// wrapping ErrTooLarge; real CSV files compress 3 to 50 times.
	MaxRatio int

	// Keep, if set, keeps only the records whose key columns hold one of its
	// key tuples: a semi-join applied while reading; see [KeyFilter].
	Keep *KeyFilter

	// Many files only.

	// SourceColumn, if non-empty, adds a String column of that name holding
	// each row's source file path.
	SourceColumn string
}

// RaggedPolicy is the treatment of records whose field count differs from
// the header's (the first record's with NoHeader). Its text form, for flags
// and spec files, is the lower-case name: "error", "pad", "extend",
// "truncate", "skip".
type RaggedPolicy uint8

// Ragged-record policies; see Options.Ragged.
const (
	// RaggedError fails on a short or long record with a *ParseError
	// naming its line and both field counts, wrapping ErrFieldCount.
	RaggedError RaggedPolicy = iota
	// RaggedPad pads short records with nulls; a long record is an error,
	// as under RaggedError (its extra fields would be lost).
	RaggedPad
	// RaggedSkip drops short and long records (counted by Stats.Skipped).
	RaggedSkip
	// RaggedExtend keeps every field: the frame gets a column for each
	// field position of the widest record, named column_N (N its 1-based
	// position) past the header, null in records that lack it; short
	// records are padded. Since every chunk must have the same columns,
	// the reader first scans the whole input for the widest record (a
	// second pass over a file; a stream that cannot seek is held in
	// memory), and records wider than the header are parsed by the
	// general path.
	RaggedExtend
	// RaggedTruncate pads short records and drops the fields of long
	// records past the header's count (counted by Stats.Truncated): data
	// is lost, only when asked.
	RaggedTruncate
)

var raggedNames = [...]string{RaggedError: "error", RaggedPad: "pad", RaggedSkip: "skip", RaggedExtend: "extend", RaggedTruncate: "truncate"}

// String returns the policy's text form ("pad").
func (p RaggedPolicy) String() string {
	if int(p) < len(raggedNames) {
		return raggedNames[p]
	}
	return fmt.Sprintf("RaggedPolicy(%d)", uint8(p))
}

// MarshalText returns the policy's text form.
func (p RaggedPolicy) MarshalText() ([]byte, error) {
	if int(p) >= len(raggedNames) {
		return nil, fmt.Errorf("readers: unknown ragged policy %d", uint8(p))
	}
	return []byte(raggedNames[p]), nil
}

// UnmarshalText sets the policy from its text form (case-insensitive).
func (p *RaggedPolicy) UnmarshalText(b []byte) error {
	for i, n := range raggedNames {
		if strings.EqualFold(string(b), n) {
			*p = RaggedPolicy(i)
			return nil
		}
	}
	return fmt.Errorf("ragged policy %q: want one of %s", b, strings.Join(raggedNames[:], ", "))
}

// Defaults.
const (
	DefaultChunkRows      = icsv.DefaultChunkRows
	DefaultSampleRows     = icsv.DefaultSampleRows
	DefaultMaxRecordBytes = icsv.DefaultMaxRecordBytes
)

// DefaultNA are the tokens read as null unless Options.NoDefaultNA is set.
// Treat it as read-only.
var DefaultNA = icsv.DefaultNA

func (o Options) chunkRows() int {
	if o.ChunkRows <= 0 {
		return DefaultChunkRows
	}
	return o.ChunkRows
}

// ChunkRowsOrDefault returns ChunkRows, or DefaultChunkRows when it is zero.
func (o Options) ChunkRowsOrDefault() int { return o.chunkRows() }

// SampleRowsOrDefault returns SampleRows, or DefaultSampleRows when it is zero.
func (o Options) SampleRowsOrDefault() int {
	if o.SampleRows == 0 {
		return DefaultSampleRows
	}
	return o.SampleRows
}

// NASet returns the set of null tokens these options select.
func (o Options) NASet() map[string]bool {
	m := map[string]bool{}
	if !o.NoDefaultNA {
		for _, s := range DefaultNA {
			m[s] = true
		}
	}
	for _, s := range o.NA {
		m[s] = true
	}
	return m
}

// config translates the options for the CSV engine; name names the input
// in errors.
func (o Options) config(name string) (icsv.Config, error) {
	c := icsv.Config{
		Name:         name,
		ChunkRows:    o.ChunkRows,
		SampleRows:   o.SampleRows,
		Raw:          o.Raw,
		NoHeader:     o.NoHeader,
		Columns:      o.Columns,
		Types:        o.Types,
		NA:           o.NA,
		NoDefaultNA:  o.NoDefaultNA,
		Thousands:    o.Thousands,
		DecimalComma: o.DecimalComma,
		Delimiter:    o.Delimiter,
		Encoding:     o.Encoding,
		LazyQuotes:   o.LazyQuotes,
		Ragged:       icsv.Ragged(o.Ragged),
		NoDict:       o.NoDict,
		TrimSpace:    o.TrimSpace,
	}
	c.Comment, c.SkipRows, c.HeaderRow = o.Comment, o.SkipRows, o.HeaderRow
	c.NAAuto, c.MaxRecordBytes = o.NAAuto, o.MaxRecordBytes
	if o.Keep != nil {
		ks, err := o.Keep.compiled()
		if err != nil {
			return c, err
		}
		c.Keep = ks
	}
	return c, nil
}
