// Package readers reads CSV/TSV (and, through registered formats such as
// readers/xlsx, other files) into typed [frame.Frame] chunks, streaming.
//
// # Reading
//
// [CSV] and [CSVFile] yield frames of Options.ChunkRows rows as an
// iter.Seq2[*frame.Frame, error]; [ReadAll] concatenates a stream and
// [ReadFile] reads a whole file into one frame with little more memory than
// the frame. [Files] and [Glob] read many files as one source, [Open]
// dispatches by extension ([RegisterFormat] adds formats), [Records] yields
// raw records, and [Infer] reports column types, null counts and examples,
// and why a column that is almost numeric is text. [OpenStats], [FilesStats]
// and [CSVStats] also report what the read saw ([Stats]). gzip and zstd
// input is recognised by its first bytes, from files and readers alike.
//
// # Dialect
//
// Records are separated by LF, CRLF or a lone CR; fields by the delimiter.
// The delimiter is Options.Delimiter or, when zero, the one of , ; tab | whose
// count outside quotes is most consistent over the first 50 lines (',' if
// none occurs). A .tsv file name defaults it to tab.
//
//	a,b,c\r\n1,2,3\n      → [a b c] [1 2 3]
//	a;b\r4;5              → [a b] [4 5]             (lone CR ends a line)
//
// A field that starts with a double quote is quoted: it ends at the next
// quote not doubled, may hold delimiters and newlines (kept byte for byte),
// and "" stands for one quote. A quote anywhere else is literal text, as in
// Python's csv module:
//
//	"a,b","say ""hi""","x\ny"   → [a,b] [say "hi"] [x⏎y]
//	5'10",37.8"N                → [5'10"] [37.8"N]
//	1, "Test line 1"            → [1] [ "Test line 1"]   (space first: literal)
//
// A closing quote followed by anything but a delimiter or line end
// ("ab"cd), or a quoted field never closed, is an error wrapping ErrQuote,
// unless Options.LazyQuotes, which keeps such quotes as text (a never-closed
// field then runs to the end of input).
//
// A UTF-8 byte order mark at the start is removed (it is never part of the
// first header name). Completely empty lines are skipped; a line of only
// delimiters is a record of empty fields:
//
//	\xEF\xBB\xBFid,name\n\n1,x\n,\n → header [id name]; rows [1 x] [ ]
//
// Lines starting with Options.Comment, a prefix, are skipped wherever a
// record may start (before the header and between records; never inside a
// quoted field), whatever quotes they hold:
//
//	Comment "#":   # it's a comment!\nid,name\n1,x\n#2,y\n → header [id name]; rows [1 x]
//
// Options.SkipRows skips that many physical lines before the header (title
// rows of BLS and Census sheets); Options.HeaderRow N names the header's
// 1-based line (it skips N-1). Line numbers in errors count every line of
// the file, skipped ones included:
//
//	HeaderRow 3:   Table 1\nMay 2023\narea,emp\nUS,"1,000"\n → header [area emp]; rows [US 1000]
//
// Input in another encoding is decoded to UTF-8 by Options.Encoding
// ("latin1", "cp1252", "iso-8859-7", any IANA name golang.org/x/text knows).
//
// # Header
//
// The first record is the header unless Options.NoHeader (columns are then
// column_1, column_2, …). Frame column names are the header made unique:
// an empty name becomes column_N (N its 1-based position) and a repeated
// name gets _2, _3, …; the exact header text is in [Stats].Header:
//
//	id,,id  → columns id, column_2, id_2
//
// # Ragged records
//
// A record whose field count differs from the header's is, by
// Options.Ragged ([RaggedPolicy]; no policy loses a field unless asked):
//
//	a,b,c\n4,5\n6,7,8,9\n
//	  error (default): "<input>:2: wrong number of fields: record has 2 fields, header has 3 …"
//	  pad:      [4 5 null], then an error at line 3 (a long record would lose a field)
//	  extend:   columns a b c column_4; [4 5 null null] [6 7 8 9]
//	  truncate: [4 5 null] [6 7 8]   (the extra field dropped, counted by Stats.Truncated)
//	  skip:     no rows              (counted by Stats.Skipped)
//
// RaggedExtend scans the input for its widest record before the first
// chunk, so that every chunk has the same columns. [Records] never checks
// field counts: it yields records unpadded.
//
// # Types
//
// Options.Raw makes every column a String holding the exact field text: no
// trimming, no NA, no numbers. Otherwise each column's type is inferred from
// the first Options.SampleRows data rows (default 10000; negative: the whole
// input, read twice), unless Options.Types names it. Values are trimmed of
// surrounding spaces and tabs before matching; the first type every non-NA
// sampled value fits wins:
//
//	Int64     -12, 1234, "132,588,810", " 46,440 "
//	Float64   3.5, -2.00E-02, 1e5, inf (ints fit too); with DecimalComma 3,5
//	Bool      true, False, TRUE
//	Date      2024-02-29                                (days since 1970-01-01)
//	Datetime  2024-02-29 13:45:00, 2024-02-29T13:45:00.5+02:00 (UTC nanoseconds; dates fit too)
//	String    anything else, and columns with no non-NA value
//
// Digit strings with a leading zero ("000000", "01001", "-007", "00.5":
// NAICS, ZIP and FIPS codes) are not numbers to inference: such a column
// stays String with its text intact, unless Options.Types makes it a number.
// A single "0" and "0.5" are numbers.
//
// NA tokens are DefaultNA ("", NA, N/A, NaN, null, NULL) plus Options.NA
// (Options.NoDefaultNA drops the defaults), matched after trimming; they are
// null in every typed column, strings included. For BLS tables:
//
//	NA: []string{"*", "#", "**"}:   "*" → null, "#" → null, "**" → null, "***" → text
//
// Options.NAAuto finds such tokens itself: in a numeric column, a token of
// one to three punctuation characters ("*", "#", "**", "-", "...") or a
// Census marker ("(X)", "(D)") is null; the tokens it nulled are listed by
// [Infer] and [Stats]. Without it, [Infer] still reports, for a column that
// is almost numeric, the tokens that made it text and the NA tokens to add.
//
// Thousands separators: with Options.Thousands zero, ',' (or '.' with
// DecimalComma) is accepted only in strict groups of three digits, so a
// column reads as a number when all its values are consistently grouped:
//
//	"132,588,810" → 132588810     "1,5" → not a number (the column stays String)
//	DecimalComma: "135.128.260" → 135128260, "0,1" → 0.1
//
// Options.Thousands names the separator (still strict groups); negative
// means none. Options.TrimSpace also trims String values.
//
// # Dictionary-encoded strings
//
// A CSV String column whose inference sample repeats its values (at least
// 64 non-null values, at most one distinct value in four: states, industry
// and occupation titles, status codes) is read dictionary-encoded, like a
// Polars Categorical or an Arrow dictionary array but with the same type:
// it is still a frame.String column with the same values, and
// frame.Column.IsDict reports the encoding. Each distinct value is stored
// once and each row holds a 4-byte code, so such a column takes a fraction
// of the memory, and joins, group-bys and filters on it compare codes.
// One dictionary is shared by the whole read and grows as new values
// appear; every chunk refers to a prefix of it, so chunks concatenate
// without re-encoding. A dictionary is capped at 65,536 entries: past that
// the rest of the column is read plain (values are the same; a mix of
// encoded and plain chunks concatenates to a plain column). Options.NoDict
// reads every column plain.
//
// # Values that break the type
//
// A value later in the file that does not fit its column's type is never
// silently changed or nulled: the read fails with a *ParseError carrying the
// file, line, field number and text, wrapping ErrType, and suggesting
// Options.Types or a larger SampleRows:
//
//	x\n1\n2\n…(10000 ints)…\n2.5 → error: "f.csv:10003: field 1: value does not fit the column type: column "x" is int64 …"
//
// ParseError.Field is the 1-based number of the field in the record, not
// a byte offset.
//
// Integer text in a Float64 column is fine (exactly converted for up to
// 2^53); a NaN text not listed as NA reads as null in a Float64 column.
//
// # Filtering by key while reading
//
// Options.Keep ([KeyFilter]) keeps only the records whose key columns hold
// one of a frame of key tuples: a semi-join applied as the input is parsed.
// With String keys each record is tested as soon as its key fields are
// converted, and the rest of a record that does not match is skipped
// without converting its other fields (its field count and quoting are
// still checked, so a malformed record is an error whether kept or not;
// a value that would not fit its column's type is not an error in a dropped
// record). The pipeline uses it for semi-join reduction: W1 keeps ~2% of the
// OES rows and converts only those.
//
// # Errors
//
// Errors locating a record are *ParseError (file, 1-based line where the
// record starts, 1-based field, offending text) wrapping a sentinel:
// ErrQuote, ErrFieldCount, ErrType, ErrEmpty (no header and no data),
// ErrTooLarge (a record over Options.MaxRecordBytes); ErrFormat wraps
// truncated or corrupt gzip/zstd, ErrTooLarge a stream past
// Options.MaxDecompressed or Options.MaxRatio; ErrNoColumn an option naming
// a column the input lacks (with the closest names); missing files and
// directories are reported with their path.
//
// # Limits
//
// Hostile input costs bounded work: a record longer than
// Options.MaxRecordBytes (256 MiB by default) fails after that many bytes;
// gzip and zstd input stops at Options.MaxDecompressed (64 GiB) or when it
// expands more than Options.MaxRatio (500) times; the inference sample
// holds at most 10,000 records or 32 MiB and ends before a record over 8
// MiB (the read proper still takes it), and a reader whose consumer stops
// early stops reading (at most 2×GOMAXPROCS+1 chunks are read ahead).
//
// # Performance
//
// Chunks are cut from the input by a serial splitter and parsed in
// parallel on GOMAXPROCS goroutines (by a vectorised path on clean input),
// then yielded in input order; CSVFile maps a big uncompressed file instead
// of copying it, and [ReadFile] has the workers write straight into the
// result's arrays. Options.Columns skips the conversion of other columns;
// Options.Keep filters rows while parsing. The engine's own documentation
// (readers/internal/csv) describes the three parse paths.
package readers
