// Package sqlconv moves data between database/sql and sluice frames: query
// results into frames, chunk by chunk ([Rows], [Query]), and frames into
// tables with batched multi-row INSERTs ([Insert]). It works with any
// database/sql driver; its tests run against SQLite (modernc.org/sqlite, a
// pure-Go driver).
//
// # Reading: SQL types to frame types
//
// Each result column gets a frame type from, in order: [Options.Types] (the
// caller's choice); the column's database type name
// (sql.ColumnType.DatabaseTypeName, parameters such as "(10,2)" removed,
// case ignored); the driver's scan type (ColumnType.ScanType); and, when
// neither says (SQLite expressions such as count(*) or x+1 have no declared
// type), the Go types of the values in the first chunk.
//
//	INTEGER INT BIGINT SMALLINT TINYINT MEDIUMINT INT2 INT4 INT8 SERIAL BIGSERIAL
//	UNSIGNED BIG INT HUGEINT                                      → Int64
//	REAL FLOAT DOUBLE "DOUBLE PRECISION" FLOAT4 FLOAT8 NUMERIC
//	DECIMAL NUMBER MONEY                                          → Float64
//	BOOLEAN BOOL BIT                                              → Bool
//	DATE                                                          → Date
//	DATETIME TIMESTAMP TIMESTAMPTZ "TIMESTAMP WITH TIME ZONE" …   → Datetime
//	TEXT VARCHAR CHAR NVARCHAR CLOB STRING UUID JSON BLOB BYTEA … → String
//
// Other names fall back on SQLite's affinity rules (a name containing
// "INT" is Int64; "CHAR", "CLOB" or "TEXT" String; "REAL", "FLOA" or "DOUB"
// Float64), then on the scan type, then on the values. Decimals become the
// nearest float64. Values are converted to the column's type: integers,
// floats, booleans (0/1, "true"/"false", "t"/"f"), times (time.Time, or
// text in the usual layouts: RFC 3339, "2006-01-02 15:04:05.999999999",
// with or without a zone, Go's time.Time.String form, a bare date) and text
// (numbers, booleans and times are formatted); a value that does not
// convert is an error naming the column, the row and the value. SQL NULL
// is a null.
//
// Inferring from values: all integers give Int64; integers and floats
// Float64; all booleans Bool; all times Datetime; anything else String. A
// column with only NULLs in the first chunk is String.
//
// # Writing: frame types to SQL
//
// [Insert] binds Int64 as int64, Float64 as float64, String as string, Bool
// as bool, Date as a time.Time at midnight UTC and Datetime as a time.Time
// in UTC, leaving the database representation to the driver; nulls as NULL.
// With [InsertOptions.Create] it first creates the table with the types
// given by [InsertOptions.SQLTypes] (BIGINT, DOUBLE PRECISION, TEXT,
// BOOLEAN, DATE, TIMESTAMP by default), which read back as the same frame
// types.
//
// What cannot round-trip exactly depends on the database. With SQLite:
// there is no boolean type (BOOLEAN stores 0 and 1; the declared type
// brings Bool back), dates and times are stored as text (the driver writes
// Go's time.Time.String form and parses it back, so years outside 1–9999
// do not survive), a REAL -0 is read back as 0, and dictionary-encoded
// strings come back plain. Everything else, ±Inf and 64-bit integers
// included, reads back identical; the package's property test checks it.
package sqlconv

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/sluicedata/sluice/frame"
)

// ErrConvert is wrapped by the error for a value that does not convert to
// its column's frame type.
var ErrConvert = errors.New("value does not convert")

// Options tunes [Rows]. The zero value reads chunks of 65536 rows with the
// types the package comment describes.
type Options struct {
	// ChunkRows is the most rows in one frame; 0 means 65536.
	ChunkRows int
	// Types forces the frame type of the named result columns.
	Types map[string]frame.Type
}

