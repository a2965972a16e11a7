package readers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// corpusDir locates ../shared/corpus relative to the repository root.
func corpusDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file)) // readers/.. = repo root
	dir := filepath.Join(root, "..", "shared", "corpus")
	if st, err := os.Stat(filepath.Join(dir, "csv")); err != nil || !st.IsDir() {
		t.Fatalf("conformance corpus missing at %s (want ../shared/corpus from the repo root): %v", dir, err)
	}
	return dir
}

type expectedCSV struct {
	File    string `json:"file"`
	Dialect struct {
		Delimiter string `json:"delimiter"`
		Header    bool   `json:"header"`
		Encoding  string `json:"encoding"`
	} `json:"dialect"`
	Ragged     bool       `json:"ragged"`
	Header     []string   `json:"header"`
	Rows       [][]string `json:"rows"`
	Ambiguous  string     `json:"ambiguous"`
	ValueHints *struct {
		Thousands string   `json:"thousands"`
		Decimal   string   `json:"decimal"`
		NA        []string `json:"na"`
		Strip     bool     `json:"strip"`
	} `json:"value_hints"`
	Typed *struct {
		Dtypes []string `json:"dtypes"`
		Rows   [][]any  `json:"rows"`
	} `json:"typed"`
}

func loadExpected(t *testing.T, path string) expectedCSV {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var e expectedCSV
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return e
}

func readRecords(t *testing.T, path string, opt Options) ([][]string, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][]string
	for rec, err := range Records(context.Background(), f, opt) {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func compareRaw(e expectedCSV, recs [][]string) string {
	want := e.Rows
	if e.Dialect.Header {
		want = append([][]string{e.Header}, want...)
	}
	if len(recs) != len(want) {
		return "got " + itoa(len(recs)) + " records, want " + itoa(len(want))
	}
	for i := range want {
		if !slices.Equal(recs[i], want[i]) {
			return "record " + itoa(i) + ": got " + jsonStr(recs[i]) + ", want " + jsonStr(want[i])
		}
	}
	return ""
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }
func jsonStr(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 300 {
		b = append(b[:300], "..."...)
	}
	return string(b)
}

// TestCorpusRaw reads every corpus CSV in raw mode with its stated dialect
// and with auto-detection, and compares header and rows exactly.
func TestCorpusRaw(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "csv")
	exps, _ := filepath.Glob(filepath.Join(dir, "*.expected.json"))
	if len(exps) == 0 {
		t.Fatalf("no expected files in %s", dir)
	}
	var autoWrong []string
	nRagged := 0
	for _, ep := range exps {
		e := loadExpected(t, ep)
		path := filepath.Join(dir, e.File)
		t.Run(e.File, func(t *testing.T) {
			opt := Options{Raw: true, Delimiter: rune(e.Dialect.Delimiter[0]), Encoding: e.Dialect.Encoding, NoHeader: !e.Dialect.Header}
			recs, err := readRecords(t, path, opt)
			diff := ""
			if err != nil {
				diff = "error: " + err.Error()
			} else {
				diff = compareRaw(e, recs)
			}
			if diff != "" && e.Ambiguous != "" {
				// excused by the manifest; LazyQuotes must still reproduce it
				t.Logf("strict read differs (ambiguous file: %s): %s", e.Ambiguous, diff)
				lo := opt
				lo.LazyQuotes = true
				recs, err = readRecords(t, path, lo)
				if err != nil {
					t.Fatalf("LazyQuotes: %v", err)
				}
				if d := compareRaw(e, recs); d != "" {
					t.Fatalf("LazyQuotes: %s", d)
				}
				return
			}
			if diff != "" {
				t.Fatal(diff)
			}
			// the typed-API path in raw mode: header and rows via Open,
			// strict for regular files and with RaggedExtend for the
			// ragged ones, so that no field is lost
			ropt := opt
			if e.Ragged {
				ropt.Ragged = RaggedExtend
			}
			ropt.ChunkRows = 7
			seq, st := OpenStats(context.Background(), path, ropt)
			f, err := ReadAll(seq)
			if err != nil {
				t.Fatalf("Open raw: %v", err)
			}
			if e.Dialect.Header && !slices.Equal(st.Header, e.Header) {
				t.Fatalf("Stats.Header = %q, want %q", st.Header, e.Header)
			}
			rows := e.Rows
			if f.NumRows() != len(rows) {
				t.Fatalf("Open raw: %d rows, want %d", f.NumRows(), len(rows))
			}
			width := len(e.Header)
			for _, r := range rows {
				width = max(width, len(r))
			}
			if f.NumCols() != width {
				t.Fatalf("Open raw: %d columns, want %d (the widest record)", f.NumCols(), width)
			}
			for i, r := range rows {
				for k := range f.NumCols() {
					c := f.ColumnAt(k)
					if k < len(r) {
						if c.IsNull(i) || c.Str(i) != r[k] {
							t.Fatalf("Open raw row %d col %d: %q, want %q", i, k, c.Str(i), r[k])
						}
					} else if !c.IsNull(i) {
						t.Fatalf("Open raw row %d col %d: missing fields should be null", i, k)
					}
				}
			}
			nRagged++
			// auto-detection of the delimiter (Records sees bytes only: no
			// .tsv default)
			aopt := opt
			aopt.Delimiter = 0
			arecs, err := readRecords(t, path, aopt)
			if err != nil || compareRaw(e, arecs) != "" {
				autoWrong = append(autoWrong, e.File)
			}
		})
	}
	if len(autoWrong) > 0 {
		t.Errorf("delimiter auto-detection wrong for: %s", strings.Join(autoWrong, ", "))
	}
	if nRagged == 0 {
		t.Error("no file read through Open")
	}
}

