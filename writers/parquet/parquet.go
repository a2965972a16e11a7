// Package parquet writes Parquet files for package writers: importing it
// registers the format "parquet" (extension .parquet), so writers.Create
// ("out.parquet", …) and writers.New(w, "parquet", …) work:
//
//	import _ "github.com/sluicedata/sluice/writers/parquet"
//
// It lives apart from package writers so that programs writing only CSV or
// JSON do not compile parquet-go. See [Encoder] for the file layout.
package parquet

import (
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
)

func init() {
	writers.Register(writers.Format{Name: "parquet", Exts: []string{".parquet"}, New: func(w io.Writer, opt writers.Options) (writers.Encoder, error) {
		return NewEncoder(w, opt)
	}})
}

// Parquet row-group limits: a row group is closed once it holds this many
// rows or its encoded pages reach this many bytes, whichever comes first.
const (
	DefaultRowGroupRows  = 1 << 20  // rows
	DefaultRowGroupBytes = 64 << 20 // bytes of encoded (compressed) pages
)

// parquetBatch is the number of rows handed to a column writer at a time;
// pages are cut between batches, so it also bounds how far a page may exceed
// the library's 256 KiB page buffer.
const parquetBatch = 4096

// Encoder streams frames into a Parquet file with
// github.com/parquet-go/parquet-go, written to an io.Writer. It implements
// writers.Encoder, so writers.Create and writers.New use it; they check
// that every chunk has the first chunk's schema.
//
// The schema comes from the first chunk, columns in frame order, every column
// OPTIONAL (a null is definition level 0):
//
//	Int64    → INT64
//	Float64  → DOUBLE (NaN is null in a frame, so it is written as null)
//	String   → BYTE_ARRAY, logical type STRING (UTF8)
//	Bool     → BOOLEAN
//	Date     → INT32, logical type DATE (days since 1970-01-01)
//	Datetime → INT64, logical type TIMESTAMP(MICROS, isAdjustedToUTC=true)
//
// Datetime columns are written in Options.ParquetTimestampUnit: microseconds
// by default, the unit Spark 3 reads without a setting and duckdb-go scans
// into time.Time (TIMESTAMP(NANOS) needs spark.sql.legacy settings there and
// a cast in DuckDB's database/sql driver). A frame holds nanoseconds, so
// in microseconds (or milliseconds) the digits below the unit are dropped,
// rounding toward the past (floor: 1969-12-31 23:59:59.9999995 becomes
// …59.999999, never 1970); [ParquetNanos] keeps every nanosecond.
//
// Pages are compressed with zstd at its fastest level: every Parquet reader
// (Arrow, DuckDB, Spark, pandas, Polars) reads it, and in
// BenchmarkParquetWrite it costs about what snappy costs in CPU while making
// files 8–15% smaller (zstd's default level was slower still for a few
// percent more). Strings are dictionary-encoded (RLE_DICTIONARY) until the
// column's dictionary passes 1 MiB in a row group, after which that column
// falls back to PLAIN pages for the rest of the row group; numbers and
// booleans are PLAIN. parquet-go also annotates INT64 columns with the
// logical type INT(64, signed), which means the same.
//
// Row groups: chunks are streamed into the current row group as they come,
// encoded and compressed page by page, and the row group is written to the
// file once it holds [DefaultRowGroupRows] rows or its encoded pages
// reach [DefaultRowGroupBytes] (see [Encoder.SetRowGroupLimits]),
// so small chunks do not make tiny row groups and a big chunk is split over
// several. The writer holds at most about one row group of encoded pages (plus
// one page of raw values per column) in memory.
//
// Through writers.Create, like the other formats, the file is written to a
// temporary file in the destination directory and renamed into place by
// Close.
type Encoder struct {
	w      io.Writer
	tsUnit writers.TimestampUnit
	pw     *parquet.GenericWriter[any]
	cols   []*parquet.ColumnWriter
	names  []string
	types  []frame.Type
	vals   []parquet.Value
	closed bool
	err    error // a failed write: the file is unusable and Close fails

	rows      int64 // rows written so far
	groupRows int64 // rows in the current row group
	groupBase int64 // file size estimate when the current row group began
	maxRows   int64
	maxBytes  int64
	maxBuf    int64 // writers.Options.MaxBufferBytes
}

