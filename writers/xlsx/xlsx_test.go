package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	_ "github.com/sluicedata/sluice/readers/xlsx"
	"github.com/sluicedata/sluice/writers"
)

func sample(t *testing.T) *frame.Frame {
	t.Helper()
	i := frame.MustColumn(frame.NewInt64("id", []int64{1, -2, 3, 4}, []bool{true, true, false, true}))
	f := frame.NewFloat64("x", []float64{0.1, math.NaN(), 1e21, -2.5})
	s := frame.MustColumn(frame.NewString("name", []string{"plain", "with,comma", "quote \"q\"", "line\nbreak"}, []bool{true, true, true, false}))
	b := frame.MustColumn(frame.NewBool("ok", []bool{true, false, true, false}, nil))
	d := frame.MustColumn(frame.NewDate("day", []int64{0, 19000, 19001, 1}, nil))
	return frame.Must(frame.New(i, f, s, b, d))
}

func assertSame(t *testing.T, want, got *frame.Frame) {
	t.Helper()
	if want.NumRows() != got.NumRows() || want.NumCols() != got.NumCols() {
		t.Fatalf("shape %dx%d, want %dx%d\n%v", got.NumRows(), got.NumCols(), want.NumRows(), want.NumCols(), got)
	}
	for k := range want.NumCols() {
		a, b := want.ColumnAt(k), got.ColumnAt(k)
		if a.Name() != b.Name() {
			t.Fatalf("column %d named %q, want %q", k, b.Name(), a.Name())
		}
		for i := range a.Len() {
			va, vb := frame.FormatValue(a, i), frame.FormatValue(b, i)
			if va != vb || a.IsNull(i) != b.IsNull(i) {
				t.Fatalf("column %s row %d: got %q (null %v), want %q (null %v)", a.Name(), i, vb, b.IsNull(i), va, a.IsNull(i))
			}
		}
	}
}

var types = map[string]frame.Type{"id": frame.Int64, "x": frame.Float64, "name": frame.String, "ok": frame.Bool, "day": frame.Date}

func TestRoundTripAndSheetSplit(t *testing.T) {
	old := maxSheetRows
	maxSheetRows = 3 // header + 2 rows per sheet
	defer func() { maxSheetRows = old }()
	path := filepath.Join(t.TempDir(), "o.xlsx")
	var started []string
	w, err := writers.Create(path, writers.Options{Sheet: "data", OnNewSheet: func(name string, _ int64) { started = append(started, name) }})
	if err != nil {
		t.Fatal(err)
	}
	in := sample(t)
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if len(started) != 1 || started[0] != "data (2)" {
		t.Fatalf("notified %v", started)
	}
	var parts []*frame.Frame
	for _, sheet := range []string{"data", "data (2)"} {
		f, err := readers.ReadAll(readers.Open(context.Background(), path, readers.Options{Sheet: sheet, Types: types, NoDefaultNA: true}))
		if err != nil {
			t.Fatalf("sheet %s: %v", sheet, err)
		}
		parts = append(parts, f)
	}
	got, err := frame.Concat(parts...)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, in, got)
}

// A sheet whose estimated XML would pass maxSheetBytes continues in a new
// sheet, before the row limit; every row lands in exactly one sheet.
func TestSheetSplitByBytes(t *testing.T) {
	old := maxSheetBytes
	maxSheetBytes = 700 // about two rows of sample with their tags
	defer func() { maxSheetBytes = old }()
	path := filepath.Join(t.TempDir(), "b.xlsx")
	w, err := writers.Create(path, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := sample(t)
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var parts []*frame.Frame
	for _, sheet := range []string{"Sheet1", "Sheet1 (2)", "Sheet1 (3)", "Sheet1 (4)"} {
		f, err := readers.ReadAll(readers.Open(context.Background(), path, readers.Options{Sheet: sheet, Types: types, NoDefaultNA: true}))
		if err != nil {
			break
		}
		if f.NumRows() == 0 {
			t.Fatalf("sheet %s is empty", sheet)
		}
		parts = append(parts, f)
	}
	if len(parts) < 2 {
		t.Fatalf("%d sheets: the byte bound did not split", len(parts))
	}
	got, err := frame.Concat(parts...)
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, in, got)
}

// cellBytes counts the escapes: a string of n bytes needing escapes
// estimates more than one without.
func TestCellBytesEscapes(t *testing.T) {
	if a, b := cellBytes("abcd"), cellBytes("a<&\""); b <= a+10 {
		t.Fatalf("plain %d, escaped %d", a, b)
	}
}

// The encoder writes to any io.Writer; Format "xlsx" forces it whatever the
// file name says.
func TestEncoderAndFormatOption(t *testing.T) {
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := enc.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if got := enc.Sheets(); len(got) != 1 || got[0] != "Sheet1" || enc.Rows() != 4 {
		t.Fatalf("sheets %v, rows %d", got, enc.Rows())
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "o.bin")
	w, err := writers.Create(path, writers.Options{Format: "xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	if !bytes.HasPrefix(file, []byte("PK")) || !bytes.HasPrefix(buf.Bytes(), []byte("PK")) {
		t.Fatal("not a zip file")
	}
	xpath := filepath.Join(dir, "o.xlsx")
	if err := os.Rename(path, xpath); err != nil {
		t.Fatal(err)
	}
	got, err := readers.ReadAll(readers.Open(context.Background(), xpath, readers.Options{Types: types, NoDefaultNA: true}))
	if err != nil {
		t.Fatal(err)
	}
	assertSame(t, sample(t), got)
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	w, err := writers.Create(filepath.Join(dir, "a.xlsx"), writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left after abort: %v", entries)
	}
}

func ExampleNewEncoder() {
	var buf bytes.Buffer
	enc, err := NewEncoder(&buf, writers.Options{Sheet: "data"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("id", []int64{1, 2, 3}, nil))))
	if err := enc.Write(f); err != nil {
		fmt.Println(err)
	}
	if err := enc.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(enc.Sheets(), enc.Rows(), "rows, a zip file:", string(buf.Bytes()[:2]))
	// Output: [data] 3 rows, a zip file: PK
}
