// Package json reads NDJSON (one JSON object per line, also called JSON
// Lines) and JSON arrays of objects as streams of typed frames.
//
// Importing the package registers ".ndjson", ".jsonl" and ".json" with
// readers.RegisterFormat, so readers.Open, readers.Files and readers.Glob
// read such files (gzip or zstd compressed too: "x.ndjson.gz"):
//
//	import _ "github.com/sluicedata/sluice/readers/json"
//
// [ReadFile] reads a file, [Read] any io.Reader (standard input).
//
// # Input
//
// The first non-space byte (after an optional UTF-8 byte order mark) tells
// the layout: '[' is a JSON array whose elements are records, read one
// element at a time with encoding/json's Decoder (Token, More), so memory
// holds one element, never the whole array; '{' is NDJSON, one record per
// line (blank lines skipped, CRLF accepted). Every record must be a JSON
// object; anything else is an error wrapping [ErrSyntax]. An empty input,
// "[]", or records without keys give an error wrapping readers.ErrEmpty.
//
// # Columns and types
//
// Like the CSV reader, the reader looks at the first Options.SampleRows
// records (readers.DefaultSampleRows when 0), buffering them, then fixes the
// columns and their types and converts as it streams. The columns are the
// union of the sampled records' keys in first-seen order; a key a record
// lacks (or holds null) is a null. A key that first appears after the sample
// is an error wrapping readers.ErrSchema that names it (and its line or
// element): the chunks already yielded could not have it. SampleRows < 0
// samples every record: ReadFile then reads the file twice (once to infer,
// once to convert); Read seeks back when its reader is an io.Seeker and
// otherwise holds every record in memory. A repeated key within a record:
// the last value wins.
//
// A column's type is inferred from the JSON kinds of its sampled non-null
// values (the rules of frame.JSONKinds, which frame.Frame.UnmarshalJSON uses
// too):
//
//	all numbers without fraction or exponent that fit int64 → Int64 (1.0 is a float)
//	all numbers                                             → Float64 (numbers beyond float64: ±Inf)
//	all true/false                                          → Bool
//	all strings "2006-01-02"                                → Date
//	all strings that are dates or times (RFC 3339, or
//	"2006-01-02 15:04:05[.fff]", UTC when no zone; see
//	frame.ParseDatetime)                                    → Datetime
//	anything else                                           → String
//
// so strings stay strings: "01001" and "12" are not numbers, as JSON typed
// them. A column of mixed kinds is String: numbers keep their JSON text
// (1.50 stays "1.50"), booleans are "true"/"false". Nested objects and
// arrays are kept as their compact JSON text in a String column
// ({"a": [1, 2]} → `{"a":[1,2]}`). A column with no non-null sampled value
// is String. A later value that does not fit its column's type gives a
// *ParseError wrapping readers.ErrType.
//
// Options.Types overrides inferred types by column name; a forced type
// also accepts strings that parse as it ("12" into Int64, "true" into Bool,
// " 1.5 " into Float64). Options.Columns projects (in that order; other keys
// are skipped, even those first seen after the sample). A name in Columns
// or Types that no sampled record has gives readers.ErrNoColumn.
// Options.Raw makes every column String: strings decoded, other values as
// their JSON text. Options.ChunkRows sets the rows per frame. The CSV-only
// options (Delimiter, NA, Thousands, …) do not apply: JSON has its own
// null and number syntax. Options.Keep is applied by readers.Open.
//
// Strings are decoded as encoding/json decodes them: escapes resolved,
// invalid UTF-8 and lone surrogates as U+FFFD.
//
// # Errors
//
// Errors are *ParseError values naming the file (ReadFile), the 1-based
// line of an NDJSON record or the 0-based index of an array element, the
// key and the value's text, and wrapping [ErrSyntax] or a readers sentinel
// (ErrType, ErrSchema, ErrNoColumn, ErrEmpty):
//
//	data.ndjson:12: key "price": number value, column type int64: value does not fit the column type (text "9.5")
//	data.json: element [3]: offset 17: want ',' or '}' (found 'x'): invalid JSON
package json