// unitNode returns the TIMESTAMP node of a unit.
func unitNode(u writers.TimestampUnit) parquet.Node {
	switch u {
	case writers.ParquetMillis:
		return parquet.Timestamp(parquet.Millisecond)
	case writers.ParquetNanos:
		return parquet.Timestamp(parquet.Nanosecond)
	}
	return parquet.Timestamp(parquet.Microsecond)
}

// unitNanos returns the number of nanoseconds in one unit.
func unitNanos(u writers.TimestampUnit) int64 {
	switch u {
	case writers.ParquetMillis:
		return 1e6
	case writers.ParquetNanos:
		return 1
	}
	return 1e3
}

// NewEncoder returns a Parquet encoder writing to w. Of the options only
// ParquetTimestampUnit applies (Parquet has no header, delimiter or boolean
// spelling); an unknown unit is an error.
func NewEncoder(w io.Writer, opt writers.Options) (*Encoder, error) {
	if opt.ParquetTimestampUnit > writers.ParquetNanos {
		return nil, fmt.Errorf("parquet: unknown timestamp unit %v", opt.ParquetTimestampUnit)
	}
	pw := &Encoder{
		w:        w,
		tsUnit:   opt.ParquetTimestampUnit,
		maxRows:  DefaultRowGroupRows,
		maxBytes: DefaultRowGroupBytes,
		maxBuf:   opt.MaxBufferBytes,
	}
	if b := opt.MaxBufferBytes; b > 0 {
		// Half the buffer for the row group's encoded pages; the rest is
		// for the dictionaries and raw page buffers (see start).
		pw.maxBytes = min(pw.maxBytes, max(b/2, 1<<20))
	}
	return pw, nil
}

// SetRowGroupLimits sets the row-group limits: a row group is closed once it
// holds rows rows or its encoded pages reach bytes bytes. A value ≤ 0 keeps
// the current limit. It may be called at any time; it applies from the next
// row written.
func (pw *Encoder) SetRowGroupLimits(rows, bytes int64) {
	if rows > 0 {
		pw.maxRows = rows
	}
	if bytes > 0 {
		pw.maxBytes = bytes
	}
}

// Rows returns the number of rows written so far.
func (pw *Encoder) Rows() int64 { return pw.rows }

// parquetCodec compresses every page: zstd at its fastest level (see
// [Encoder]).
var parquetCodec compress.Codec = &zstd.Codec{Level: zstd.SpeedFastest}

// parquetNode returns the OPTIONAL leaf node of a frame type, Datetime in
// unit u.
func parquetNode(t frame.Type, u writers.TimestampUnit) (parquet.Node, error) {
	var n parquet.Node
	switch t {
	case frame.Int64:
		n = parquet.Leaf(parquet.Int64Type)
	case frame.Float64:
		n = parquet.Leaf(parquet.DoubleType)
	case frame.String:
		n = parquet.Encoded(parquet.String(), &parquet.RLEDictionary)
	case frame.Bool:
		n = parquet.Leaf(parquet.BooleanType)
	case frame.Date:
		n = parquet.Date()
	case frame.Datetime:
		n = unitNode(u)
	default:
		return nil, fmt.Errorf("parquet: unsupported column type %v", t)
	}
	return parquet.Optional(n), nil
}

// start builds the schema from the first chunk and opens the Parquet writer.
func (pw *Encoder) start(chunk *frame.Frame) error {
	names, types := chunk.Names(), chunk.Types()
	fields := make(orderedGroup, len(names))
	for i, t := range types {
		n, err := parquetNode(t, pw.tsUnit)
		if err != nil {
			return fmt.Errorf("%w (column %q)", err, names[i])
		}
		fields[i] = parquetField{Node: n, name: names[i]}
	}
	schema := parquet.NewSchema("sluice", fields)
	dictMax, pageBuf := int64(1<<20), int64(256<<10)
	if pw.maxBuf > 0 {
		// Each column holds a dictionary and a page of raw values: give
		// them a quarter of the buffer each, within [16 KiB, default].
		per := pw.maxBuf / 4 / int64(max(len(names), 1))
		dictMax = min(dictMax, max(per, 16<<10))
		pageBuf = min(pageBuf, max(per, 16<<10))
	}
	w, err := newGenericWriter(pw.w, schema,
		parquet.Compression(parquetCodec),
		parquet.DictionaryMaxBytes(dictMax),
		parquet.PageBufferSize(int(pageBuf)),
	)
	if err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	pw.pw, pw.names, pw.types = w, names, types
	pw.cols = w.ColumnWriters()
	if len(pw.cols) != len(names) {
		return fmt.Errorf("parquet: %d column writers for %d columns", len(pw.cols), len(names))
	}
	pw.groupBase = w.Size()
	return nil
}

