package sluicebeam

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/sluicedata/sluice/beam/chunk"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/internal/gen/w1gen"
	"github.com/sluicedata/sluice/pipeline"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

func TestMain(m *testing.M) {
	beam.Init()
	os.Exit(m.Run())
}

// w1Spec is the shared W1 acceptance spec, run exactly as written.
func w1Spec(t *testing.T) string {
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

// runBoth runs spec on data dir with the local engine and on Prism, each
// writing out/<name> (the spec's output file name), and returns both
// files' bytes.
func runBoth(t *testing.T, spec, dir string, opt Options) (local, onBeam []byte) {
	t.Helper()
	ctx := context.Background()
	plan, err := pipeline.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Outputs) != 1 {
		t.Fatalf("want one output, have %d", len(plan.Outputs))
	}
	name := filepath.Base(plan.Outputs[0].Path)
	lpath := filepath.Join(t.TempDir(), name)
	bpath := filepath.Join(t.TempDir(), name)
	if _, err := pipeline.Run(ctx, plan, pipeline.Options{DataDir: dir, Out: lpath}); err != nil {
		t.Fatalf("local engine: %v", err)
	}
	plan, err = pipeline.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	opt.DataDir, opt.Out = dir, bpath
	if _, err := Run(ctx, plan, "prism", opt); err != nil {
		t.Fatalf("prism: %v", err)
	}
	if local, err = os.ReadFile(lpath); err != nil {
		t.Fatal(err)
	}
	if onBeam, err = os.ReadFile(bpath); err != nil {
		t.Fatal(err)
	}
	return local, onBeam
}

// assertSameOutput fails with the first differing line of two CSV outputs.
func assertSameOutput(t *testing.T, local, onBeam []byte) {
	t.Helper()
	if bytes.Equal(local, onBeam) {
		return
	}
	ll := strings.Split(string(local), "\n")
	bl := strings.Split(string(onBeam), "\n")
	for i := range min(len(ll), len(bl)) {
		if ll[i] != bl[i] {
			t.Fatalf("line %d differs:\nlocal: %q\nprism: %q", i+1, ll[i], bl[i])
		}
	}
	t.Fatalf("local output has %d lines, prism's %d", len(ll), len(bl))
}

// lines counts the data rows of a CSV output with a header.
func lines(b []byte) int { return bytes.Count(b, []byte("\n")) - 1 }

// TestW1OnPrism runs the W1 acceptance spec on generated data on Prism and
// checks the output file is byte for byte the local engine's. Small data
// under -short; the S work pairs with a smaller OES otherwise.
func TestW1OnPrism(t *testing.T) {
	cfg, err := w1gen.Scale("S")
	if err != nil {
		t.Fatal(err)
	}
	cfg.OESRows = 60_000
	if testing.Short() {
		cfg, _ = w1gen.Scale("demo")
	}
	dir := t.TempDir()
	if err := w1gen.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	for name, opt := range joinModes {
		t.Run(name, func(t *testing.T) {
			local, onBeam := runBoth(t, w1Spec(t), dir, opt)
			if got := lines(local); got != cfg.WorkPairs {
				t.Fatalf("local output has %d rows, want one per work pair (%d)", got, cfg.WorkPairs)
			}
			// the data must exercise the joins: some medians are not null
			if !bytes.Contains(local, []byte(".")) {
				t.Fatal("no median in the output: the generated data matched nothing")
			}
			assertSameOutput(t, local, onBeam)
		})
	}
}

// joinModes translate joins both ways: every join a keyed CoGroupByKey,
// and small sides broadcast as side inputs.
// The shuffle mode also reads CSV files in 256 KiB byte ranges.
var joinModes = map[string]Options{
	"shuffle":   {Shards: 4, BroadcastBytes: -1, SplitBytes: 256 << 10},
	"broadcast": {Shards: 4},
}

