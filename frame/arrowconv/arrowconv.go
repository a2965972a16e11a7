// Package arrowconv converts between sluice frames and Apache Arrow record
// batches (github.com/apache/arrow-go/v18), the columnar format that
// DuckDB, Polars, pandas (pyarrow), Spark and Flight speak.
//
// # Types
//
// Frame to Arrow ([ToRecord], [Schema]):
//
//	frame Int64             → int64                        shared
//	frame Float64           → float64                      shared
//	frame String            → large_string (int64 offsets)  shared
//	frame String, dict.     → dictionary<int32, large_string>: indices and values shared
//	frame Bool              → bool                         copied (Arrow packs bits)
//	frame Date              → date32 (days)                copied (int64 → int32)
//	frame Datetime          → timestamp[ns, tz=UTC]        shared
//
// Every field is nullable. "Shared" means the Arrow buffers are the frame's
// own memory, no copy; frames are immutable, so the record stays valid as
// long as anyone holds it, whatever Release does. Validity bitmaps are
// shared too (on little-endian machines: a frame's bitmap has Arrow's bit
// order there). [Options] change the mapping: Int32Offsets gives Arrow
// string (int32 offsets, copied) for consumers that do not read
// large_string, DecodeDict gives plain strings instead of dictionaries,
// Microseconds gives timestamp[us, tz=UTC] (copied; sub-microsecond digits
// are dropped, rounding toward minus infinity) for consumers such as
// Spark 3 that reject nanoseconds.
//
// Arrow to frame ([FromRecord]) maps every type above back, and more:
//
//	int8 … int64, uint8 … uint32    → Int64 (uint64 too, an error past MaxInt64)
//	float32, float64                → Float64
//	decimal32 … decimal256          → Float64, the nearest float64 to the decimal
//	string, large_string, binary,
//	large_binary, string_view,
//	binary_view                      → String (bytes are not validated)
//	dictionary<any int, string-like> → dictionary-encoded String
//	dictionary<any int, other>       → the decoded value type
//	bool                            → Bool
//	date32, date64                  → Date (date64: days rounded down)
//	timestamp[s|ms|us|ns, any tz]   → Datetime (nanoseconds; an error on overflow)
//	null                            → String, all null
//
// and returns an error wrapping [ErrUnsupported] for the rest (lists,
// structs, maps, intervals, durations, times of day). A timestamp without a
// time zone is taken as UTC. Value buffers are shared, not copied, where
// the layouts agree: int64 and timestamp[ns] values (when every null's slot
// holds 0, as the frame requires), float64 values (when no value is null),
// large_string/large_binary offsets (when every null's slot is empty) and
// the byte data of every string and binary array. The rest is copied, and
// so is every validity bitmap (1 bit a row). Set Options.Copy to copy
// everything, which you must when the record's memory is not managed by
// Go's garbage collector: a frame sharing memory from a C allocator
// (memory.NewCgoArrowAllocator, mallocator) or from a reused pool would see
// it freed or overwritten after the record is released. arrow-go's own
// readers allocate from Go's heap by default (memory.DefaultAllocator),
// which is safe to share.
//
// # NaN and null
//
// A frame Float64 has no NaN distinct from null: a null is stored as NaN
// and a NaN value is a null (see package frame). So a frame null becomes an
// Arrow null (validity bit clear, NaN in the value slot), and both an Arrow
// null and an Arrow NaN that is marked valid become frame nulls: frame →
// Arrow → frame is the identity, while Arrow → frame → Arrow turns valid
// NaNs into nulls. The same holds for float32 and decimals.
//
// # Dictionaries
//
// A frame dictionary is a plain String column of distinct, non-null
// entries; an Arrow dictionary may hold duplicates and nulls, so
// FromRecord re-encodes one that does (a null entry gives null rows).
// Dictionary indices are always copied (4 bytes a row), so that a null's
// code is 0 as the frame requires.
//
// The package is separate so that code not using Arrow never compiles
// arrow-go.
package arrowconv

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/sluicedata/sluice/frame"
)

