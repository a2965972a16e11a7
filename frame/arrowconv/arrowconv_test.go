package arrowconv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/sluicedata/sluice/frame"
)

// randFrame makes rows of every frame type, with nulls (probability
// pnull), extremes and a dictionary-encoded string column.
func randFrame(r *rand.Rand, rows int, pnull float64) *frame.Frame {
	words := []string{"", "a", "Texas", "ü ß", "with,comma", "11-1011", "\x00bin\xff"}
	valid := func() []bool {
		v := make([]bool, rows)
		for i := range v {
			v[i] = r.Float64() >= pnull
		}
		return v
	}
	ints, floats, strs, bools := make([]int64, rows), make([]float64, rows), make([]string, rows), make([]bool, rows)
	days, nanos := make([]int64, rows), make([]int64, rows)
	fvalid := valid()
	for i := range rows {
		ints[i] = []int64{0, -1, math.MaxInt64, math.MinInt64, r.Int64()}[r.IntN(5)]
		floats[i] = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, 5e-324, r.NormFloat64() * 1e6}[r.IntN(7)]
		if !fvalid[i] {
			floats[i] = math.NaN()
		}
		strs[i] = words[r.IntN(len(words))] + fmt.Sprint(r.IntN(3))
		bools[i] = r.IntN(2) == 0
		days[i] = r.Int64N(1<<32) - 1<<31 // all of date32
		// not below MinInt64+1000: the Microseconds option rounds down,
		// and the result must still fit nanoseconds when read back
		nanos[i] = []int64{r.Int64(), -r.Int64(), 0, -1, math.MinInt64 + 1000, math.MaxInt64}[r.IntN(6)]
	}
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("i", ints, valid())),
		frame.NewFloat64("f", floats),
		frame.MustColumn(frame.NewString("s", strs, valid())),
		frame.MustColumn(frame.NewString("d", strs, valid())).DictEncode(),
		frame.MustColumn(frame.NewBool("b", bools, valid())),
		frame.MustColumn(frame.NewDate("day", days, valid())),
		frame.MustColumn(frame.NewDatetime("ts", nanos, valid())),
	))
}

// identical compares names, types, encodings, nulls and values bit for bit.
func identical(a, b *frame.Frame) error {
	if a.NumRows() != b.NumRows() || fmt.Sprint(a.Names()) != fmt.Sprint(b.Names()) || fmt.Sprint(a.Types()) != fmt.Sprint(b.Types()) {
		return fmt.Errorf("shape %d %v %v vs %d %v %v", a.NumRows(), a.Names(), a.Types(), b.NumRows(), b.Names(), b.Types())
	}
	for k := range a.NumCols() {
		ca, cb := a.ColumnAt(k), b.ColumnAt(k)
		if ca.IsDict() != cb.IsDict() || ca.NullCount() != cb.NullCount() {
			return fmt.Errorf("column %s: dict %v/%v, nulls %d/%d", ca.Name(), ca.IsDict(), cb.IsDict(), ca.NullCount(), cb.NullCount())
		}
		for i := range a.NumRows() {
			if ca.IsNull(i) != cb.IsNull(i) {
				return fmt.Errorf("column %s row %d: null %v vs %v", ca.Name(), i, ca.IsNull(i), cb.IsNull(i))
			}
			if ca.IsNull(i) {
				continue
			}
			var same bool
			switch ca.Type() {
			case frame.Float64:
				same = math.Float64bits(ca.Float64(i)) == math.Float64bits(cb.Float64(i))
			case frame.Int64, frame.Date, frame.Datetime:
				same = ca.Int64(i) == cb.Int64(i)
			case frame.Bool:
				same = ca.Bool(i) == cb.Bool(i)
			case frame.String:
				same = bytes.Equal(ca.StrBytes(i), cb.StrBytes(i))
			}
			if !same {
				return fmt.Errorf("column %s row %d: %v vs %v", ca.Name(), i, ca.Value(i), cb.Value(i))
			}
		}
	}
	return nil
}

