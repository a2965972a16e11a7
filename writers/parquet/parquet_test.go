package parquet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
)

// parquetSample returns an n-row frame with a column of every type (and a
// dictionary-encoded string column), about a fifth of each column null, and
// the edge values of each type near the top.
func parquetSample(n int, seed uint64) *frame.Frame {
	r := rand.New(rand.NewPCG(seed, seed+1))
	ints := make([]int64, n)
	floats := make([]float64, n)
	strs := make([]string, n)
	bools := make([]bool, n)
	days := make([]int64, n)
	nanos := make([]int64, n)
	valid := make([][]bool, 6)
	for k := range valid {
		valid[k] = make([]bool, n)
	}
	edgeInts := []int64{math.MinInt64, math.MaxInt64, 0, -1}
	edgeFloats := []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64}
	edgeStrs := []string{"", "é ü 漢字 🙂", "with,comma\n\"quote\"", strings.Repeat("long", 500), "\x00nul"}
	edgeDays := []int64{0, -1, -719162 /* 0001-01-01 */, 2932896 /* 9999-12-31 */, math.MaxInt32, math.MinInt32}
	edgeNanos := []int64{0, -1, math.MinInt64, math.MaxInt64, time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC).UnixNano()}
	for i := range n {
		for k := range valid {
			valid[k][i] = r.IntN(5) != 0
		}
		ints[i] = r.Int64() - r.Int64()
		floats[i] = r.NormFloat64() * 1e6
		strs[i] = fmt.Sprintf("s%d", r.IntN(1000))
		bools[i] = r.IntN(2) == 0
		days[i] = r.Int64N(40000) - 10000
		nanos[i] = r.Int64() - r.Int64()
		if i < len(edgeInts) {
			ints[i], valid[0][i] = edgeInts[i], true
		}
		if i < len(edgeFloats) {
			floats[i], valid[1][i] = edgeFloats[i], true
		}
		if i < len(edgeStrs) {
			strs[i], valid[2][i] = edgeStrs[i], true
		}
		if i < len(edgeDays) {
			days[i], valid[4][i] = edgeDays[i], true
		}
		if i < len(edgeNanos) {
			nanos[i], valid[5][i] = edgeNanos[i], true
		}
		if !valid[1][i] {
			floats[i] = math.NaN()
		}
	}
	s := frame.MustColumn(frame.NewString("name", strs, valid[2]))
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("id", ints, valid[0])),
		frame.NewFloat64("x", floats),
		s,
		frame.MustColumn(frame.NewBool("ok", bools, valid[3])),
		frame.MustColumn(frame.NewDate("day", days, valid[4])),
		frame.MustColumn(frame.NewDatetime("at", nanos, valid[5])),
		s.DictEncode().Rename("name_dict"),
	))
}