// ErrUnsupported is returned (wrapped, with the column's name and Arrow
// type) for an Arrow type that has no frame type.
var ErrUnsupported = errors.New("arrow type not supported")

// ErrRange is returned (wrapped, with the column and row) for a value that
// does not fit the target type: a uint64 above MaxInt64, a timestamp
// outside the ±292 years that int64 nanoseconds hold, a date outside
// date32, a string column with more than 2 GiB of text for Int32Offsets.
var ErrRange = errors.New("value out of range")

// Options tunes the conversions. The zero value gives the mapping in the
// package comment, sharing buffers where it can.
type Options struct {
	// Copy makes every buffer a copy, in both directions: needed in
	// FromRecord when the record's memory is not Go-managed.
	Copy bool
	// Int32Offsets makes ToRecord write strings as Arrow string (int32
	// offsets, copied) instead of large_string.
	Int32Offsets bool
	// DecodeDict makes ToRecord write dictionary-encoded String columns as
	// plain strings.
	DecodeDict bool
	// Microseconds makes ToRecord write Datetime as timestamp[us, UTC]
	// instead of timestamp[ns, UTC].
	Microseconds bool
}

var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// Schema returns the Arrow schema [ToRecord] gives f with opt.
func Schema(f *frame.Frame, opt Options) *arrow.Schema {
	fields := make([]arrow.Field, f.NumCols())
	for i, c := range f.Columns() {
		fields[i] = arrow.Field{Name: c.Name(), Type: arrowType(c, opt), Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}

func stringType(opt Options) arrow.DataType {
	if opt.Int32Offsets {
		return arrow.BinaryTypes.String
	}
	return arrow.BinaryTypes.LargeString
}

func arrowType(c *frame.Column, opt Options) arrow.DataType {
	switch c.Type() {
	case frame.Int64:
		return arrow.PrimitiveTypes.Int64
	case frame.Float64:
		return arrow.PrimitiveTypes.Float64
	case frame.Bool:
		return arrow.FixedWidthTypes.Boolean
	case frame.Date:
		return arrow.FixedWidthTypes.Date32
	case frame.Datetime:
		if opt.Microseconds {
			return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		}
		return &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}
	case frame.String:
		if c.IsDict() && !opt.DecodeDict {
			return &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int32, ValueType: stringType(opt)}
		}
		return stringType(opt)
	}
	return nil
}

// ToRecord returns f as an Arrow record batch with [Schema](f, opt), its
// buffers shared with f where the package comment says. The caller owns
// the record and should Release it when done (sharing makes that
// optional: nothing is freed but by Go's garbage collector).
//
// Errors: a Date outside date32's range, or more than 2 GiB of text in one
// String column with Options.Int32Offsets (both wrap [ErrRange]).
func ToRecord(f *frame.Frame, opt Options) (arrow.RecordBatch, error) {
	schema := Schema(f, opt)
	arrs := make([]arrow.Array, f.NumCols())
	release := func() {
		for _, a := range arrs {
			if a != nil {
				a.Release()
			}
		}
	}
	for i, c := range f.Columns() {
		a, err := toArray(c, schema.Field(i).Type, opt)
		if err != nil {
			release()
			return nil, err
		}
		arrs[i] = a
	}
	rec := array.NewRecordBatch(schema, arrs, int64(f.NumRows()))
	release() // the record holds its own references
	return rec, nil
}

// bytesOf returns the memory of s as bytes (shared, or a copy with cp).
func bytesOf[T any](s []T, cp bool) []byte {
	var z T
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
	if cp {
		return append([]byte(nil), b...)
	}
	return b
}

// validityBuffer returns c's validity bitmap in Arrow's layout, or nil
// when c has no nulls.
func validityBuffer(c *frame.Column, cp bool) *memory.Buffer {
	v := c.Validity()
	if v == nil {
		return nil
	}
	if littleEndian {
		return memory.NewBufferBytes(bytesOf(v, cp))
	}
	b := make([]byte, len(v)*8)
	for i, w := range v {
		binary.LittleEndian.PutUint64(b[i*8:], w)
	}
	return memory.NewBufferBytes(b)
}