// viaIPC writes rec as an Arrow IPC stream and reads it back, which checks
// that its buffers are well-formed Arrow.
func viaIPC(t *testing.T, rec arrow.RecordBatch) arrow.RecordBatch {
	t.Helper()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rec.Schema()))
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	if !rd.Next() {
		t.Fatalf("no record: %v", rd.Err())
	}
	out := rd.RecordBatch()
	out.Retain()
	return out
}

// TestRoundTripProperty: random frames with nulls → Arrow → frame are
// identical, with every option, directly and through Arrow IPC.
func TestRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	opts := []Options{{}, {Copy: true}, {Int32Offsets: true}, {DecodeDict: true}, {Microseconds: true}}
	for trial := range 150 {
		rows := r.IntN(70)
		f := randFrame(r, rows, []float64{0, 0.1, 0.5, 1}[r.IntN(4)])
		if trial%3 == 0 && rows > 4 { // a slice: string offsets not starting at 0
			f = f.Slice(2, rows-1)
		}
		for _, opt := range opts {
			rec, err := ToRecord(f, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !rec.Schema().Equal(Schema(f, opt)) || rec.NumRows() != int64(f.NumRows()) {
				t.Fatalf("schema %v", rec.Schema())
			}
			want := f
			if opt.DecodeDict {
				want = frame.Must(f.WithColumn(f.MustColumn("d").Decode()))
			}
			if opt.Microseconds {
				ts := f.MustColumn("ts")
				us := make([]int64, ts.Len())
				valid := make([]bool, ts.Len())
				for i := range us {
					us[i] = floorDiv(ts.Int64(i), 1000) * 1000
					valid[i] = !ts.IsNull(i)
				}
				want = frame.Must(want.WithColumn(frame.MustColumn(frame.NewDatetime("ts", us, valid))))
			}
			for _, src := range []arrow.RecordBatch{rec, viaIPC(t, rec)} {
				got, err := FromRecord(src, Options{Copy: opt.Copy})
				if err != nil {
					t.Fatal(err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("trial %d %+v: %v", trial, opt, err)
				}
			}
			rec.Release()
		}
	}
}

func dataPtr[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

// TestZeroCopy: int64, float64, datetime and large-string buffers are
// shared in both directions unless Options.Copy.
func TestZeroCopy(t *testing.T) {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("i", []int64{1, 2, 3}, []bool{true, false, true})),
		frame.NewFloat64("f", []float64{1.5, 2.5, 3.5}),
		frame.MustColumn(frame.NewString("s", []string{"x", "yy", ""}, nil)),
		frame.MustColumn(frame.NewDatetime("t", []int64{10, 20, 30}, nil)),
	))
	for _, cp := range []bool{false, true} {
		rec, err := ToRecord(f, Options{Copy: cp})
		if err != nil {
			t.Fatal(err)
		}
		ia := rec.Column(0).(*array.Int64).Int64Values()
		fa := rec.Column(1).(*array.Float64).Float64Values()
		sa := rec.Column(2).(*array.LargeString)
		offs, data := f.MustColumn("s").StringBuffers()
		shared := []bool{
			dataPtr(ia) == dataPtr(f.MustColumn("i").Int64s()),
			dataPtr(fa) == dataPtr(f.MustColumn("f").Float64s()),
			dataPtr(sa.ValueOffsets()) == dataPtr(offs),
			dataPtr(sa.Data().Buffers()[2].Bytes()) == dataPtr(data),
			dataPtr(rec.Column(3).(*array.Timestamp).TimestampValues()) == dataPtr(f.MustColumn("t").Int64s()),
		}
		for k, s := range shared {
			if s == cp {
				t.Errorf("to arrow, copy=%v: buffer %d shared=%v", cp, k, s)
			}
		}
		back, err := FromRecord(rec, Options{Copy: cp})
		if err != nil {
			t.Fatal(err)
		}
		boffs, bdata := back.MustColumn("s").StringBuffers()
		shared = []bool{
			dataPtr(back.MustColumn("i").Int64s()) == dataPtr(ia),
			dataPtr(back.MustColumn("f").Float64s()) == dataPtr(fa),
			dataPtr(boffs) == dataPtr(sa.ValueOffsets()),
			dataPtr(bdata) == dataPtr(sa.Data().Buffers()[2].Bytes()),
		}
		for k, s := range shared {
			if s == cp {
				t.Errorf("from arrow, copy=%v: buffer %d shared=%v", cp, k, s)
			}
		}
		rec.Release()
	}
}