// readParquet reads a Parquet file written by Encoder back into a
// frame with parquet-go's own reader, checking the schema on the way: column
// order and names, physical and logical types (timestamps in unit u), every
// column optional. Datetime columns hold the file's values as they are (in
// unit u: compare with inUnit(want, u)). It returns the frame and the row
// count of each row group.
func readParquet(t *testing.T, path string, want *frame.Frame, u writers.TimestampUnit) (*frame.Frame, []int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	fields := pf.Schema().Fields()
	if len(fields) != want.NumCols() {
		t.Fatalf("file has %d columns, want %d", len(fields), want.NumCols())
	}
	builders := make([]frame.Builder, len(fields))
	for k, fld := range fields {
		c := want.ColumnAt(k)
		if fld.Name() != c.Name() {
			t.Fatalf("column %d is %q, want %q", k, fld.Name(), c.Name())
		}
		if !fld.Optional() || !fld.Leaf() {
			t.Fatalf("column %q: optional %v leaf %v", fld.Name(), fld.Optional(), fld.Leaf())
		}
		// The schema elements as stored in the footer (element 0 is the root).
		el := pf.Metadata().Schema[k+1]
		phys, lt := el.Type.V, el.LogicalType.Value
		ok := el.RepetitionType.V == format.Optional
		switch c.Type() {
		case frame.Int64:
			// parquet-go annotates INT64 as INT(64, signed), which is what
			// a bare INT64 means anyway.
			it, isInt := lt.(*format.IntType)
			ok = ok && phys == format.Int64 && (lt == nil || isInt && it.BitWidth == 64 && it.IsSigned)
		case frame.Float64:
			ok = ok && phys == format.Double && lt == nil
		case frame.Bool:
			ok = ok && phys == format.Boolean && lt == nil
		case frame.String:
			_, isStr := lt.(*format.StringType)
			ok = ok && phys == format.ByteArray && isStr && el.ConvertedType.V == deprecated.UTF8
		case frame.Date:
			_, isDate := lt.(*format.DateType)
			ok = ok && phys == format.Int32 && isDate
		case frame.Datetime:
			ts, isTS := lt.(*format.TimestampType)
			ok = ok && phys == format.Int64 && isTS && ts.IsAdjustedToUTC
			if ok {
				switch u {
				case writers.ParquetMicros:
					_, ok = ts.Unit.Value.(*format.MicroSeconds)
				case writers.ParquetMillis:
					_, ok = ts.Unit.Value.(*format.MilliSeconds)
				case writers.ParquetNanos:
					_, ok = ts.Unit.Value.(*format.NanoSeconds)
				}
			}
		}
		if !ok {
			t.Fatalf("column %q (%v) has parquet schema element %+v", fld.Name(), c.Type(), el)
		}
		builders[k] = frame.NewBuilder(c.Type(), 0)
	}
	for _, rg := range pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			if cc.MetaData.Codec != format.Zstd {
				t.Fatalf("column %v compressed with %v, want ZSTD", cc.MetaData.PathInSchema, cc.MetaData.Codec)
			}
		}
	}
	var groups []int64
	buf := make([]parquet.Row, 100)
	for _, rg := range pf.RowGroups() {
		groups = append(groups, rg.NumRows())
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, row := range buf[:n] {
				if len(row) != len(builders) {
					t.Fatalf("row of %d values, want %d", len(row), len(builders))
				}
				for _, v := range row {
					b := builders[v.Column()]
					if v.IsNull() {
						if v.DefinitionLevel() != 0 {
							t.Fatalf("null with definition level %d", v.DefinitionLevel())
						}
						b.AppendNull()
						continue
					}
					if v.DefinitionLevel() != 1 {
						t.Fatalf("value with definition level %d", v.DefinitionLevel())
					}
					switch b.Type() {
					case frame.Int64, frame.Datetime:
						b.(*frame.Int64Builder).Append(v.Int64())
					case frame.Date:
						b.(*frame.Int64Builder).Append(int64(v.Int32()))
					case frame.Float64:
						b.(*frame.Float64Builder).Append(v.Double())
					case frame.Bool:
						b.(*frame.BoolBuilder).Append(v.Boolean())
					case frame.String:
						b.(*frame.StringBuilder).AppendBytes(v.ByteArray())
					}
				}
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		rows.Close()
	}
	cols := make([]*frame.Column, len(builders))
	for k, b := range builders {
		cols[k] = b.Build(fields[k].Name())
	}
	return frame.Must(frame.New(cols...)), groups
}

// inUnit returns f with its Datetime columns counted in unit u (floor
// division of the nanoseconds), as a ParquetWriter stores them.
func inUnit(f *frame.Frame, u writers.TimestampUnit) *frame.Frame {
	cols := f.Columns()
	for k, c := range cols {
		if c.Type() != frame.Datetime {
			continue
		}
		d := big.NewInt(unitNanos(u))
		vals := make([]int64, c.Len())
		valid := make([]bool, c.Len())
		for i := range vals {
			if valid[i] = !c.IsNull(i); valid[i] {
				// big.Int.Div is Euclidean: the floor for a positive divisor
				vals[i] = new(big.Int).Div(big.NewInt(c.Int64(i)), d).Int64()
			}
		}
		cols[k] = frame.MustColumn(frame.NewDatetime(c.Name(), vals, valid))
	}
	return frame.Must(frame.New(cols...))
}

