package writers

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
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

func TestCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"out.csv", "out.tsv"} {
		path := filepath.Join(dir, name)
		w, err := Create(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		in := sample(t)
		// two chunks
		if err := w.Write(in.Slice(0, 2)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("%s exists before Close", path)
		}
		if err := w.Write(in.Slice(2, 4)); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := readers.ReadAll(readers.Open(context.Background(), path, readers.Options{
			Types: map[string]frame.Type{"id": frame.Int64, "x": frame.Float64, "name": frame.String, "ok": frame.Bool, "day": frame.Date}}))
		if err != nil {
			t.Fatal(err)
		}
		assertSame(t, in, got)
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), ".tmp-") {
				t.Fatalf("temporary file left: %s", e.Name())
			}
		}
	}
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

func TestCSVText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "o.csv")
	w, err := NewCSV(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "id,x,name,ok,day\n1,0.1,plain,true,1970-01-01\n-2,,\"with,comma\",false,2022-01-08\n,1e+21,\"quote \"\"q\"\"\",true,2022-01-09\n4,-2.5,,false,1970-01-02\n"
	if string(b) != want {
		t.Fatalf("got\n%s\nwant\n%s", b, want)
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.csv", "a.tsv", "a.json", "a.ndjson"} {
		path := filepath.Join(dir, name)
		w, err := Create(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(sample(t)); err != nil {
			t.Fatal(err)
		}
		if err := w.Abort(); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(sample(t)); !errors.Is(err, ErrClosed) {
			t.Fatalf("write after abort: %v", err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Fatalf("files left after abort: %v", entries)
	}
}

func TestSchemaMismatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.csv")
	w, err := Create(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(sample(t)); err != nil {
		t.Fatal(err)
	}
	other, _ := sample(t).Drop("ok")
	if err := w.Write(other); !errors.Is(err, ErrSchema) {
		t.Fatalf("got %v, want ErrSchema", err)
	}
}

func TestUnknownFormat(t *testing.T) {
	for _, tc := range []struct {
		path, format, hint string
	}{
		{"x.xml", "", "formats: csv, json, ndjson, tsv"},
		{"x.xlsx", "", "import github.com/sluicedata/sluice/writers/xlsx"},
		{"x.PARQUET", "", "import github.com/sluicedata/sluice/writers/parquet"},
		{"x.csv", "yaml", "formats: csv, json, ndjson, tsv"},
		{"x.csv", "xlsx", "import github.com/sluicedata/sluice/writers/xlsx"},
	} {
		_, err := Create(filepath.Join(t.TempDir(), tc.path), Options{Format: tc.format})
		if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s %q: got %v, want ErrFormat with %q", tc.path, tc.format, err, tc.hint)
		}
	}
	if _, err := Create(filepath.Join(t.TempDir(), "missing-dir", "x.csv"), Options{}); err == nil {
		t.Fatal("no error for a missing directory")
	}
}
