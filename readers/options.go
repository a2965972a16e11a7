package readers

import "github.com/sluicedata/sluice/frame"

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
	// Ragged says what to do with a record whose field count differs from the
	// header's: RaggedError (default) fails naming the line; RaggedPad pads
	// short records with nulls and drops the extra fields of long ones;
	// RaggedSkip drops such records. Padded/skipped counts are reported by
	// Stats.
	Ragged RaggedPolicy
	// Comment, if non-zero, marks lines starting with it as comments to skip.
	Comment rune
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
	// Stats, if non-nil, receives the header, column names, detected
	// delimiter and row counts of a CSV read; see [Stats].
	Stats *Stats

	// Excel only.

	// Sheet selects the worksheet by name or by 0-based index ("0", "2");
	// "" means the first visible worksheet.
	Sheet string

	// Keep, if set, keeps only the records whose key columns hold one of its
	// key tuples: a semi-join applied while reading; see [KeyFilter].
	Keep *KeyFilter

	// Many files only.

	// SourceColumn, if non-empty, adds a String column of that name holding
	// each row's source file path.
	SourceColumn string

	// typesSubset: Types may name columns the input lacks (Files passes the
	// first file's types on and reports schema differences itself).
	typesSubset bool
	// sizeHint is the input's size in bytes when known (an uncompressed
	// file), for collect mode; noCollect turns collect mode off (Files).
	sizeHint  int64
	noCollect bool
	// dicts, if set, shares String columns' dictionaries by name across
	// the reads of several files (Files), so their chunks concatenate
	// encoded.
	dicts map[string]*strDict
}

// RaggedPolicy is the treatment of records with the wrong number of fields.
type RaggedPolicy uint8

// Ragged-row policies; see Options.Ragged.
const (
	RaggedError RaggedPolicy = iota
	RaggedPad
	RaggedSkip
)

// Defaults.
const (
	DefaultChunkRows  = 1 << 16
	DefaultSampleRows = 10000
)

// DefaultNA are the tokens read as null unless Options.NoDefaultNA is set.
var DefaultNA = []string{"", "NA", "N/A", "NaN", "null", "NULL"}

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

// Stats reports what a CSV read saw. Pass a pointer in Options.Stats; the
// reader fills Header, Names, Types and Delimiter before the first chunk and
// the counts as chunks are yielded (final once the iterator has finished).
type Stats struct {
	// Header is the header record exactly as in the file (after decoding and
	// BOM removal), nil with NoHeader.
	Header []string
	// Names are the frame's column names: the header made unique ("a",
	// "a_2", …) with empty names replaced by column_N (1-based position).
	Names []string
	// Types are the column types of the (projected) columns.
	Types []frame.Type
	// Delimiter is the field separator used (given or detected).
	Delimiter rune
	// Rows counts data rows yielded; Padded and Skipped count ragged records
	// padded or skipped by the RaggedPad / RaggedSkip policies.
	Rows, Padded, Skipped int64
	// Bytes counts the input bytes (after decompression and decoding)
	// whose rows have been parsed, for progress reporting; it advances
	// chunk by chunk, on the consumer's goroutine.
	Bytes int64
}