// newGenericWriter is parquet.NewGenericWriter, with its panics (on an
// invalid configuration) turned into errors.
func newGenericWriter(out io.Writer, opts ...parquet.WriterOption) (w *parquet.GenericWriter[any], err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return parquet.NewGenericWriter[any](out, opts...), nil
}

// Write implements writers.Encoder. A chunk whose columns differ from the
// first chunk's (names or types) gives an error wrapping writers.ErrSchema
// and is not written; the encoder stays usable. Any other error leaves the
// file unusable: later Writes return it and Close fails.
func (pw *Encoder) Write(chunk *frame.Frame) error {
	if pw.closed {
		return writers.ErrClosed
	}
	if pw.err != nil {
		return pw.err
	}
	if pw.pw == nil {
		if err := pw.start(chunk); err != nil {
			pw.err = err
			return err
		}
	} else if err := checkSchema(pw.names, pw.types, chunk); err != nil {
		return err
	}
	if err := pw.write(chunk); err != nil {
		pw.err = err
		return err
	}
	return nil
}

func (pw *Encoder) write(chunk *frame.Frame) error {
	n := chunk.NumRows()
	cols := chunk.Columns()
	for lo := 0; lo < n; {
		hi := min(n, lo+parquetBatch, lo+int(pw.maxRows-pw.groupRows))
		for k, c := range cols {
			vals, err := appendParquetValues(pw.vals[:0], c, k, lo, hi, unitNanos(pw.tsUnit))
			pw.vals = vals
			if err != nil {
				return err
			}
			if _, err := pw.cols[k].WriteRowValues(vals); err != nil {
				return fmt.Errorf("parquet column %q: %w", c.Name(), err)
			}
		}
		clear(pw.vals) // drop references to the chunk's strings
		pw.rows += int64(hi - lo)
		pw.groupRows += int64(hi - lo)
		lo = hi
		if pw.groupRows >= pw.maxRows || pw.pw.Size()-pw.groupBase >= pw.maxBytes {
			if err := pw.flushGroup(); err != nil {
				return err
			}
		}
	}
	return nil
}