// TestFromArrowTypes converts arrays built with arrow's builders (on a
// checked allocator: every buffer is released) of the types only Arrow has.
func TestFromArrowTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	bld := func(dt arrow.DataType, fill func(b array.Builder)) arrow.Array {
		b := array.NewBuilder(mem, dt)
		defer b.Release()
		fill(b)
		return b.NewArray()
	}
	nan := math.NaN()
	cases := []struct {
		name string
		arr  arrow.Array
		want string // fmt of the column's values
		typ  frame.Type
	}{
		{"int8", bld(arrow.PrimitiveTypes.Int8, func(b array.Builder) {
			b.(*array.Int8Builder).AppendValues([]int8{-128, 0, 127}, []bool{true, false, true})
		}), "[-128 <nil> 127]", frame.Int64},
		{"uint32", bld(arrow.PrimitiveTypes.Uint32, func(b array.Builder) {
			b.(*array.Uint32Builder).AppendValues([]uint32{math.MaxUint32, 7}, nil)
		}), "[4294967295 7]", frame.Int64},
		{"uint64", bld(arrow.PrimitiveTypes.Uint64, func(b array.Builder) {
			b.(*array.Uint64Builder).AppendValues([]uint64{math.MaxInt64, math.MaxUint64}, []bool{true, false})
		}), "[9223372036854775807 <nil>]", frame.Int64},
		{"float32 NaN", bld(arrow.PrimitiveTypes.Float32, func(b array.Builder) {
			b.(*array.Float32Builder).AppendValues([]float32{1.5, float32(nan), 0}, []bool{true, true, false})
		}), "[1.5 <nil> <nil>]", frame.Float64},
		{"float64 valid NaN", bld(arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{nan, 2, 7}, []bool{true, true, false})
		}), "[<nil> 2 <nil>]", frame.Float64},
		{"float64 NaN, no nulls", bld(arrow.PrimitiveTypes.Float64, func(b array.Builder) {
			b.(*array.Float64Builder).AppendValues([]float64{nan, 2}, nil)
		}), "[<nil> 2]", frame.Float64},
		{"decimal128", bld(&arrow.Decimal128Type{Precision: 20, Scale: 3}, func(b array.Builder) {
			for _, s := range []string{"12345.678", "-0.001", "0"} {
				if err := b.AppendValueFromString(s); err != nil {
					t.Fatal(err)
				}
			}
			b.AppendNull()
		}), "[12345.678 -0.001 0 <nil>]", frame.Float64},
		{"string", bld(arrow.BinaryTypes.String, func(b array.Builder) {
			b.(*array.StringBuilder).AppendValues([]string{"a", "", "ccc"}, []bool{true, false, true})
		}), "[a <nil> ccc]", frame.String},
		{"binary", bld(arrow.BinaryTypes.Binary, func(b array.Builder) {
			b.(*array.BinaryBuilder).AppendValues([][]byte{[]byte("x\x00y"), nil}, []bool{true, false})
		}), "[x\x00y <nil>]", frame.String},
		{"string_view", bld(arrow.BinaryTypes.StringView, func(b array.Builder) {
			b.(*array.StringViewBuilder).AppendValues([]string{"short", "a longer string than twelve bytes", ""}, []bool{true, true, false})
		}), "[short a longer string than twelve bytes <nil>]", frame.String},
		{"date64", bld(arrow.FixedWidthTypes.Date64, func(b array.Builder) {
			b.(*array.Date64Builder).AppendValues([]arrow.Date64{86_400_000, -1}, nil)
		}), "[1970-01-02 00:00:00 +0000 UTC 1969-12-31 00:00:00 +0000 UTC]", frame.Date},
		{"timestamp s, tz", bld(&arrow.TimestampType{Unit: arrow.Second, TimeZone: "America/New_York"}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1, -1}, []bool{true, true})
		}), "[1970-01-01 00:00:01 +0000 UTC 1969-12-31 23:59:59 +0000 UTC]", frame.Datetime},
		{"timestamp ms", bld(&arrow.TimestampType{Unit: arrow.Millisecond}, func(b array.Builder) {
			b.(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1500, 0}, []bool{true, false})
		}), "[1970-01-01 00:00:01.5 +0000 UTC <nil>]", frame.Datetime},
		{"null", bld(arrow.Null, func(b array.Builder) { b.AppendNull(); b.AppendNull() }), "[<nil> <nil>]", frame.String},
		{"dictionary int8 → int64", bld(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.PrimitiveTypes.Int64}, func(b array.Builder) {
			db := b.(*array.Int64DictionaryBuilder)
			_ = db.Append(7)
			_ = db.Append(9)
			db.AppendNull()
			_ = db.Append(7)
		}), "[7 9 <nil> 7]", frame.Int64},
	}
	for _, c := range cases {
		col, err := FromArray(c.name, c.arr, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		vals := make([]any, col.Len())
		for i := range vals {
			vals[i] = col.Value(i)
		}
		if got := fmt.Sprint(vals); got != c.want || col.Type() != c.typ {
			t.Errorf("%s: got %s %v, want %s %v", c.name, got, col.Type(), c.want, c.typ)
		}
		c.arr.Release()
	}
}