// assertExact compares two frames value by value: nulls, and the bits of
// every value (so -0.0, infinities and the full int64 range must survive).
func assertExact(t *testing.T, want, got *frame.Frame) {
	t.Helper()
	if want.NumRows() != got.NumRows() || want.NumCols() != got.NumCols() {
		t.Fatalf("shape %dx%d, want %dx%d", got.NumRows(), got.NumCols(), want.NumRows(), want.NumCols())
	}
	for k := range want.NumCols() {
		a, b := want.ColumnAt(k), got.ColumnAt(k)
		if a.Name() != b.Name() || a.Type() != b.Type() {
			t.Fatalf("column %d is %s %v, want %s %v", k, b.Name(), b.Type(), a.Name(), a.Type())
		}
		for i := range a.Len() {
			if a.IsNull(i) != b.IsNull(i) {
				t.Fatalf("column %s row %d: null %v, want %v", a.Name(), i, b.IsNull(i), a.IsNull(i))
			}
			if a.IsNull(i) {
				continue
			}
			var same bool
			switch a.Type() {
			case frame.Int64, frame.Date, frame.Datetime:
				same = a.Int64(i) == b.Int64(i)
			case frame.Float64:
				same = math.Float64bits(a.Float64(i)) == math.Float64bits(b.Float64(i))
			case frame.Bool:
				same = a.Bool(i) == b.Bool(i)
			case frame.String:
				same = a.Str(i) == b.Str(i)
			}
			if !same {
				t.Fatalf("column %s row %d: got %v, want %v", a.Name(), i, b.Value(i), a.Value(i))
			}
		}
	}
}

