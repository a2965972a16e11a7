package parquet

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// corpusDir locates ../shared/corpus/parquet relative to the repository root.
func corpusDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file))) // readers/parquet/../.. = repo root
	dir := filepath.Join(root, "..", "shared", "corpus", "parquet")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("Parquet corpus missing at %s (want ../shared/corpus/parquet from the repo root): %v", dir, err)
	}
	return dir
}

// corpusTypes are the frame types each corpus file's columns must read as
// (the README's "what it exercises"), and the String columns its writer
// dictionary-encodes.
var corpusTypes = map[string]struct {
	types map[string]frame.Type
	dict  []string
}{
	"duckdb_types.parquet": {map[string]frame.Type{
		"id": frame.Int64, "big": frame.Int64, "ratio": frame.Float64, "price": frame.Float64,
		"label": frame.String, "code": frame.String, "day": frame.Date, "ts_us": frame.Datetime, "flag": frame.Bool,
	}, []string{"label"}},
	"polars_types.parquet": {map[string]frame.Type{
		"id": frame.Int64, "score": frame.Float64, "city": frame.String, "zip": frame.String,
		"day": frame.Date, "ok": frame.Bool, "ts_ms": frame.Datetime,
	}, []string{"city"}},
}

// expectedFrame parses NAME.expected.csv with encoding/csv and strconv, by
// the types given: an empty field is null, dates are 2006-01-02,
// timestamps 2006-01-02 15:04:05.999999 (UTC).
func expectedFrame(t *testing.T, path string, types map[string]frame.Type) *frame.Frame {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header, rows := recs[0], recs[1:]
	cols := make([]*frame.Column, len(header))
	for k, name := range header {
		typ, ok := types[name]
		if !ok {
			t.Fatalf("%s: column %q has no expected type", path, name)
		}
		b := frame.NewBuilder(typ, len(rows))
		for i, rec := range rows {
			s := rec[k]
			if s == "" {
				b.AppendNull()
				continue
			}
			var v any
			var err error
			switch typ {
			case frame.Int64:
				v, err = strconv.ParseInt(s, 10, 64)
			case frame.Float64:
				v, err = strconv.ParseFloat(s, 64)
			case frame.Bool:
				v, err = strconv.ParseBool(s)
			case frame.String:
				v = s
			case frame.Date:
				v, err = time.Parse("2006-01-02", s)
			case frame.Datetime:
				v, err = time.Parse("2006-01-02 15:04:05.999999", s)
			}
			if err == nil {
				err = b.AppendValue(v)
			}
			if err != nil {
				t.Fatalf("%s: row %d column %s: %v", path, i+1, name, err)
			}
		}
		cols[k] = b.Build(name)
	}
	return frame.Must(frame.New(cols...))
}

// Every corpus file reads into the frame its expected CSV holds: same
// columns in order, types, values and nulls; its dictionary strings stay
// encoded.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.parquet"))
	if len(files) == 0 {
		t.Fatal("no Parquet corpus files")
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			ct, ok := corpusTypes[name]
			if !ok {
				t.Fatalf("no expected types for %s", name)
			}
			want := expectedFrame(t, strings.TrimSuffix(path, ".parquet")+".expected.csv", ct.types)
			for _, chunkRows := range []int{0, 333} {
				got, _ := readAll(t, path, readers.Options{ChunkRows: chunkRows}, Query{})
				if err := equalFrames(want, got); err != nil {
					t.Fatalf("ChunkRows %d: %v", chunkRows, err)
				}
				for _, n := range ct.dict {
					if !got.MustColumn(n).IsDict() {
						t.Errorf("column %s is not dictionary-encoded", n)
					}
				}
			}
			// the same through readers.Open (the registered format)
			got, err := readers.ReadAll(readers.Open(context.Background(), path, readers.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if err := equalFrames(want, got); err != nil {
				t.Fatalf("readers.Open: %v", err)
			}
		})
	}
}

// DuckDB's DECIMAL(10,2) read as String gives the decimal's exact text,
// which is what the expected CSV spells ("12.50").
func TestCorpusDecimalText(t *testing.T) {
	path := filepath.Join(corpusDir(t), "duckdb_types.parquet")
	got, _ := readAll(t, path, readers.Options{Columns: []string{"price"}, Types: map[string]frame.Type{"price": frame.String}}, Query{})
	fh, err := os.Open(strings.TrimSuffix(path, ".parquet") + ".expected.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k := -1
	for i, h := range recs[0] {
		if h == "price" {
			k = i
		}
	}
	c := got.MustColumn("price")
	if c.Len() != len(recs)-1 {
		t.Fatalf("%d rows, want %d", c.Len(), len(recs)-1)
	}
	for i, rec := range recs[1:] {
		if c.Str(i) != rec[k] {
			t.Fatalf("row %d: price %q, want %q", i+1, c.Str(i), rec[k])
		}
	}
}