// TestDictionaryReencoded: an Arrow dictionary with duplicate and null
// entries becomes a frame dictionary of distinct, non-null entries.
func TestDictionaryReencoded(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	vb := array.NewStringBuilder(mem)
	vb.AppendValues([]string{"tx", "oh", "tx", ""}, []bool{true, true, true, false})
	vals := vb.NewArray()
	vb.Release()
	ib := array.NewInt16Builder(mem)
	ib.AppendValues([]int16{0, 1, 2, 3, 1, 99}, []bool{true, true, true, true, true, false})
	idx := ib.NewArray()
	ib.Release()
	d := array.NewDictionaryArray(&arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int16, ValueType: arrow.BinaryTypes.String}, idx, vals)
	idx.Release()
	vals.Release()
	defer d.Release()
	c, err := FromArray("st", d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dict, codes := c.Dictionary()
	if !c.IsDict() || dict.Len() != 2 || dict.NullCount() != 0 || c.NullCount() != 2 {
		t.Fatalf("dict %v, %d entries, %d nulls", c.IsDict(), dict.Len(), c.NullCount())
	}
	got := fmt.Sprint([]any{c.Value(0), c.Value(1), c.Value(2), c.Value(3), c.Value(4), c.Value(5)}, codes)
	if want := "[tx oh tx <nil> oh <nil>] [0 1 0 0 1 0]"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	// grouping compares codes: both "tx" rows must be one group
	g, err := frame.Must(frame.New(c)).GroupBy("st").Agg(frame.Count())
	if err != nil || g.NumRows() != 3 {
		t.Errorf("groups: %v %v", g, err)
	}
}