// Querier is what [Query] queries: *sql.DB, *sql.Tx and *sql.Conn.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Query runs query with args and returns all its rows as one frame (see
// [Rows] for the types); it closes the rows. For big results, or options,
// iterate [Rows] instead.
func Query(ctx context.Context, db Querier, query string, args ...any) (*frame.Frame, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlconv: query: %w", err)
	}
	var chunks []*frame.Frame
	for f, err := range Rows(ctx, rows, Options{}) {
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, f)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	f, err := frame.Concat(chunks...)
	if err != nil {
		return nil, fmt.Errorf("sqlconv: %w", err)
	}
	return f, nil
}

// Rows reads rows as a stream of frames of at most opt.ChunkRows rows,
// typed as the package comment says (every chunk has the same column types,
// chosen before the first is yielded). A result with no rows yields one
// empty frame with the columns. It checks ctx between rows, yields an error
// once and stops (a conversion error names the column and the row,
// counting from 1 over the whole result), and closes rows when it is done
// or the consumer stops early.
//
// Cost: every value is scanned as a driver value (database/sql boxes it
// in an interface) and appended to a typed builder; a chunk holds its
// values once as boxed values while being built.
func Rows(ctx context.Context, rows *sql.Rows, opt Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		defer rows.Close()
		chunk := opt.ChunkRows
		if chunk <= 0 {
			chunk = 1 << 16
		}
		cts, err := rows.ColumnTypes()
		if err != nil {
			yield(nil, fmt.Errorf("sqlconv: column types: %w", err))
			return
		}
		n := len(cts)
		if n == 0 {
			yield(nil, fmt.Errorf("sqlconv: the query returns no columns"))
			return
		}
		names := make([]string, n)
		types := make([]frame.Type, n) // Invalid: from the first chunk's values
		for i, ct := range cts {
			names[i] = ct.Name()
			if t, ok := opt.Types[ct.Name()]; ok {
				types[i] = t
			} else {
				types[i] = typeOf(ct)
			}
		}
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		row := 0
		buf := make([][]any, n) // the chunk's values, by column
		emit := func() bool {
			cols := make([]*frame.Column, n)
			for i := range n {
				if types[i] == frame.Invalid {
					types[i] = inferType(buf[i])
				}
				b := frame.NewBuilder(types[i], len(buf[i]))
				if b == nil {
					yield(nil, fmt.Errorf("sqlconv: column %q: invalid type %v", names[i], types[i]))
					return false
				}
				first := row - len(buf[i]) + 1
				for k, v := range buf[i] {
					if err := appendValue(b, v); err != nil {
						yield(nil, fmt.Errorf("sqlconv: column %q, row %d: %w", names[i], first+k, err))
						return false
					}
				}
				cols[i] = b.Build(names[i])
				buf[i] = buf[i][:0]
			}
			f, err := frame.New(cols...)
			if err != nil {
				yield(nil, fmt.Errorf("sqlconv: %w", err))
				return false
			}
			return yield(f, nil)
		}
		yielded := false
		for rows.Next() {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if err := rows.Scan(ptrs...); err != nil {
				yield(nil, fmt.Errorf("sqlconv: row %d: %w", row+1, err))
				return
			}
			row++
			for i, v := range vals {
				buf[i] = append(buf[i], v)
			}
			if len(buf[0]) == chunk {
				if !emit() {
					return
				}
				yielded = true
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("sqlconv: rows: %w", err))
			return
		}
		if len(buf[0]) > 0 || !yielded {
			emit()
		}
	}
}