// flushGroup writes the current row group to the file.
func (pw *Encoder) flushGroup() error {
	if err := pw.pw.Flush(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	pw.groupRows = 0
	pw.groupBase = pw.pw.Size()
	return nil
}

// appendParquetValues appends values [lo, hi) of c, as leaf column k, to dst;
// Datetime values in units of tsNanos nanoseconds (rounded down).
func appendParquetValues(dst []parquet.Value, c *frame.Column, k, lo, hi int, tsNanos int64) ([]parquet.Value, error) {
	valid := c.Validity()
	null := parquet.NullValue().Level(0, 0, k)
	isNull := func(i int) bool { return valid != nil && valid[i>>6]&(1<<(uint(i)&63)) == 0 }
	switch c.Type() {
	case frame.Int64:
		for i, v := range c.Int64s()[lo:hi] {
			if isNull(lo + i) {
				dst = append(dst, null)
			} else {
				dst = append(dst, parquet.Int64Value(v).Level(0, 1, k))
			}
		}
	case frame.Datetime:
		for i, v := range c.Int64s()[lo:hi] {
			if isNull(lo + i) {
				dst = append(dst, null)
				continue
			}
			if tsNanos > 1 {
				q := v / tsNanos
				if v%tsNanos < 0 {
					q-- // floor, not truncation toward zero
				}
				v = q
			}
			dst = append(dst, parquet.Int64Value(v).Level(0, 1, k))
		}
	case frame.Date:
		for i, v := range c.Int64s()[lo:hi] {
			switch {
			case isNull(lo + i):
				dst = append(dst, null)
			case v < math.MinInt32 || v > math.MaxInt32:
				return dst, fmt.Errorf("parquet column %q row %d: date %d days out of INT32 range", c.Name(), lo+i, v)
			default:
				dst = append(dst, parquet.Int32Value(int32(v)).Level(0, 1, k))
			}
		}
	case frame.Float64:
		for i, v := range c.Float64s()[lo:hi] {
			if isNull(lo+i) || v != v {
				dst = append(dst, null)
			} else {
				dst = append(dst, parquet.DoubleValue(v).Level(0, 1, k))
			}
		}
	case frame.Bool:
		for i, v := range c.Bools()[lo:hi] {
			if isNull(lo + i) {
				dst = append(dst, null)
			} else {
				dst = append(dst, parquet.BooleanValue(v).Level(0, 1, k))
			}
		}
	case frame.String:
		// The column buffer copies the bytes, so they may alias the chunk.
		for i := lo; i < hi; i++ {
			if isNull(i) {
				dst = append(dst, null)
			} else {
				dst = append(dst, parquet.ByteArrayValue(c.StrBytes(i)).Level(0, 1, k))
			}
		}
	default:
		return dst, fmt.Errorf("parquet: unsupported column type %v", c.Type())
	}
	return dst, nil
}

// Close implements writers.Encoder: it writes the last row group and the
// footer. Closing an encoder that was given no chunk fails (a Parquet file
// needs a schema); through writers.Create that leaves nothing at the path.
func (pw *Encoder) Close() error {
	if pw.closed {
		return nil
	}
	pw.closed = true
	if pw.err != nil {
		return pw.err
	}
	if pw.pw == nil {
		return fmt.Errorf("parquet: %w", errNoSchema)
	}
	if err := pw.pw.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// errNoSchema: Close before any Write.
var errNoSchema = errors.New("no chunk written, so no schema")

// checkSchema compares a chunk with the first chunk's names and types.
// (writers.Create and writers.New check before the encoder sees a chunk;
// this covers callers using the Encoder directly.)
func checkSchema(names []string, types []frame.Type, chunk *frame.Frame) error {
	if chunk.NumCols() != len(names) {
		return fmt.Errorf("parquet: chunk has %d columns, first chunk %d: %w", chunk.NumCols(), len(names), writers.ErrSchema)
	}
	for i, c := range chunk.Columns() {
		if c.Name() != names[i] || c.Type() != types[i] {
			return fmt.Errorf("parquet: chunk column %d is %s %v, first chunk has %s %v: %w",
				i, c.Name(), c.Type(), names[i], types[i], writers.ErrSchema)
		}
	}
	return nil
}

// orderedGroup is a Parquet group node whose fields keep their order
// (parquet.Group is a map and sorts its fields by name).
type orderedGroup []parquet.Field

var _ parquet.Node = orderedGroup(nil)

// ID implements parquet.Node.
func (g orderedGroup) ID() int { return 0 }

// String implements parquet.Node.
func (g orderedGroup) String() string { return parquet.NewSchema("", g).String() }

// Type implements parquet.Node: the library's group type.
func (g orderedGroup) Type() parquet.Type { return parquet.Group{}.Type() }

// Optional implements parquet.Node.
func (g orderedGroup) Optional() bool { return false }

// Repeated implements parquet.Node.
func (g orderedGroup) Repeated() bool { return false }

// Required implements parquet.Node.
func (g orderedGroup) Required() bool { return true }

// Leaf implements parquet.Node.
func (g orderedGroup) Leaf() bool { return false }

// Fields implements parquet.Node, in frame column order.
func (g orderedGroup) Fields() []parquet.Field { return g }

// Encoding implements parquet.Node.
func (g orderedGroup) Encoding() encoding.Encoding { return nil }

// Compression implements parquet.Node.
func (g orderedGroup) Compression() compress.Codec { return nil }

// GoType implements parquet.Node. The writer never maps Go values through
// the schema (it writes column values directly), so a map stands in.
func (g orderedGroup) GoType() reflect.Type { return reflect.TypeFor[map[string]any]() }

// parquetField is a named field of an orderedGroup.
type parquetField struct {
	parquet.Node
	name string
}

// Name implements parquet.Field.
func (f parquetField) Name() string { return f.name }

// Value implements parquet.Field: the field of a map[string]any row.
func (f parquetField) Value(base reflect.Value) reflect.Value {
	if base.Kind() == reflect.Interface {
		base = base.Elem()
	}
	if base.Kind() != reflect.Map {
		return reflect.Value{}
	}
	return base.MapIndex(reflect.ValueOf(f.name))
}