// newArray wraps buffers as an array of type t.
func newArray(t arrow.DataType, n int, bufs []*memory.Buffer, nulls int) arrow.Array {
	d := array.NewData(t, n, bufs, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

func toArray(c *frame.Column, t arrow.DataType, opt Options) (arrow.Array, error) {
	n, nulls := c.Len(), c.NullCount()
	valid := validityBuffer(c, opt.Copy)
	switch c.Type() {
	case frame.Int64:
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(c.Int64s(), opt.Copy))}, nulls), nil
	case frame.Float64:
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(c.Float64s(), opt.Copy))}, nulls), nil
	case frame.Bool:
		bits := make([]byte, (n+7)/8)
		for i, v := range c.Bools() {
			if v {
				bits[i/8] |= 1 << (i % 8)
			}
		}
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bits)}, nulls), nil
	case frame.Date:
		days := make([]int32, n)
		for i, d := range c.Int64s() {
			if d < math.MinInt32 || d > math.MaxInt32 {
				return nil, fmt.Errorf("arrowconv: column %q, row %d: date %d days from 1970 does not fit date32: %w", c.Name(), i, d, ErrRange)
			}
			days[i] = int32(d)
		}
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(days, false))}, nulls), nil
	case frame.Datetime:
		ns := c.Int64s()
		if opt.Microseconds {
			us := make([]int64, n)
			for i, v := range ns {
				q := v / 1000
				if v%1000 < 0 {
					q--
				}
				us[i] = q
			}
			ns = us
		}
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(ns, opt.Copy))}, nulls), nil
	case frame.String:
		if dt, ok := t.(*arrow.DictionaryType); ok {
			dict, codes := c.Dictionary()
			vals, err := toArray(dict, dt.ValueType, opt)
			if err != nil {
				return nil, fmt.Errorf("arrowconv: column %q: dictionary: %w", c.Name(), err)
			}
			defer vals.Release()
			d := array.NewDataWithDictionary(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(codes, opt.Copy))},
				nulls, 0, vals.Data().(*array.Data))
			defer d.Release()
			return array.MakeFromData(d), nil
		}
		c = c.Decode() // a no-op unless DecodeDict applies
		offs, data := c.StringBuffers()
		if offs == nil { // an empty column may have none
			offs = []int64{0}
		}
		if opt.Int32Offsets {
			base := offs[0]
			if offs[len(offs)-1]-base > math.MaxInt32 {
				return nil, fmt.Errorf("arrowconv: column %q: %d bytes of text do not fit int32 offsets: %w", c.Name(), offs[len(offs)-1]-base, ErrRange)
			}
			o32 := make([]int32, len(offs))
			for i, o := range offs {
				o32[i] = int32(o - base)
			}
			data = data[base:offs[len(offs)-1]]
			return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(o32, false)), memory.NewBufferBytes(bytesOf(data, opt.Copy))}, nulls), nil
		}
		return newArray(t, n, []*memory.Buffer{valid, memory.NewBufferBytes(bytesOf(offs, opt.Copy)), memory.NewBufferBytes(bytesOf(data, opt.Copy))}, nulls), nil
	}
	return nil, fmt.Errorf("arrowconv: column %q: frame type %v: %w", c.Name(), c.Type(), ErrUnsupported)
}

// FromRecord returns rec as a frame: one column per field, named as the
// field, typed as the package comment says, sharing rec's buffers where
// the layouts agree (unless Options.Copy). Only Options.Copy applies.
//
// Errors: a field of an unsupported type ([ErrUnsupported]), a value out
// of range ([ErrRange]), two fields with one name (frame.ErrDuplicate);
// each names the column.
func FromRecord(rec arrow.RecordBatch, opt Options) (*frame.Frame, error) {
	cols := make([]*frame.Column, rec.NumCols())
	for i := range cols {
		c, err := FromArray(rec.ColumnName(i), rec.Column(i), opt)
		if err != nil {
			return nil, err
		}
		cols[i] = c
	}
	f, err := frame.New(cols...)
	if err != nil {
		return nil, fmt.Errorf("arrowconv: %w", err)
	}
	return f, nil
}