// typeOf maps a result column's declared type, then its scan type, to a
// frame type (Invalid: infer from the values).
func typeOf(ct *sql.ColumnType) frame.Type {
	if t := typeOfName(ct.DatabaseTypeName()); t != frame.Invalid {
		return t
	}
	st := ct.ScanType()
	if st == nil {
		return frame.Invalid
	}
	switch st {
	case reflect.TypeFor[sql.NullInt64](), reflect.TypeFor[sql.NullInt32](), reflect.TypeFor[sql.NullInt16](), reflect.TypeFor[sql.NullByte]():
		return frame.Int64
	case reflect.TypeFor[sql.NullFloat64]():
		return frame.Float64
	case reflect.TypeFor[sql.NullBool]():
		return frame.Bool
	case reflect.TypeFor[sql.NullString](), reflect.TypeFor[sql.RawBytes](), reflect.TypeFor[[]byte]():
		return frame.String
	case reflect.TypeFor[time.Time](), reflect.TypeFor[sql.NullTime]():
		return frame.Datetime
	}
	switch st.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return frame.Int64
	case reflect.Float32, reflect.Float64:
		return frame.Float64
	case reflect.Bool:
		return frame.Bool
	case reflect.String:
		return frame.String
	}
	return frame.Invalid
}

var typeNames = map[string]frame.Type{}

func init() {
	for t, names := range map[frame.Type]string{
		frame.Int64:    "INTEGER INT BIGINT SMALLINT TINYINT MEDIUMINT INT2 INT4 INT8 SERIAL BIGSERIAL SMALLSERIAL UNSIGNED_BIG_INT HUGEINT LONG",
		frame.Float64:  "REAL FLOAT DOUBLE DOUBLE_PRECISION FLOAT4 FLOAT8 NUMERIC DECIMAL NUMBER MONEY",
		frame.Bool:     "BOOLEAN BOOL BIT",
		frame.Date:     "DATE",
		frame.Datetime: "DATETIME DATETIME2 TIMESTAMP TIMESTAMPTZ TIMESTAMP_WITH_TIME_ZONE TIMESTAMP_WITHOUT_TIME_ZONE TIMESTAMP_TZ TIMESTAMP_NS TIMESTAMP_MS TIMESTAMP_S SMALLDATETIME DATETIMEOFFSET",
		frame.String:   "TEXT VARCHAR CHAR CHARACTER NCHAR NVARCHAR VARCHAR2 NVARCHAR2 CHARACTER_VARYING CLOB STRING UUID JSON JSONB XML BLOB BYTEA BINARY VARBINARY ENUM CITEXT",
	} {
		for _, n := range strings.Fields(names) {
			typeNames[n] = t
		}
	}
}

// typeOfName maps a database type name to a frame type (Invalid when it
// says nothing).
func typeOfName(name string) frame.Type {
	n := strings.ToUpper(strings.TrimSpace(name))
	if i := strings.IndexByte(n, '('); i >= 0 { // VARCHAR(20), DECIMAL(10,2), TIMESTAMP(6) WITH TIME ZONE
		if j := strings.IndexByte(n[i:], ')'); j >= 0 {
			n = n[:i] + n[i+j+1:]
		} else {
			n = n[:i]
		}
	}
	n = strings.Join(strings.Fields(n), "_")
	if n == "" {
		return frame.Invalid
	}
	if t, ok := typeNames[n]; ok {
		return t
	}
	// SQLite's affinity rules (https://sqlite.org/datatype3.html, 3.1)
	switch {
	case strings.Contains(n, "INT") && !strings.Contains(n, "INTERVAL") && !strings.Contains(n, "POINT"):
		return frame.Int64
	case strings.Contains(n, "CHAR") || strings.Contains(n, "CLOB") || strings.Contains(n, "TEXT"):
		return frame.String
	case strings.Contains(n, "REAL") || strings.Contains(n, "FLOA") || strings.Contains(n, "DOUB"):
		return frame.Float64
	}
	return frame.Invalid
}

// inferType picks a frame type for values of unknown type.
func inferType(vals []any) frame.Type {
	var ints, floats, bools, times, other int
	for _, v := range vals {
		switch v.(type) {
		case nil:
		case int64, int32, int16, int8, int, uint8, uint16, uint32:
			ints++
		case float64, float32:
			floats++
		case bool:
			bools++
		case time.Time:
			times++
		default:
			other++
		}
	}
	switch {
	case other > 0 || ints+floats+bools+times == 0:
		return frame.String
	case floats > 0 && bools+times == 0:
		return frame.Float64
	case ints > 0 && bools+times == 0:
		return frame.Int64
	case bools > 0 && ints+floats+times == 0:
		return frame.Bool
	case times > 0 && ints+floats+bools == 0:
		return frame.Datetime
	}
	return frame.String
}

