// Package readers reads CSV/TSV (and, through registered formats such as
// readers/xlsx, other files) into typed [frame.Frame] chunks, streaming.
//
// # Reading
//
// [CSV] and [CSVFile] yield frames of Options.ChunkRows rows as an
// iter.Seq2[*frame.Frame, error]; [ReadAll] concatenates them. [Files] and
// [Glob] read many files as one source, [Open] dispatches by extension
// ([RegisterFormat] adds formats), [Records] yields raw records, and [Infer]
// reports column types, null counts and examples.
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
// Lines starting with Options.Comment (if set) are skipped. Input in another
// encoding is decoded to UTF-8 by Options.Encoding ("latin1", "cp1252",
// "iso-8859-7", any IANA name golang.org/x/text knows).
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
// Options.Ragged: RaggedError (default) an error wrapping ErrFieldCount
// naming the line; RaggedPad: short records padded with nulls, extra fields
// dropped; RaggedSkip: dropped. Stats.Padded and Stats.Skipped count them.
//
//	a,b,c\n4,5\n → error "<input>:2: wrong number of fields …" | pad: [4 5 null] | skip: no rows
//
// [Records] never checks field counts: it yields records unpadded.
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
// NA tokens are DefaultNA ("", NA, N/A, NaN, null, NULL) plus Options.NA
// (Options.NoDefaultNA drops the defaults), matched after trimming; they are
// null in every typed column, strings included. For BLS tables:
//
//	NA: []string{"*", "#", "**"}:   "*" → null, "#" → null, "**" → null, "***" → text
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
// ErrQuote, ErrFieldCount, ErrType, ErrEmpty (no header and no data);
// ErrFormat wraps truncated or corrupt gzip/zstd; missing files and
// directories are reported with their path.
//
// # Performance
//
// The input is cut into chunks of whole records by a serial splitter that
// finds record ends from the parity of quotes before each newline (exact for
// RFC 4180 quoting; when a literal quote inside an unquoted field is seen the
// reader falls back to exact, tokenizer-driven splitting from that record).
// CSVFile maps a big uncompressed UTF-8 file into memory and cuts chunks in
// place (no read copies; parsed pages are dropped from the resident set).
// Chunks are parsed in parallel on runtime.GOMAXPROCS goroutines and yielded
// in input order. Options.Columns skips the conversion of other columns.
//
// A chunk of clean input (strict quoting, no Comment, no ragged record, no
// line break inside a quoted field) is first given to the block path: masks
// of quotes, delimiters and line ends per 64-byte block (AVX2 assembly on
// amd64 CPUs that have it), quoted bytes found by a prefix XOR of the quote
// mask and the quoting rules checked on whole masks, field boundaries taken
// from the masks, and then each projected column of 8 KiB of input converted
// in its own tight loop. Failing that, it is parsed in one fused pass that tokenizes each record and converts every
// projected field straight into exact-size typed slices, which the chunk's
// columns adopt without copying; short plain numbers are read 8 bytes at a
// time. Any other field takes the same rules and parse functions as the
// general path, and any chunk the fused pass cannot take whole (a ragged
// record, a quoting or type error) is parsed again by the general path, so
// values and errors are the same either way.
//
// [ReadAll] of a [CSVFile] stream has the workers write the Int64, Float64,
// Date and Datetime values of every chunk straight into whole-file arrays
// (sized from the file size), which become the result's columns without a
// final copy, and likewise the codes of dictionary-encoded String columns;
// plain String columns are copied into whole-file buffers (sized from
// the inference sample) as the chunks arrive, and each chunk's string
// buffers go back to the workers for the next chunks, so pages are reused
// rather than freshly faulted in; other columns are concatenated column by
// column, each column's chunks released as it is built. While it holds more than 64 MB,
// ReadAll lowers the GC percentage to 25 to keep peak memory near the
// result's size.
package readers