// FromArray returns one Arrow array as a frame column called name; see
// [FromRecord].
func FromArray(name string, a arrow.Array, opt Options) (*frame.Column, error) {
	n := a.Len()
	valid, nulls := validity(a)
	unsupported := func() error {
		return fmt.Errorf("arrowconv: column %q: %v: %w", name, a.DataType(), ErrUnsupported)
	}
	switch a.DataType().ID() {
	case arrow.INT64:
		return intColumn(name, frame.Int64, a.(*array.Int64).Int64Values(), valid, nulls, opt)
	case arrow.INT8:
		return convInts(name, a.(*array.Int8).Int8Values(), valid, nulls)
	case arrow.INT16:
		return convInts(name, a.(*array.Int16).Int16Values(), valid, nulls)
	case arrow.INT32:
		return convInts(name, a.(*array.Int32).Int32Values(), valid, nulls)
	case arrow.UINT8:
		return convInts(name, a.(*array.Uint8).Uint8Values(), valid, nulls)
	case arrow.UINT16:
		return convInts(name, a.(*array.Uint16).Uint16Values(), valid, nulls)
	case arrow.UINT32:
		return convInts(name, a.(*array.Uint32).Uint32Values(), valid, nulls)
	case arrow.UINT64:
		vals := a.(*array.Uint64).Uint64Values()
		for i, v := range vals {
			if v > math.MaxInt64 && a.IsValid(i) {
				return nil, fmt.Errorf("arrowconv: column %q, row %d: uint64 %d does not fit int64: %w", name, i, v, ErrRange)
			}
		}
		return convInts(name, vals, valid, nulls)
	case arrow.FLOAT64:
		return floatColumn(name, a.(*array.Float64).Float64Values(), a, opt), nil
	case arrow.FLOAT32:
		vals := make([]float64, n)
		for i, v := range a.(*array.Float32).Float32Values() {
			vals[i] = float64(v)
		}
		return floatColumn(name, vals, a, Options{}), nil
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		vals := make([]float64, n)
		for i := range vals {
			if a.IsNull(i) {
				continue
			}
			v, err := strconv.ParseFloat(a.ValueStr(i), 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return nil, fmt.Errorf("arrowconv: column %q, row %d: decimal %q: %w", name, i, a.ValueStr(i), err)
			}
			vals[i] = v
		}
		return floatColumn(name, vals, a, Options{}), nil
	case arrow.BOOL:
		b := a.(*array.Boolean)
		vals := make([]bool, n)
		for i := range vals {
			vals[i] = b.IsValid(i) && b.Value(i)
		}
		return frame.AdoptBools(name, vals, valid, nulls)
	case arrow.STRING, arrow.BINARY:
		var offs32 []int32
		if s, ok := a.(*array.String); ok {
			offs32 = s.ValueOffsets()
		} else {
			offs32 = a.(*array.Binary).ValueOffsets()
		}
		offs := make([]int64, len(offs32))
		for i, o := range offs32 {
			offs[i] = int64(o)
		}
		return stringColumn(name, a, offs, dataBuffer(a), valid, nulls, false, opt)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		var offs []int64
		if s, ok := a.(*array.LargeString); ok {
			offs = s.ValueOffsets()
		} else {
			offs = a.(*array.LargeBinary).ValueOffsets()
		}
		return stringColumn(name, a, offs, dataBuffer(a), valid, nulls, true, opt)
	case arrow.STRING_VIEW, arrow.BINARY_VIEW:
		var b frame.StringBuilder
		for i := range n {
			switch {
			case a.IsNull(i):
				b.AppendNull()
			case a.DataType().ID() == arrow.STRING_VIEW:
				b.Append(a.(*array.StringView).Value(i))
			default:
				b.AppendBytes(a.(*array.BinaryView).Value(i))
			}
		}
		return b.Build(name), nil
	case arrow.DATE32:
		days := make([]int64, n)
		for i, d := range a.(*array.Date32).Date32Values() {
			if a.IsValid(i) {
				days[i] = int64(d)
			}
		}
		return frame.AdoptInt64s(name, frame.Date, days, valid, nulls)
	case arrow.DATE64:
		days := make([]int64, n)
		for i, ms := range a.(*array.Date64).Date64Values() {
			if a.IsValid(i) {
				days[i] = floorDiv(int64(ms), 86_400_000)
			}
		}
		return frame.AdoptInt64s(name, frame.Date, days, valid, nulls)
	case arrow.TIMESTAMP:
		vals := a.(*array.Timestamp).TimestampValues()
		raw := unsafe.Slice((*int64)(unsafe.SliceData(vals)), len(vals))
		var mul int64
		switch a.DataType().(*arrow.TimestampType).Unit {
		case arrow.Nanosecond:
			return intColumn(name, frame.Datetime, raw, valid, nulls, opt)
		case arrow.Microsecond:
			mul = 1_000
		case arrow.Millisecond:
			mul = 1_000_000
		default:
			mul = 1_000_000_000
		}
		ns := make([]int64, n)
		for i, v := range raw {
			if a.IsNull(i) {
				continue
			}
			if v > math.MaxInt64/mul || v < math.MinInt64/mul {
				return nil, fmt.Errorf("arrowconv: column %q, row %d: %v %d does not fit int64 nanoseconds: %w", name, i, a.DataType(), v, ErrRange)
			}
			ns[i] = v * mul
		}
		return frame.AdoptInt64s(name, frame.Datetime, ns, valid, nulls)
	case arrow.DICTIONARY:
		return dictColumn(name, a.(*array.Dictionary), valid, nulls, opt)
	case arrow.NULL:
		return frame.Full(name, frame.String, nil, n)
	}
	return nil, unsupported()
}