// TestCorpusCommentAndTitleRows: the corpus file with a comment line reads
// as its data with Comment "#", SkipRows 1 or HeaderRow 2.
func TestCorpusCommentAndTitleRows(t *testing.T) {
	path := filepath.Join(corpusDir(t), "csv", "fl_matrix-with-comment.csv")
	for _, opt := range []Options{{Comment: "#"}, {SkipRows: 1}, {HeaderRow: 2}, {Comment: "# comment"}} {
		f, err := ReadFile(context.Background(), path, opt)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		if got := fmt.Sprint(f.Names(), f.Types(), f.NumRows()); got != "[f1 f2 f3 f4] [int64 int64 int64 int64] 4" {
			t.Fatalf("%+v: %s", opt, got)
		}
		if v := f.MustColumn("f4").Int64(3); v != 44 {
			t.Fatalf("%+v: f4[3] = %d", opt, v)
		}
	}
}

// TestCorpusTyped reads the BLS OES files with value hints typed and
// compares with the expected typed values (pandas' numeric reading).
func TestCorpusTyped(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "csv")
	exps, _ := filepath.Glob(filepath.Join(dir, "*.expected.json"))
	n := 0
	for _, ep := range exps {
		e := loadExpected(t, ep)
		if e.ValueHints == nil || e.Typed == nil {
			continue
		}
		n++
		t.Run(e.File, func(t *testing.T) {
			h := e.ValueHints
			opt := Options{
				Delimiter:   rune(e.Dialect.Delimiter[0]),
				Encoding:    e.Dialect.Encoding,
				NA:          h.NA,
				NoDefaultNA: true,
				TrimSpace:   h.Strip,
				ChunkRows:   100,
			}
			if h.Thousands != "" {
				opt.Thousands = rune(h.Thousands[0])
			} else {
				opt.Thousands = -1 // none
			}
			opt.DecimalComma = h.Decimal == ","
			f, err := ReadAll(CSVFile(context.Background(), filepath.Join(dir, e.File), opt))
			if err != nil {
				t.Fatal(err)
			}
			if f.NumRows() != len(e.Typed.Rows) || f.NumCols() != len(e.Typed.Dtypes) {
				t.Fatalf("shape %dx%d, want %dx%d", f.NumRows(), f.NumCols(), len(e.Typed.Rows), len(e.Typed.Dtypes))
			}
			for k, dt := range e.Typed.Dtypes {
				want := map[string]frame.Type{"int64": frame.Int64, "float64": frame.Float64, "object": frame.String}[dt]
				got := f.ColumnAt(k).Type()
				if got == frame.Int64 && want == frame.Float64 {
					// pandas widens an integer column with missing values to
					// float64; sluice keeps Int64 with nulls (values compared below)
					continue
				}
				if got != want {
					t.Errorf("column %s: type %s, want %s (pandas %s)", f.ColumnAt(k).Name(), got, want, dt)
				}
			}
			for i, row := range e.Typed.Rows {
				for k, v := range row {
					c := f.ColumnAt(k)
					if v == nil {
						if !c.IsNull(i) {
							t.Fatalf("row %d col %s: got %v, want null", i, c.Name(), c.Value(i))
						}
						continue
					}
					if c.IsNull(i) {
						t.Fatalf("row %d col %s: got null, want %v", i, c.Name(), v)
					}
					switch c.Type() {
					case frame.Int64:
						w, err := v.(json.Number).Int64()
						if err != nil || c.Int64(i) != w {
							t.Fatalf("row %d col %s: %d, want %d", i, c.Name(), c.Int64(i), w)
						}
					case frame.Float64:
						w, _ := v.(json.Number).Float64()
						if c.Float64(i) != w && !(math.IsNaN(w) && math.IsNaN(c.Float64(i))) {
							t.Fatalf("row %d col %s: %v, want %v", i, c.Name(), c.Float64(i), w)
						}
					case frame.String:
						if s, ok := v.(string); !ok || c.Str(i) != s {
							t.Fatalf("row %d col %s: %q, want %v", i, c.Name(), c.Str(i), v)
						}
					}
				}
			}
		})
	}
	if n == 0 {
		t.Fatal("no corpus file has value_hints")
	}
}
