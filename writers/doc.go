// Package writers holds chunked sinks for frames: CSV, TSV, JSON and NDJSON
// here, Excel .xlsx and Parquet in the subpackages writers/xlsx and
// writers/parquet.
//
// A [Writer] takes frames with Write, as many times as there are chunks, and
// finishes with Close (or discards with Abort). Every chunk must have the
// schema of the first (names and types, in order); a chunk that differs is
// refused with [ErrSchema]. The header (the Parquet schema) comes from the
// first chunk.
//
// # Formats and the registry
//
// Formats are registered by name with their file extensions ([Register],
// [Formats]); [Create] picks one by the output path's extension, or by
// Options.Format when set, and [New] by name:
//
//	name     extensions        package
//	csv      .csv .txt         writers
//	tsv      .tsv .tab         writers
//	json     .json             writers (one JSON array of records)
//	ndjson   .ndjson .jsonl    writers (one JSON object per line)
//	xlsx     .xlsx             writers/xlsx
//	parquet  .parquet          writers/parquet
//
// xlsx and Parquet live apart so that a program writing text formats does
// not compile excelize or parquet-go; importing the package registers the
// format:
//
//	import _ "github.com/sluicedata/sluice/writers/xlsx"
//
// What moved: writers.NewXLSX and writers.NewParquet are xlsx.NewEncoder and
// parquet.NewEncoder there, over an io.Writer (for a file use Create, or
// [CreateEncoder] to set encoder options such as Parquet row-group limits);
// MaxXLSXRows is xlsx.MaxRows; DefaultParquetRowGroupRows and
// DefaultParquetRowGroupBytes are parquet.DefaultRowGroupRows and
// parquet.DefaultRowGroupBytes. NewCSV stays, returning a Writer.
//
// # Files and streams
//
// [Create] writes a file atomically: data goes to a temporary file in the
// destination's directory (".NAME.tmp-NNN"), which Close fsyncs and renames
// over the destination. Until then nothing changes at the output path, and
// Abort (or a failed Close) removes the temporary file, so a crash or an
// error never leaves a half-written file that looks complete. A symbolic
// link at the path is written through (the link stays, its target is
// replaced); an existing file keeps its permission bits; a new file gets
// 0666 less the umask. A path that exists and is not a regular file
// (/dev/null, a named pipe) is written directly.
//
// [New] writes to any io.Writer, such as os.Stdout: output is buffered and
// flushed after each Write and by Close, which does not close the
// io.Writer; Abort just stops.
//
// # Values in text formats
//
// CSV and TSV follow RFC 4180: a field holding the delimiter, a quote, CR or
// LF is quoted, with quotes doubled; rows end in LF. JSON values follow
// [frame.Frame.AppendJSONRow]: keys in column order, no whitespace inside a
// record. Both write values alike:
//
//	null      CSV: an empty field          JSON: null
//	Int64     all digits: 129600000, -7
//	Float64   the shortest decimal that reads back to the same float64, in
//	          plain notation for magnitudes from 1e-6 up to (not including)
//	          1e16 and for zero, in exponent notation outside:
//	          129600000, 2000000, 0.63217, 0.000001, -0, 1e-07, 1.5e+16
//	          (see [frame.AppendFloat]). A float that holds an integer is
//	          written without a point, so it reads back as an integer.
//	          ±Inf: CSV +Inf and -Inf; JSON null (JSON has no infinities).
//	          NaN never occurs: in a frame it is null.
//	Bool      CSV: true/false, or the spelling Options.BoolFormat names
//	          (TRUE/FALSE, True/False, 1/0); JSON: true/false
//	String    as is (JSON: escaped; invalid UTF-8 becomes U+FFFD)
//	Date      2006-01-02
//	Datetime  RFC 3339 in UTC with the shortest fraction:
//	          2024-03-01T12:30:00Z, 2024-03-01T12:30:00.25Z
//
// In CSV a null and an empty string are both an empty field.
//
// xlsx and Parquet store numbers, booleans and dates natively; see their
// packages.
package writers