// validity returns a's validity in the frame's layout (a copy), or nil.
func validity(a arrow.Array) ([]uint64, int) {
	nulls := a.NullN()
	if nulls == 0 {
		return nil, 0
	}
	n := a.Len()
	if a.DataType().ID() == arrow.NULL {
		return make([]uint64, (n+63)/64), n
	}
	v := make([]uint64, (n+63)/64)
	for i := range n {
		if a.IsValid(i) {
			v[i>>6] |= 1 << (uint(i) & 63)
		}
	}
	return v, nulls
}

// intColumn adopts int64 values, shared unless a null's slot is not 0 or
// opt.Copy.
func intColumn(name string, t frame.Type, vals []int64, valid []uint64, nulls int, opt Options) (*frame.Column, error) {
	clean := !opt.Copy
	for i := 0; clean && nulls > 0 && i < len(vals); i++ {
		if vals[i] != 0 && valid[i>>6]&(1<<(uint(i)&63)) == 0 {
			clean = false
		}
	}
	if !clean {
		vals = append([]int64(nil), vals...)
		for i := range vals {
			if nulls > 0 && valid[i>>6]&(1<<(uint(i)&63)) == 0 {
				vals[i] = 0
			}
		}
	}
	return frame.AdoptInt64s(name, t, vals, valid, nulls)
}

type smallInt interface {
	~int8 | ~int16 | ~int32 | ~uint8 | ~uint16 | ~uint32 | ~uint64
}

func convInts[T smallInt](name string, vals []T, valid []uint64, nulls int) (*frame.Column, error) {
	out := make([]int64, len(vals))
	for i, v := range vals {
		if nulls == 0 || valid[i>>6]&(1<<(uint(i)&63)) != 0 {
			out[i] = int64(v)
		}
	}
	return frame.AdoptInt64s(name, frame.Int64, out, valid, nulls)
}