func TestErrors(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	lb := array.NewListBuilder(mem, arrow.PrimitiveTypes.Int64)
	lb.Append(true)
	list := lb.NewArray()
	lb.Release()
	defer list.Release()
	if _, err := FromArray("l", list, Options{}); !errors.Is(err, ErrUnsupported) || err.Error() != `arrowconv: column "l": list<item: int64, nullable>: arrow type not supported` {
		t.Errorf("list: %v", err)
	}
	ub := array.NewUint64Builder(mem)
	ub.AppendValues([]uint64{1, math.MaxInt64 + 1}, nil)
	u := ub.NewArray()
	ub.Release()
	defer u.Release()
	if _, err := FromArray("u", u, Options{}); !errors.Is(err, ErrRange) || err.Error() != `arrowconv: column "u", row 1: uint64 9223372036854775808 does not fit int64: value out of range` {
		t.Errorf("uint64: %v", err)
	}
	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second})
	tb.Append(arrow.Timestamp(1 << 40))
	ts := tb.NewArray()
	tb.Release()
	defer ts.Release()
	if _, err := FromArray("t", ts, Options{}); !errors.Is(err, ErrRange) {
		t.Errorf("timestamp: %v", err)
	}
	big := frame.Must(frame.New(frame.MustColumn(frame.NewDate("d", []int64{1 << 40}, nil))))
	if _, err := ToRecord(big, Options{}); !errors.Is(err, ErrRange) {
		t.Errorf("date: %v", err)
	}
}

func TestStreams(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	full := randFrame(r, 500, 0.2)
	// chunks where the dictionary column is plain in some and encoded in others
	var chunks []*frame.Frame
	for i := 0; i < 500; i += 120 {
		c := full.Slice(i, min(i+120, 500))
		if (i/120)%2 == 1 {
			c = frame.Must(c.WithColumn(c.MustColumn("d").Decode()))
		}
		chunks = append(chunks, c)
	}
	seq := func(yield func(*frame.Frame, error) bool) {
		for _, c := range chunks {
			if !yield(c, nil) {
				return
			}
		}
	}
	rr, err := ToRecordReader(ctx, seq, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// through an IPC stream and back
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rr.Schema()))
	n := 0
	for rr.Next() {
		if err := w.Write(rr.RecordBatch()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if rr.Err() != nil || n != len(chunks) {
		t.Fatalf("%d batches, err %v", n, rr.Err())
	}
	rr.Release()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := ipc.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Release()
	var got []*frame.Frame
	for f, err := range FromRecordReader(ctx, rd, Options{}) {
		if err != nil {
			t.Fatal(err)
		}
		if !f.MustColumn("d").IsDict() {
			t.Errorf("chunk %d: column d is not dictionary-encoded as in the first chunk", len(got))
		}
		got = append(got, f)
	}
	all, err := frame.Concat(got...)
	if err != nil {
		t.Fatal(err)
	}
	// Concat decodes dictionaries that are not prefixes of one another
	decoded := func(f *frame.Frame) *frame.Frame { return frame.Must(f.WithColumn(f.MustColumn("d").Decode())) }
	if err := identical(decoded(all), decoded(full)); err != nil {
		t.Fatal(err)
	}

	// a chunk with other columns stops the reader with an error
	bad := func(yield func(*frame.Frame, error) bool) {
		_ = yield(chunks[0], nil) && yield(frame.Must(chunks[1].Select("i")), nil)
	}
	rr, err = ToRecordReader(ctx, bad, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for rr.Next() {
	}
	if !errors.Is(rr.Err(), frame.ErrType) {
		t.Errorf("mismatch: %v", rr.Err())
	}
	rr.Release()

	// an empty stream: no fields, no batches; a first error is returned
	rr, err = ToRecordReader(ctx, func(func(*frame.Frame, error) bool) {}, Options{})
	if err != nil || rr.Schema().NumFields() != 0 || rr.Next() {
		t.Errorf("empty stream: %v", err)
	}
	rr.Release()
	boom := errors.New("boom")
	if _, err := ToRecordReader(ctx, func(y func(*frame.Frame, error) bool) { y(nil, boom) }, Options{}); !errors.Is(err, boom) {
		t.Errorf("first error: %v", err)
	}

	// a cancelled context stops FromRecordReader
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	rec, _ := ToRecord(full, Options{})
	recs, _ := array.NewRecordReader(rec.Schema(), []arrow.RecordBatch{rec})
	for _, err := range FromRecordReader(cctx, recs, Options{}) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	}
	recs.Release()
	rec.Release()
}
