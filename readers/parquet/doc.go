// Package parquet reads Parquet files into typed [frame.Frame] chunks,
// streaming, with its own page reader over github.com/parquet-go/parquet-go
// (footer, schema and some value decoders).
//
// Importing the package registers ".parquet" with readers.RegisterFormat,
// so readers.Open, readers.Files and readers.Glob (a folder of part files:
// "out/part-*.parquet") read Parquet once a program imports it:
//
//	import _ "github.com/sluicedata/sluice/readers/parquet"
//
// [Open] and [Scan] read a file; [ScanReader] reads an io.ReaderAt.
//
// # Streaming
//
// A read yields one row group at a time, in slices of at most
// Options.ChunkRows rows (a chunk never spans two row groups, so a file of
// small row groups gives small chunks). Only the projected columns' chunks
// are read and decoded (Options.Columns, in that order), page by page.
// Each column is decoded by its own goroutine up to two chunks ahead of the
// consumer, at most GOMAXPROCS of them at once, so memory is about three
// chunks of the projected columns plus one page per column. A file with no
// rows (or whose rows are all filtered out) yields one empty frame with the
// columns, as an empty CSV does.
//
// Pages are decoded by this package (parquet-go reads the footer and
// provides the delta and byte-stream-split decoders): data pages V1 and V2;
// PLAIN, RLE_DICTIONARY / PLAIN_DICTIONARY, RLE (booleans),
// DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT values; UNCOMPRESSED, SNAPPY, GZIP, BROTLI, ZSTD and
// LZ4_RAW pages (not the Hadoop-framed LZ4 nor LZO; not encrypted files).
// Every size a file states is checked before anything is allocated for
// it; a page over 256 MiB or 2^27 values is refused as corrupt.
//
// # Types
//
// Top-level columns map to frame types by their physical and logical (or
// legacy converted) types:
//
//	BOOLEAN                                   → Bool
//	INT32, INT64, INT(8|16|32|64, signed)     → Int64
//	INT(8|16|32, unsigned)                    → Int64
//	INT(64, unsigned)                         → Int64; a value past 2^63-1 is an error
//	                                            (read the column as Float64 with Options.Types)
//	FLOAT, DOUBLE                             → Float64 (NaN reads as null, as in every frame)
//	FIXED_LEN_BYTE_ARRAY(2) FLOAT16           → Float64
//	DECIMAL(p, s) on INT32, INT64,            → Float64, the decimal's nearest float64
//	  FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY        (exact to 15 significant digits; past that
//	                                            it rounds, as parsing the text would; read
//	                                            the column as String for exact text "12.50")
//	DATE                                      → Date
//	TIMESTAMP(MILLIS|MICROS|NANOS)            → Datetime (nanoseconds since 1970 UTC); an
//	                                            instant outside 1677–2262 is an error
//	INT96 (legacy Impala/Spark timestamps)    → Datetime
//	TIME(MILLIS|MICROS|NANOS)                 → Int64, nanoseconds since midnight
//	BYTE_ARRAY STRING/UTF8, ENUM, JSON, BSON,
//	  or no annotation                        → String (the bytes as they are)
//	FIXED_LEN_BYTE_ARRAY(16) UUID             → String, 8-4-4-4-12 lowercase hex
//	FIXED_LEN_BYTE_ARRAY (no annotation)      → String (the raw bytes)
//	INTERVAL                                  → error
//
// Timestamps with isAdjustedToUTC=false ("local" or wall-clock time, as
// DuckDB's TIMESTAMP and Polars' Datetime without a time zone write them)
// are read as if they were UTC: 2021-03-04 06:06:08 stays 06:06:08.
//
// Nulls are the definition levels of OPTIONAL columns. Nested and repeated
// columns (LIST, MAP, structs, VARIANT, repeated fields) are not read: a
// read that includes one fails with an error naming the column and wrapping
// readers.ErrType; leave it out with Options.Columns to read the rest.
//
// # Dictionary strings
//
// A String column whose column chunks are dictionary-encoded is read as a
// dictionary-encoded frame column (frame.Column.IsDict), each row group's
// dictionary decoded once. While they fit in 65,536 entries, the row
// groups' dictionaries are merged into one the whole read shares, so chunks
// concatenate encoded (frame.Concat); past that (a column of many distinct
// values), each chunk refers to its own row group's dictionary. Pages the
// writer fell back to PLAIN for, and Options.NoDict, give plain columns.
// Values are the same either way. Dictionary-encoded numbers (Polars
// writes them) decode their dictionary once per row group too.
//
// # Options
//
// Of [readers.Options] these apply: ChunkRows, Columns, Types, Raw, NoDict,
// Keep and Stats. Types overrides a column's type where a conversion makes
// sense: any column as String (its text: decimals with every digit, dates
// 2006-01-02, datetimes 2006-01-02 15:04:05.999999999), integers and
// booleans as Float64, booleans, dates and datetimes as Int64 (0/1, days,
// nanoseconds), Date as Datetime and back (the day, in UTC); others are an
// error wrapping readers.ErrType. Raw reads every column as String, with
// the same text. A Types name the file lacks wraps readers.ErrNoColumn.
// Stats receives Names, Types, Header (the names), Rows and Bytes (the
// compressed bytes of the row groups passed, for progress); the CSV fields
// stay zero.
//
// Keep (a semi-join while reading, see readers.KeyFilter) filters every
// chunk, and skips a row group when, for some key column, no key lies
// between the column's min and max statistics (or the column is all null
// there) — provided the key column is read with the keys' type.
//
// # Predicate pushdown
//
// [Scan] takes a [Query] whose Where expression filters the rows: a row
// group is skipped, unread, when its statistics prove that no row can match
// one of the `column op literal` terms of the predicate's top-level
// conjunction (x > 5 && state == "TX": a row group with max(x) ≤ 5 is
// skipped), and the chunks of the others are filtered with frame.Filter, so
// the rows are exactly those of filtering the whole file afterwards.
// Statistics are used only when they are trustworthy: min_value/max_value,
// or the deprecated min/max for signed numbers; never for INT96, for a NaN
// bound, or for a column whose type Options.Types changed. [Stats] counts
// the row groups skipped.
//
// # Errors
//
// Errors name the file and, for data, the row group and column:
//
//	parquet: sales.parquet: row group 3, column "ts": TIMESTAMP(...) value … is outside the datetime range
//
// A corrupt or truncated file gives an error wrapping readers.ErrFormat,
// never a panic (parquet-go's panics on bad input are recovered).
package parquet

import "github.com/sluicedata/sluice/readers"

func init() { readers.RegisterFormat(".parquet", Open) }