// floatColumn makes a Float64 column of vals (a's values), null where a is
// null or the value is NaN; vals is shared when nothing is null and
// opt.Copy is off, else copied with NaN at the nulls.
func floatColumn(name string, vals []float64, a arrow.Array, opt Options) *frame.Column {
	if a.NullN() == 0 && !opt.Copy {
		return frame.NewFloat64(name, vals) // marks NaNs null, shares vals
	}
	out := make([]float64, len(vals))
	for i, v := range vals {
		if a.IsNull(i) {
			v = math.NaN()
		}
		out[i] = v
	}
	return frame.NewFloat64(name, out)
}

// dataBuffer returns the bytes of a string or binary array's data buffer
// (nil when it has none).
func dataBuffer(a arrow.Array) []byte {
	bufs := a.Data().Buffers()
	if len(bufs) < 3 || bufs[2] == nil {
		return nil
	}
	return bufs[2].Bytes()
}

// stringColumn adopts offsets into data (a's own offsets when shared, else
// a converted copy), sharing data and shared offsets unless opt.Copy, and
// builds the column anew when a null's slot is not empty.
func stringColumn(name string, a arrow.Array, offs []int64, data []byte, valid []uint64, nulls int, shared bool, opt Options) (*frame.Column, error) {
	if len(offs) == 0 {
		offs = []int64{0}
	}
	for i := 0; nulls > 0 && i+1 < len(offs); i++ {
		if offs[i] != offs[i+1] && a.IsNull(i) {
			// a null with bytes in its slot: build anew
			var b frame.StringBuilder
			for k := range a.Len() {
				if a.IsNull(k) {
					b.AppendNull()
				} else {
					b.AppendBytes(data[offs[k]:offs[k+1]])
				}
			}
			return b.Build(name), nil
		}
	}
	if opt.Copy {
		base, end := offs[0], offs[len(offs)-1]
		data = append([]byte(nil), data[base:end]...)
		o := make([]int64, len(offs))
		for i, v := range offs {
			o[i] = v - base
		}
		offs = o
	} else if shared {
		offs = offs[:len(offs):len(offs)]
	}
	return frame.AdoptStrings(name, offs, data, valid, nulls)
}

// dictColumn converts a dictionary array: string-like values become a
// dictionary-encoded String column (re-encoded when the dictionary holds
// nulls or duplicates), other values are decoded.
func dictColumn(name string, d *array.Dictionary, valid []uint64, nulls int, opt Options) (*frame.Column, error) {
	vals, err := FromArray("", d.Dictionary(), opt)
	if err != nil {
		return nil, fmt.Errorf("arrowconv: column %q: dictionary: %w", name, err)
	}
	n := d.Len()
	if vals.Type() != frame.String {
		b := frame.NewBuilder(vals.Type(), n)
		for i := range n {
			if k := d.GetValueIndex(i); d.IsValid(i) && !vals.IsNull(k) {
				b.AppendFrom(vals, k)
			} else {
				b.AppendNull()
			}
		}
		return b.Build(name), nil
	}
	vals = vals.Decode()
	// remap[k] is the frame code of Arrow entry k, -1 for a null entry
	remap := make([]int32, vals.Len())
	seen := make(map[string]int32, vals.Len())
	var db frame.StringBuilder
	clean := true
	for k := range remap {
		if vals.IsNull(k) {
			remap[k], clean = -1, false
			continue
		}
		s := vals.Str(k)
		code, dup := seen[s]
		if !dup {
			code = int32(db.Len())
			seen[s] = code
			db.Append(s)
		} else {
			clean = false
		}
		remap[k] = code
	}
	dict := vals
	if !clean {
		dict = db.Build("")
	}
	codes := make([]uint32, n)
	for i := range codes {
		if !d.IsValid(i) {
			continue
		}
		c := remap[d.GetValueIndex(i)]
		if c < 0 { // a null dictionary entry
			if valid == nil {
				valid = make([]uint64, (n+63)/64)
				for k := range n {
					valid[k>>6] |= 1 << (uint(k) & 63)
				}
			}
			valid[i>>6] &^= 1 << (uint(i) & 63)
			nulls++
			continue
		}
		codes[i] = uint32(c)
	}
	return frame.AdoptDict(name, codes, dict, valid, nulls)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
