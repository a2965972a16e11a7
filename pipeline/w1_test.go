package pipeline

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/gen/w1gen"
	"github.com/sluicedata/sluice/readers"
	_ "github.com/sluicedata/sluice/readers/xlsx"
)

// acceptanceSpec is the W1 spec of the shared examples, which must run
// exactly as written.
func acceptanceSpec(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "shared", "examples", "w1-features.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("acceptance spec missing: %v", err)
	}
	return p
}

// assertFramesEqual compares two frames value by value (floats exactly:
// the pipeline must compute the same medians as the reference).
func assertFramesEqual(t *testing.T, want, got *frame.Frame) {
	t.Helper()
	if want.NumRows() != got.NumRows() || want.NumCols() != got.NumCols() {
		t.Fatalf("shape %dx%d, want %dx%d", got.NumRows(), got.NumCols(), want.NumRows(), want.NumCols())
	}
	for k := range want.NumCols() {
		a, b := want.ColumnAt(k), got.ColumnAt(k)
		if a.Name() != b.Name() {
			t.Fatalf("column %d is %q, want %q", k, b.Name(), a.Name())
		}
		for i := range a.Len() {
			if a.IsNull(i) != b.IsNull(i) {
				t.Fatalf("%s row %d: null %v, want %v", a.Name(), i, b.IsNull(i), a.IsNull(i))
			}
			if a.IsNull(i) {
				continue
			}
			va, vb := a.Value(i), b.Value(i)
			fa, oka := va.(float64)
			fb, okb := vb.(float64)
			if oka && okb {
				if fa != fb && !(math.IsNaN(fa) && math.IsNaN(fb)) {
					t.Fatalf("%s row %d: %v, want %v", a.Name(), i, fb, fa)
				}
				continue
			}
			if frame.FormatValue(a, i) != frame.FormatValue(b, i) {
				t.Fatalf("%s row %d: %v, want %v", a.Name(), i, vb, va)
			}
		}
	}
}

func runW1(t *testing.T, spec, dir, out string) *frame.Frame {
	t.Helper()
	plan, err := Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), plan, Options{DataDir: dir, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Outputs) != 1 || res.Outputs[0].Path != out {
		t.Fatalf("outputs %+v", res.Outputs)
	}
	// read the written features back; medians of int columns are floats
	types := map[string]frame.Type{"title": frame.String, "state": frame.String}
	for _, c := range w1gen.FeatureColumns {
		types[c] = frame.Float64
	}
	got, err := readers.ReadAll(readers.Open(context.Background(), out, readers.Options{Types: types}))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestW1MatchesReference runs the acceptance spec on generated W1 data and
// compares every value with the in-memory reference computed step by step
// with the frame kernels. The S scale (~90 MB of OES) runs unless -short.
func TestW1MatchesReference(t *testing.T) {
	scale := "S"
	if testing.Short() {
		scale = "demo"
	}
	cfg, err := w1gen.Scale(scale)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := w1gen.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	got := runW1(t, acceptanceSpec(t), dir, filepath.Join(dir, "features.csv"))
	tables, err := w1gen.ReadTables(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := w1gen.Features(tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want.NumRows() != cfg.WorkPairs {
		t.Fatalf("reference has %d rows, want one per work pair (%d)", want.NumRows(), cfg.WorkPairs)
	}
	nonNull := want.NumRows() - want.MustColumn("a_mean").NullCount()
	if nonNull == 0 {
		t.Fatal("reference matched nothing: the generated data does not exercise the joins")
	}
	assertFramesEqual(t, want, got)
}

// TestW1FromXLSX runs W1 with OES read from .xlsx and checks the result
// equals the CSV run's.
func TestW1FromXLSX(t *testing.T) {
	cfg, _ := w1gen.Scale("demo")
	cfg.OESRows = 2000
	if !testing.Short() {
		cfg, _ = w1gen.Scale("S")
		cfg.OESRows = 50000
	}
	dir := t.TempDir()
	if err := w1gen.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	if err := w1gen.WriteOESXLSX(context.Background(), dir, cfg); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(acceptanceSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	xspec := strings.Replace(string(spec), "path: oes.csv", "path: oes.xlsx", 1)
	if xspec == string(spec) {
		t.Fatal("could not point the spec at oes.xlsx")
	}
	xpath := filepath.Join(dir, "w1-xlsx.yaml")
	if err := os.WriteFile(xpath, []byte(xspec), 0o644); err != nil {
		t.Fatal(err)
	}
	fromCSV := runW1(t, acceptanceSpec(t), dir, filepath.Join(dir, "features-csv.csv"))
	fromXLSX := runW1(t, xpath, dir, filepath.Join(dir, "features-xlsx.csv"))
	assertFramesEqual(t, fromCSV, fromXLSX)
}