// appendValue converts a driver value to the builder's type.
func appendValue(b frame.Builder, v any) error {
	if v == nil {
		b.AppendNull()
		return nil
	}
	bad := func() error { return fmt.Errorf("%T %v as %v: %w", v, v, b.Type(), ErrConvert) }
	switch b.Type() {
	case frame.Int64:
		switch x := v.(type) {
		case int64:
			b.(*frame.Int64Builder).Append(x)
		case float64:
			if x != math.Trunc(x) || x < -(1<<63) || x >= 1<<63 {
				return bad()
			}
			b.(*frame.Int64Builder).Append(int64(x))
		case bool:
			b.(*frame.Int64Builder).Append(b2i(x))
		case []byte, string:
			i, err := strconv.ParseInt(strings.TrimSpace(text(x)), 10, 64)
			if err != nil {
				return bad()
			}
			b.(*frame.Int64Builder).Append(i)
		default:
			if err := b.AppendValue(v); err != nil {
				return bad()
			}
		}
	case frame.Float64:
		switch x := v.(type) {
		case []byte, string:
			f, err := strconv.ParseFloat(strings.TrimSpace(text(x)), 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return bad()
			}
			b.(*frame.Float64Builder).Append(f)
		case bool:
			b.(*frame.Float64Builder).Append(float64(b2i(x)))
		default:
			if err := b.AppendValue(v); err != nil {
				return bad()
			}
		}
	case frame.Bool:
		switch x := v.(type) {
		case bool:
			b.(*frame.BoolBuilder).Append(x)
		case int64:
			if x != 0 && x != 1 {
				return bad()
			}
			b.(*frame.BoolBuilder).Append(x == 1)
		case []byte, string:
			switch strings.ToLower(strings.TrimSpace(text(x))) {
			case "true", "t", "1", "yes", "y":
				b.(*frame.BoolBuilder).Append(true)
			case "false", "f", "0", "no", "n":
				b.(*frame.BoolBuilder).Append(false)
			default:
				return bad()
			}
		default:
			return bad()
		}
	case frame.Date, frame.Datetime:
		var t time.Time
		switch x := v.(type) {
		case time.Time:
			t = x
		case []byte, string:
			var ok bool
			if t, ok = parseTime(text(x)); !ok {
				return bad()
			}
		default:
			return bad()
		}
		if b.Type() == frame.Date {
			b.(*frame.Int64Builder).Append(frame.DaysFromTime(t))
		} else {
			if t.Before(minTime) || t.After(maxTime) {
				return fmt.Errorf("%v: outside the datetimes int64 nanoseconds hold (years 1678 to 2262): %w", t, ErrConvert)
			}
			b.(*frame.Int64Builder).Append(t.UnixNano())
		}
	case frame.String:
		sb := b.(*frame.StringBuilder)
		switch x := v.(type) {
		case string:
			sb.Append(x)
		case []byte:
			sb.AppendBytes(x)
		case int64:
			sb.Append(strconv.FormatInt(x, 10))
		case float64:
			sb.Append(strconv.FormatFloat(x, 'g', -1, 64))
		case bool:
			sb.Append(strconv.FormatBool(x))
		case time.Time:
			sb.Append(x.Format(time.RFC3339Nano))
		default:
			sb.Append(fmt.Sprint(x))
		}
	default:
		return bad()
	}
	return nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func text(v any) string {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v.(string)
}

var minTime, maxTime = time.Unix(0, math.MinInt64), time.Unix(0, math.MaxInt64)

// timeLayouts are tried in order by parseTime.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700 MST", // time.Time.String
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999-07",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime parses a time written as text; without a zone it is UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, " m=+"); i >= 0 { // a monotonic clock reading from time.Time.String
		s = s[:i]
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