// TestW1NonSelectiveOnPrism runs W1 on the non-selective shape: every
// related title is close (all scores above 80 pass the filter), so the
// joins fan out instead of shrinking the data.
func TestW1NonSelectiveOnPrism(t *testing.T) {
	cfg, _ := w1gen.Scale("demo")
	cfg.Titles, cfg.Codes, cfg.WorkPairs, cfg.OESRows, cfg.Related = 60, 40, 300, 3000, 6
	dir := t.TempDir()
	if err := w1gen.Write(dir, cfg); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(w1Spec(t))
	if err != nil {
		t.Fatal(err)
	}
	ns := strings.Replace(string(spec), "filter: score > 80", "filter: score > -1", 1)
	if ns == string(spec) {
		t.Fatal("could not make the spec non-selective")
	}
	path := filepath.Join(dir, "w1-nonselective.yaml")
	if err := os.WriteFile(path, []byte(ns), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, opt := range joinModes {
		t.Run(name, func(t *testing.T) {
			local, onBeam := runBoth(t, path, dir, opt)
			assertSameOutput(t, local, onBeam)
		})
	}
}

// writeW4 writes n CSV files of a sales log under dir/logs: store, sku,
// qty, price (some empty), day; keys repeat across files.
func writeW4(t *testing.T, dir string, files, rows int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(4, 4))
	for f := range files {
		var b strings.Builder
		b.WriteString("store,sku,qty,price,day\n")
		for range rows {
			price := fmt.Sprintf("%.2f", r.Float64()*100)
			if r.IntN(20) == 0 {
				price = ""
			}
			fmt.Fprintf(&b, "s%02d,k%03d,%d,%s,2024-01-%02d\n", r.IntN(12), r.IntN(150), r.IntN(40)-5, price, 1+r.IntN(28))
		}
		if err := os.WriteFile(filepath.Join(dir, "logs", fmt.Sprintf("part-%04d.csv", f)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const w4Spec = `name: w4-reduce
inputs:
  logs: { path: "logs/*.csv" }
steps:
  - name: per_sku
    from: logs
    filter: qty > 0
    group_by: [store, sku]
    agg:
      n: count()
      units: sum(qty)
      avg_price: mean(price)
      med_price: median(price)
      p90: quantile(price, 0.9)
      lo: min(price)
      hi: max(price)
      days: nunique(day)
output:
  from: per_sku
  path: per_sku.csv
`

// TestW4ManyFileReduceOnPrism reduces a glob of many CSV files (300; 12
// under -short) by group on Prism (holistic medians and quantiles included) and compares with the
// local engine.
func TestW4ManyFileReduceOnPrism(t *testing.T) {
	files, rows := 300, 200
	if testing.Short() {
		files, rows = 12, 100
	}
	dir := t.TempDir()
	writeW4(t, dir, files, rows)
	spec := filepath.Join(dir, "w4.yaml")
	if err := os.WriteFile(spec, []byte(w4Spec), 0o644); err != nil {
		t.Fatal(err)
	}
	local, onBeam := runBoth(t, spec, dir, Options{Shards: 5})
	if lines(local) < 100 {
		t.Fatalf("only %d groups: the data does not exercise the reduce", lines(local))
	}
	assertSameOutput(t, local, onBeam)
}

// stepsSpec exercises every translatable step field: union inputs, derive,
// filter, every join kind, global agg, select, rename, distinct (all and a
// subset), sort and limit.
const stepsSpec = `name: steps
inputs:
  logs: { path: "logs/*.csv" }
  stores: { path: stores.csv }
  extra: { paths: [a.csv, b.csv], union: true }
steps:
  - name: enriched
    from: logs
    derive: { value: qty * price, big: qty > 20 }
    filter: value > 10 or big
    rename: { sku: item }
  - name: inner
    join: { left: enriched, right: stores, on: [store] }
  - name: left
    join: { left: stores, right: enriched, on: [store], how: left }
    select: [store, city, item, qty]
  - name: right
    join: { left: stores, right: enriched, on: [store], how: right }
    select: [store, city, item]
  - name: outer
    join: { left: stores, right: enriched, on: [store], how: outer }
    select: [store, city, item]
  - name: semi
    join: { left: stores, right: enriched, on: [store], how: semi }
  - name: anti
    join: { left: stores, right: enriched, on: [store], how: anti }
  - name: cities
    from: inner
    distinct: [city]
    select: [city, store, item]
  - name: pairs
    from: left
    select: [store, item]
    distinct: true
  - name: top
    from: inner
    sort: [-value, item]
    limit: 25
  - name: first
    from: enriched
    limit: 7
  - name: totals
    from: enriched
    agg: { n: count(), v: sum(value), m: median(value) }
  - name: union_all
    from: extra
    sort: [k]
outputs:
  - { from: inner, path: inner.csv }
  - { from: left, path: left.csv }
  - { from: right, path: right.csv }
  - { from: outer, path: outer.csv }
  - { from: semi, path: semi.csv }
  - { from: anti, path: anti.csv }
  - { from: cities, path: cities.csv }
  - { from: pairs, path: pairs.csv }
  - { from: top, path: top.csv }
  - { from: first, path: first.csv }
  - { from: totals, path: totals.csv }
  - { from: union_all, path: union.csv }
`

// TestStepsOnPrism runs a plan with every kind of step on Prism and
// compares each of its outputs with the local engine's, byte for byte.
func TestStepsOnPrism(t *testing.T) {
	dir := t.TempDir()
	writeW4(t, dir, 6, 80)
	stores := "store,city\ns00,Oslo\ns01,Lima\ns02,Oslo\ns03,Kyiv\ns05,Pune\ns07,Lima\ns99,Nowhere\n,Nullville\n"
	files := map[string]string{
		"stores.csv": stores,
		"a.csv":      "k,y,x\n3,p,1\n1,q,2\n2,,\n",
		"b.csv":      "k,x,y,z\n2,1.5,u,7\n0,,v,\n",
		"steps.yaml": stepsSpec,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	plan, err := pipeline.Load(filepath.Join(dir, "steps.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// run with the data dir as base, then move each output aside
	run := func(out string, fn func() error) {
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		for _, o := range plan.Outputs {
			if err := os.Rename(filepath.Join(dir, o.Path), filepath.Join(out, o.Path)); err != nil {
				t.Fatal(err)
			}
		}
	}
	ldir := t.TempDir()
	run(ldir, func() error { _, err := pipeline.Run(ctx, plan, pipeline.Options{}); return err })
	for mode, opt := range joinModes {
		bdir := t.TempDir()
		var notes []string
		run(bdir, func() error {
			tr, err := Run(ctx, plan, "prism", opt)
			if tr != nil {
				notes = tr.Notes
			}
			return err
		})
		want := "broadcast"
		if opt.BroadcastBytes < 0 {
			want = "shuffled by key"
		}
		if len(notes) != 6 {
			t.Fatalf("%s: notes %q, want one per join", mode, notes)
		}
		for _, n := range notes {
			want := want
			if strings.HasPrefix(n, "step outer:") {
				want = "shuffled by key" // an outer join keeps both sides' unmatched rows
			}
			if !strings.Contains(n, want) {
				t.Errorf("%s: note %q, want %q", mode, n, want)
			}
		}
		for _, o := range plan.Outputs {
			t.Run(mode+"/"+o.From, func(t *testing.T) {
				local, err := os.ReadFile(filepath.Join(ldir, o.Path))
				if err != nil {
					t.Fatal(err)
				}
				onBeam, err := os.ReadFile(filepath.Join(bdir, o.Path))
				if err != nil {
					t.Fatal(err)
				}
				if lines(local) < 1 {
					t.Fatalf("local output %s is empty: the test data does not exercise it", o.Path)
				}
				assertSameOutput(t, local, onBeam)
			})
		}
	}
}

// TestRuntimeErrorNamesStep: a step whose expression fails on a chunk
// at run time fails the whole Beam job, with an error naming the step, its
// stage and its spec line. Validation type-checks every expression against
// the inputs' inferred schemas (and the readers refuse values that break a
// column's type), so a validated plan's expressions cannot fail on data;
// to reach the runtime path the test feeds the step's DoFn a chunk whose
// qty column is text, as a worker would see if the data changed after
// validation.
func TestRuntimeErrorNamesStep(t *testing.T) {
	cfg := stepCfg{Name: "doubled", File: "spec.yaml", Line: 7, Filter: "qty * 2 > 10"}
	js, err := encodeJSON(cfg)
	if err != nil {
		t.Fatal(err)
	}
	qty := frame.MustColumn(frame.NewString("qty", []string{"3", "x"}, nil))
	ord := frame.MustColumn(frame.NewString(ordCol, []string{"0", "1"}, nil))
	chunk := chunk.Encode(frame.Must(frame.New(qty, ord)))
	p, s := beam.NewPipelineWithRoot()
	beam.ParDo(s, &mapFn{Cfg: js, Stage: "pre"}, beam.Create(s, chunk))
	_, err = beam.Run(context.Background(), "prism", p)
	if err == nil {
		t.Fatal("the job succeeded")
	}
	for _, want := range []string{`spec.yaml:7: step "doubled": filter:`, "needs numbers"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error lacks %q: %v", want, err)
		}
	}
}

// TestRuntimeDataErrorNamesInput: a value past the inference sample that
// does not fit its column fails the job on Prism with an error naming the
// input, the file and the line, and leaves no output.
func TestRuntimeDataErrorNamesInput(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("id,qty\n")
	for i := range 50 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%7)
	}
	b.WriteString("50,lots\n")
	files := map[string]string{
		"events.csv": b.String(),
		"bad.yaml": `name: bad
inputs:
  events: { path: events.csv, sample_rows: 20 }
steps:
  - name: busy
    from: events
    filter: qty > 3
output: { from: busy, path: out.csv }
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := pipeline.Load(filepath.Join(dir, "bad.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Run(context.Background(), plan, "prism", Options{})
	if err == nil {
		t.Fatal("the job succeeded")
	}
	for _, want := range []string{`input "events"`, "events.csv:52"} {
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("error lacks %q: %v", want, err)
		}
	}
	var je *JobError
	if !errors.As(err, &je) || strings.Contains(err.Error(), "caused by") {
		t.Fatalf("want a JobError with only the cause in its message, got %T: %v", err, err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "out.csv")); serr == nil {
		t.Fatal("a failed job left an output")
	}
}

// TestUntranslatableRejected: a match step is rejected by Build, before
// any job runs.
func TestUntranslatableRejected(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.csv": "name\nAcme Corp\n",
		"b.csv": "company\nACME Corporation\n",
		"m.yaml": `name: m
inputs:
  a: { path: a.csv }
  b: { path: b.csv }
steps:
  - name: fuzzy
    match: { left: a, right: b, on: { name: company } }
output: { from: fuzzy, path: out.csv }
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := pipeline.Load(filepath.Join(dir, "m.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), plan, Options{})
	if !errors.Is(err, ErrUntranslatable) || !strings.Contains(err.Error(), `step "fuzzy"`) {
		t.Fatalf("Build: %v, want an untranslatable match naming the step", err)
	}
	// standard input: rejected before validation would read it
	stdin, err := pipeline.Parse([]byte("name: s\ninputs:\n  a: { path: \"-\" }\noutput: { from: a, path: out.csv }\n"), filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err = Build(context.Background(), stdin, Options{}); !errors.Is(err, ErrUntranslatable) || !strings.Contains(err.Error(), `input "a"`) {
		t.Fatalf("Build: %v, want an untranslatable standard input naming the input", err)
	}
	// an output directory that does not exist fails before any work
	plan.Steps = nil
	plan.Outputs[0].From, plan.Outputs[0].Path = "a", "missing/out.csv"
	if _, err = Build(context.Background(), plan, Options{}); err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Fatalf("Build: %v, want a missing output directory", err)
	}
}

// convert rewrites a CSV file in another format (by the new path's
// extension) with package writers.
func convert(t *testing.T, from, to string) {
	t.Helper()
	f, err := readers.ReadAll(readers.Open(context.Background(), from, readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	w, err := writers.Create(to, writers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

const formatsSpec = `name: formats
inputs:
  logs: { path: "logs/*.parquet" }
  stores: { path: stores.xlsx }
steps:
  - name: located
    join: { left: logs, right: stores, on: [store], how: left }
    group_by: [city, sku]
    agg: { n: count(), mid: median(price) }
outputs:
  - { from: located, path: located.csv }
  - { from: located, path: located.parquet }
`

// TestFormatsOnPrism reads a glob of Parquet files and an xlsx sheet on
// Prism and writes CSV and Parquet: the CSV is byte for byte the local
// engine's, the Parquet file reads back to the same frame.
func TestFormatsOnPrism(t *testing.T) {
	dir := t.TempDir()
	writeW4(t, dir, 4, 60)
	if err := os.WriteFile(filepath.Join(dir, "stores.csv"), []byte("store,city\ns00,Oslo\ns01,Lima\ns02,Oslo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	convert(t, filepath.Join(dir, "stores.csv"), filepath.Join(dir, "stores.xlsx"))
	csvs, _ := filepath.Glob(filepath.Join(dir, "logs", "*.csv"))
	for _, c := range csvs {
		convert(t, c, strings.TrimSuffix(c, ".csv")+".parquet")
	}
	spec := filepath.Join(dir, "formats.yaml")
	if err := os.WriteFile(spec, []byte(formatsSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	plan, err := pipeline.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	ldir, bdir := t.TempDir(), t.TempDir()
	if _, err := pipeline.Run(ctx, plan, pipeline.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Outputs {
		os.Rename(filepath.Join(dir, o.Path), filepath.Join(ldir, o.Path))
	}
	if _, err := Run(ctx, plan, "prism", Options{}); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Outputs {
		os.Rename(filepath.Join(dir, o.Path), filepath.Join(bdir, o.Path))
	}
	local, _ := os.ReadFile(filepath.Join(ldir, "located.csv"))
	onBeam, _ := os.ReadFile(filepath.Join(bdir, "located.csv"))
	if lines(local) < 10 {
		t.Fatalf("local output has %d rows", lines(local))
	}
	assertSameOutput(t, local, onBeam)
	lp, err := readers.ReadAll(readers.Open(ctx, filepath.Join(ldir, "located.parquet"), readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	bp, err := readers.ReadAll(readers.Open(ctx, filepath.Join(bdir, "located.parquet"), readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if err := sameFrame(lp, bp); err != nil {
		t.Fatalf("parquet outputs differ: %v", err)
	}
}

// sameFrame reports the first difference between two frames (floats by
// bits).
func sameFrame(a, b *frame.Frame) error {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return fmt.Errorf("shape %dx%d vs %dx%d", a.NumRows(), a.NumCols(), b.NumRows(), b.NumCols())
	}
	for k := range a.NumCols() {
		ca, cb := a.ColumnAt(k), b.ColumnAt(k)
		if ca.Name() != cb.Name() || ca.Type() != cb.Type() {
			return fmt.Errorf("column %d: %s %v vs %s %v", k, ca.Name(), ca.Type(), cb.Name(), cb.Type())
		}
		for i := range ca.Len() {
			if ca.IsNull(i) != cb.IsNull(i) {
				return fmt.Errorf("%s row %d: null %v vs %v", ca.Name(), i, ca.IsNull(i), cb.IsNull(i))
			}
			if !ca.IsNull(i) && frame.FormatValue(ca, i) != frame.FormatValue(cb, i) {
				return fmt.Errorf("%s row %d: %v vs %v", ca.Name(), i, ca.Value(i), cb.Value(i))
			}
		}
	}
	return nil
}

// TestSplitCSVOnPrism reads CSV files with quoted fields holding newlines,
// delimiters and quotes in byte ranges of a few records, and checks the
// output is the local engine's (so no range ended inside a quoted field and
// every row kept its place).
func TestSplitCSVOnPrism(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 7))
	for _, name := range []string{"a.csv", "b.csv"} {
		var b strings.Builder
		b.WriteString("id,\"note\nwith newline\",amount\r\n")
		for i := range 300 {
			note := fmt.Sprintf("n%d", r.IntN(50))
			switch r.IntN(4) {
			case 0:
				note = fmt.Sprintf("\"line one\nline \"\"two\"\", %d\"", r.IntN(50))
			case 1:
				note = "\"\n\n\""
			}
			fmt.Fprintf(&b, "%d,%s,%d\r\n", i, note, r.IntN(100))
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	spec := `name: split
inputs:
  notes: { path: "*.csv" }
steps:
  - name: kept
    from: notes
    filter: amount > 20
  - name: per_note
    from: notes
    group_by: ["note\nwith newline"]
    agg: { n: count(), mid: median(amount) }
outputs:
  - { from: kept, path: out/kept.csv }
  - { from: per_note, path: out/per_note.csv }
`
	if err := os.WriteFile(filepath.Join(dir, "split.yaml"), []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	in := inputCfg{SplitBytes: 300}
	ranges, err := in.split(context.Background(), 0, filepath.Join(dir, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ranges) < 10 {
		t.Fatalf("a.csv cut into %d ranges, want many", len(ranges))
	}
	ctx := context.Background()
	plan, err := pipeline.Load(filepath.Join(dir, "split.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	ldir, bdir := t.TempDir(), t.TempDir()
	if _, err := pipeline.Run(ctx, plan, pipeline.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Outputs {
		os.Rename(filepath.Join(dir, o.Path), filepath.Join(ldir, filepath.Base(o.Path)))
	}
	if _, err := Run(ctx, plan, "prism", Options{SplitBytes: 300}); err != nil {
		t.Fatal(err)
	}
	for _, o := range plan.Outputs {
		os.Rename(filepath.Join(dir, o.Path), filepath.Join(bdir, filepath.Base(o.Path)))
	}
	for _, o := range plan.Outputs {
		local, err := os.ReadFile(filepath.Join(ldir, filepath.Base(o.Path)))
		if err != nil {
			t.Fatal(err)
		}
		onBeam, err := os.ReadFile(filepath.Join(bdir, filepath.Base(o.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if lines(local) < 20 {
			t.Fatalf("%s: %d rows", o.Path, lines(local))
		}
		assertSameOutput(t, local, onBeam)
	}
}