// newTestParquet opens an atomic file writer on path with an Encoder (to
// set row-group limits on), failing the test if it cannot.
func newTestParquet(t *testing.T, path string) (writers.Writer, *Encoder) {
	t.Helper()
	var enc *Encoder
	w, err := writers.CreateEncoder(path, func(w io.Writer) (writers.Encoder, error) {
		var err error
		enc, err = NewEncoder(w, writers.Options{})
		return enc, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return w, enc
}

// createParquet opens path with writers.Create, which must pick Parquet by
// the extension now that this package is imported.
func createParquet(t *testing.T, path string) writers.Writer {
	t.Helper()
	w, err := writers.Create(path, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// writeAndReadBack writes in to w in slices of chunkRows rows (in one
// Write when chunkRows is 0; an empty frame is still written, as one
// zero-row chunk), closes w, reads path back and checks that it holds
// exactly in. It returns the row count of each row group.
func writeAndReadBack(t *testing.T, w writers.Writer, path string, in *frame.Frame, chunkRows int) []int64 {
	t.Helper()
	return writeAndReadBackUnit(t, w, path, in, chunkRows, writers.ParquetMicros)
}

// writeAndReadBackUnit is writeAndReadBack for a writer of timestamp unit u.
func writeAndReadBackUnit(t *testing.T, w writers.Writer, path string, in *frame.Frame, chunkRows int, u writers.TimestampUnit) []int64 {
	t.Helper()
	if chunkRows == 0 {
		chunkRows = max(in.NumRows(), 1)
	}
	for lo := 0; lo == 0 || lo < in.NumRows(); lo += chunkRows {
		if err := w.Write(in.Slice(lo, lo+chunkRows)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, groups := readParquet(t, path, in, u)
	assertExact(t, inUnit(in, u), got)
	return groups
}

func TestParquetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.parquet")
	w, enc := newTestParquet(t, path)
	// Row groups of 3000 rows over chunks of uneven sizes (empty ones too):
	// groups span chunks and chunks span groups.
	enc.SetRowGroupLimits(3000, 0)
	in := parquetSample(10_000, 1)
	cuts := []int{0, 0, 1, 7, 7, 2500, 2999, 3000, 3001, 9000, 10_000}
	for i := 1; i < len(cuts); i++ {
		if err := w.Write(in.Slice(cuts[i-1], cuts[i])); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%s exists before Close", path)
		}
	}
	if enc.Rows() != 10_000 {
		t.Fatalf("Rows() = %d", enc.Rows())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, groups := readParquet(t, path, in, writers.ParquetMicros)
	assertExact(t, inUnit(in, writers.ParquetMicros), got)
	if fmt.Sprint(groups) != "[3000 3000 3000 1000]" {
		t.Fatalf("row groups %v", groups)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files in the directory: %v", entries)
	}
	if err := w.Write(in); !errors.Is(err, writers.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

// A row group is also closed when its encoded pages reach the byte limit.
func TestParquetRowGroupBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.parquet")
	w, enc := newTestParquet(t, path)
	enc.SetRowGroupLimits(0, 64<<10)
	if groups := writeAndReadBack(t, w, path, parquetSample(50_000, 2), 10_000); len(groups) < 5 {
		t.Fatalf("row groups %v: the byte limit did not split them", groups)
	}
}

// MaxBufferBytes (a run under a memory budget) makes row groups close at
// half the buffer and keeps every value exact, through writers.Create.
func TestParquetMaxBufferBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.parquet")
	w, err := writers.Create(path, writers.Options{MaxBufferBytes: 2 << 20})
	if err != nil {
		t.Fatal(err)
	}
	in := parquetSample(200_000, 3)
	upath := filepath.Join(t.TempDir(), "u.parquet")
	if groups := writeAndReadBack(t, createParquet(t, upath), upath, in, 20_000); len(groups) != 1 {
		t.Fatalf("row groups %v without a buffer bound: want one", groups)
	}
	if groups := writeAndReadBack(t, w, path, in, 20_000); len(groups) < 2 {
		t.Fatalf("row groups %v under a 2 MiB buffer: want several", groups)
	}
}

// Distinct strings past the 1 MiB dictionary limit switch the column to
// PLAIN pages in the middle of a row group; the values must not change.
func TestParquetDictionaryFallback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.parquet")
	w, _ := newTestParquet(t, path)
	const n = 40_000
	strs := make([]string, n)
	valid := make([]bool, n)
	for i := range strs {
		strs[i] = fmt.Sprintf("%08d-%s", i, strings.Repeat("x", 40))
		valid[i] = i%7 != 0
	}
	in := frame.Must(frame.New(frame.MustColumn(frame.NewString("s", strs, valid))))
	if groups := writeAndReadBack(t, w, path, in, 5000); len(groups) != 1 {
		t.Fatalf("row groups %v", groups)
	}
	// Both encodings appear in the column chunk.
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	st, _ := fh.Stat()
	pf, err := parquet.OpenFile(fh, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	encs := fmt.Sprint(pf.Metadata().RowGroups[0].Columns[0].MetaData.Encoding)
	if !strings.Contains(encs, "PLAIN") || !strings.Contains(encs, "RLE_DICTIONARY") {
		t.Fatalf("encodings %s: no dictionary fallback", encs)
	}
}

// Create picks the Parquet writer by the extension, in any case.
func TestParquetViaCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.PARQUET")
	if groups := writeAndReadBack(t, createParquet(t, path), path, parquetSample(5, 3), 0); len(groups) != 1 {
		t.Fatalf("row groups %v", groups)
	}
}

// Zero-row chunks still define the schema; the file has no row groups.
func TestParquetEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.parquet")
	in := parquetSample(10, 4).Slice(0, 0)
	w, _ := newTestParquet(t, path)
	if groups := writeAndReadBack(t, w, path, in, 0); len(groups) != 0 {
		t.Fatalf("row groups %v", groups)
	}
}

// Close without any chunk has no schema to write: it fails and leaves nothing.
func TestParquetCloseWithoutChunk(t *testing.T) {
	dir := t.TempDir()
	w := createParquet(t, filepath.Join(dir, "n.parquet"))
	if err := w.Close(); err == nil {
		t.Fatal("Close without a chunk succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}

func TestParquetAbort(t *testing.T) {
	dir := t.TempDir()
	w, enc := newTestParquet(t, filepath.Join(dir, "a.parquet"))
	enc.SetRowGroupLimits(100, 0) // row groups already in the temporary file
	if err := w.Write(parquetSample(1000, 5)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(parquetSample(10, 5)); !errors.Is(err, writers.ErrClosed) {
		t.Fatalf("write after abort: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close after abort: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left after abort: %v", entries)
	}
}

func TestParquetSchemaMismatch(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.parquet")
	w := createParquet(t, path)
	in := parquetSample(100, 6)
	if err := w.Write(in.Slice(0, 50)); err != nil {
		t.Fatal(err)
	}
	dropped, _ := in.Drop("ok")
	retyped := frame.Must(frame.New(append(in.Columns()[:6:6],
		frame.MustColumn(frame.NewInt64("name_dict", make([]int64, 100), nil)))...))
	renamed := frame.Must(frame.New(append(in.Columns()[:6:6], in.ColumnAt(6).Rename("other"))...))
	for _, bad := range []*frame.Frame{dropped, retyped, renamed} {
		if err := w.Write(bad); !errors.Is(err, writers.ErrSchema) {
			t.Fatalf("got %v, want ErrSchema", err)
		}
	}
	// The rejected chunks wrote nothing; the writer goes on.
	if err := w.Write(in.Slice(50, 100)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _ := readParquet(t, path, in, writers.ParquetMicros)
	assertExact(t, inUnit(in, writers.ParquetMicros), got)
}

// Every timestamp unit: the schema says it, values are floored to it
// (toward the past, so an instant before 1970 keeps its second), and
// nanoseconds keep every value, the int64 extremes included.
func TestParquetTimestampUnits(t *testing.T) {
	for _, u := range []writers.TimestampUnit{writers.ParquetMicros, writers.ParquetMillis, writers.ParquetNanos} {
		t.Run(u.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "t.parquet")
			w, err := writers.Create(path, writers.Options{ParquetTimestampUnit: u})
			if err != nil {
				t.Fatal(err)
			}
			in := parquetSample(2000, 7)
			groups := writeAndReadBackUnit(t, w, path, in, 700, u)
			if len(groups) != 1 {
				t.Fatalf("row groups %v", groups)
			}
			// spot checks of the floor, independent of inUnit
			f := frame.Must(frame.New(frame.MustColumn(frame.NewDatetime("at", []int64{-1, -1_000_001, 1_999_999, 1}, nil))))
			path2 := filepath.Join(t.TempDir(), "t2.parquet")
			w2, err := writers.Create(path2, writers.Options{ParquetTimestampUnit: u})
			if err != nil {
				t.Fatal(err)
			}
			if err := w2.Write(f); err != nil {
				t.Fatal(err)
			}
			if err := w2.Close(); err != nil {
				t.Fatal(err)
			}
			got, _ := readParquet(t, path2, f, u)
			want := map[writers.TimestampUnit]string{
				writers.ParquetMicros: "[-1 -1001 1999 0]",
				writers.ParquetMillis: "[-1 -2 1 0]",
				writers.ParquetNanos:  "[-1 -1000001 1999999 1]",
			}[u]
			if s := fmt.Sprint(got.ColumnAt(0).Int64s()); s != want {
				t.Fatalf("stored %s, want %s", s, want)
			}
		})
	}
	if _, err := writers.Create(filepath.Join(t.TempDir(), "x.parquet"), writers.Options{ParquetTimestampUnit: writers.ParquetNanos + 1}); err == nil {
		t.Fatal("an unknown unit was accepted")
	}
}

// A date beyond INT32 days fails the write, and then Close leaves nothing.
func TestParquetDateOutOfRange(t *testing.T) {
	dir := t.TempDir()
	w := createParquet(t, filepath.Join(dir, "d.parquet"))
	f := frame.Must(frame.New(frame.MustColumn(frame.NewDate("d", []int64{1, math.MaxInt32 + 1}, nil))))
	if err := w.Write(f); err == nil || !strings.Contains(err.Error(), "out of INT32 range") {
		t.Fatalf("got %v", err)
	}
	if err := w.Write(f.Slice(0, 1)); err == nil {
		t.Fatal("write after a failed write succeeded")
	}
	if err := w.Close(); err == nil {
		t.Fatal("close after a failed write succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}

// BenchmarkParquetWrite writes 1M rows of (int64 in [0, 1000), float64,
// string of 8–12 random letters, nearly all distinct) in 64Ki-row chunks and
// reports rows/s (wall and per CPU second), the file size and the time of
// Close (last row group, footer, fsync, rename).
//
//	go test ./writers/parquet -run '^$' -bench Parquet -benchtime 5x
func BenchmarkParquetWrite(b *testing.B) { benchParquet(b, 0) }

// BenchmarkParquetWriteRepeated is BenchmarkParquetWrite with strings drawn
// from 1,000 distinct values, like the category columns of real tables.
func BenchmarkParquetWriteRepeated(b *testing.B) { benchParquet(b, 1000) }

// benchParquet writes 1M rows of (int64, float64, string); distinct > 0
// draws the strings from that many values.
func benchParquet(b *testing.B, distinct int) {
	const n = 1_000_000
	r := rand.New(rand.NewPCG(42, 43))
	var ib frame.Int64Builder
	var fb frame.Float64Builder
	var sb frame.StringBuilder
	buf := make([]byte, 12)
	for range n {
		ib.Append(r.Int64N(1000))
		fb.Append(r.Float64() * 100)
		if distinct > 0 {
			sb.Append(fmt.Sprintf("category-%d", r.IntN(distinct)))
			continue
		}
		k := 8 + r.IntN(5)
		for j := range k {
			buf[j] = 'a' + byte(r.IntN(26))
		}
		sb.AppendBytes(buf[:k])
	}
	in := frame.Must(frame.New(ib.Build("i"), fb.Build("f"), sb.Build("s")))
	path := filepath.Join(b.TempDir(), "bench.parquet")
	b.ReportAllocs()
	var size int64
	var closeDur time.Duration
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for b.Loop() {
		w, err := writers.Create(path, writers.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for lo := 0; lo < n; lo += 1 << 16 {
			if err := w.Write(in.Slice(lo, lo+1<<16)); err != nil {
				b.Fatal(err)
			}
		}
		t0 := time.Now()
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		closeDur += time.Since(t0)
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = st.Size()
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(n)*float64(b.N)/cpu.Seconds(), "rows/cpu-s")
	b.ReportMetric(float64(size), "file-bytes")
	b.ReportMetric(closeDur.Seconds()/float64(b.N), "close-s/op")
}

// writers.New streams Parquet to any io.Writer (no seeking needed).
func TestParquetToWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := writers.New(&buf, "parquet", writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := parquetSample(3000, 8)
	for lo := 0; lo < 3000; lo += 1000 {
		if err := w.Write(in.Slice(lo, lo+1000)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "s.parquet")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := readParquet(t, path, in, writers.ParquetMicros)
	assertExact(t, inUnit(in, writers.ParquetMicros), got)
}

func ExampleNewEncoder() {
	var buf bytes.Buffer
	enc, _ := NewEncoder(&buf, writers.Options{})
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("id", []int64{1, 2, 3}, nil))))
	if err := enc.Write(f); err != nil {
		fmt.Println(err)
	}
	if err := enc.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(enc.Rows(), "rows;", string(buf.Bytes()[:4]), "…", string(buf.Bytes()[buf.Len()-4:]))
	// Output: 3 rows; PAR1 … PAR1
}
