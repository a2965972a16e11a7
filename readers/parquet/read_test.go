package parquet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// sluice's own Parquet reads back identically: random frames with nulls,
// every type and edge values, written in uneven chunks over several row
// groups, read in chunks of several sizes; datetimes exact with
// nanoseconds, and in whole microseconds with the default unit.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 12 {
		n := []int{0, 1, 7, 100, 2500, 5000}[iter%6]
		nanos := iter%2 == 0
		in := randomFrame(r, n, nanos)
		opt := writers.Options{}
		if nanos {
			opt.ParquetTimestampUnit = writers.ParquetNanos
		}
		path := tempPath(t, "rt.parquet")
		writeParquet(t, path, in, opt, 1+r.IntN(900), 1+r.IntN(2000))
		for _, chunkRows := range []int{0, 1 + r.IntN(700)} {
			for _, noDict := range []bool{false, true} {
				got, _ := readAll(t, path, readers.Options{ChunkRows: chunkRows, NoDict: noDict}, Query{})
				if err := equalFrames(in, got); err != nil {
					t.Fatalf("iteration %d (%d rows, nanos %v, ChunkRows %d, NoDict %v): %v", iter, n, nanos, chunkRows, noDict, err)
				}
				if c := got.MustColumn("cat"); n > 0 && c.NullCount() < n && c.IsDict() == noDict {
					t.Fatalf("iteration %d: cat dictionary-encoded %v with NoDict %v", iter, c.IsDict(), noDict)
				}
			}
		}
	}
}

// A file of several row groups streams row group by row group: chunks of
// at most ChunkRows rows that never span two groups; projection decodes
// only the columns asked for, in their order.
func TestStreamingAndProjection(t *testing.T) {
	in := randomFrame(rand.New(rand.NewPCG(3, 4)), 10_000, false)
	path := tempPath(t, "groups.parquet")
	writeParquet(t, path, in, writers.Options{}, 4096, 3000) // groups 3000 3000 3000 1000
	var st Stats
	got, chunks := readAll(t, path, readers.Options{ChunkRows: 1000}, Query{Stats: &st})
	if err := equalFrames(in, got); err != nil {
		t.Fatal(err)
	}
	var sizes []int
	for _, c := range chunks {
		sizes = append(sizes, c.NumRows())
	}
	if fmt.Sprint(sizes) != "[1000 1000 1000 1000 1000 1000 1000 1000 1000 1000]" || st.RowGroups != 4 || st.RowGroupsRead != 4 {
		t.Fatalf("chunks %v, stats %+v", sizes, st)
	}
	_, chunks = readAll(t, path, readers.Options{ChunkRows: 2000}, Query{Stats: &st})
	sizes = sizes[:0]
	for _, c := range chunks {
		sizes = append(sizes, c.NumRows())
	}
	if fmt.Sprint(sizes) != "[2000 1000 2000 1000 2000 1000 1000]" {
		t.Fatalf("chunks %v: a chunk spans row groups", sizes)
	}
	if st.ColumnChunks != 4*in.NumCols() {
		t.Fatalf("full read decoded %d column chunks, want %d", st.ColumnChunks, 4*in.NumCols())
	}
	full := st.Bytes

	got, _ = readAll(t, path, readers.Options{Columns: []string{"day", "id"}}, Query{Stats: &st})
	want := frame.Must(in.Select("day", "id"))
	if err := equalFrames(want, got); err != nil {
		t.Fatal(err)
	}
	if st.ColumnChunks != 8 || !slices.Equal(st.Columns, []string{"day", "id"}) || st.Bytes >= full/2 {
		t.Fatalf("projection decoded %d column chunks of %v, %d of %d bytes", st.ColumnChunks, st.Columns, st.Bytes, full)
	}
	if _, err := readers.ReadAll(Open(context.Background(), path, readers.Options{Columns: []string{"nope"}})); !errors.Is(err, readers.ErrNoColumn) {
		t.Fatalf("unknown projected column: %v", err)
	}
}

// sortedFile writes n rows sorted by id (0..n-1), with other columns of
// every type that follow it, in row groups of group rows.
func sortedFile(t *testing.T, n, group int) (string, *frame.Frame) {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	ids := make([]int64, n)
	xs := make([]float64, n)
	names := make([]string, n)
	days := make([]int64, n)
	ats := make([]int64, n)
	oks := make([]bool, n)
	valid := make([]bool, n)
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		ids[i] = int64(i)
		xs[i] = float64(i)/10 + r.Float64()/100
		names[i] = fmt.Sprintf("n%05d", i)
		days[i] = frame.DaysFromTime(base) + int64(i/50)
		ats[i] = base.Add(time.Duration(i) * time.Minute).UnixNano()
		oks[i] = i >= n/2
		valid[i] = r.IntN(10) != 0
	}
	in := frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("id", ids, nil)),
		frame.NewFloat64("x", xs),
		frame.MustColumn(frame.NewString("name", names, valid)),
		frame.MustColumn(frame.NewDate("day", days, nil)),
		frame.MustColumn(frame.NewDatetime("at", ats, nil)),
		frame.MustColumn(frame.NewBool("ok", oks, nil)),
	))
	path := tempPath(t, "sorted.parquet")
	writeParquet(t, path, in, writers.Options{}, 1500, group)
	return path, in
}

// Predicate pushdown skips the row groups whose statistics exclude a term
// and gives the rows of filtering the whole file.
func TestWhereSkipsRowGroups(t *testing.T) {
	path, in := sortedFile(t, 10_000, 1000) // ten groups of 1000 ids
	tests := []struct {
		where   string
		skipped int
	}{
		{`id >= 7500`, 7},
		{`id < 1000`, 9},
		{`id == 4321`, 9},
		{`4321 == id`, 9},
		{`id >= 2500 && id <= 3500`, 8},
		{`id != 5`, 0},
		{`id > 100000`, 10},
		{`x > 500.5`, 5},
		{`name >= "n09000"`, 9},
		{`name == "zzz"`, 10},
		{`day < "2020-01-21"`, 9},           // 50 rows a day: days 0..19 are ids 0..999
		{`at >= "2020-01-07T06:40:00Z"`, 9}, // minute 9040 = id 9040
		{`ok == false`, 5},                  // ids n/2.. are true
		{`id >= 7500 || id < 10`, 0},        // no conjunction: nothing skipped
		{`id >= 5000 && (x < 0 || name == "")`, 5},
		{`id * 2 > 10000`, 0}, // not col op literal
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			e := frame.MustParseExpr(tt.where)
			var st Stats
			got, _ := readAll(t, path, readers.Options{}, Query{Where: e, Stats: &st})
			want, err := in.Filter(e)
			if err != nil {
				t.Fatal(err)
			}
			if err := equalFrames(want, got); err != nil {
				t.Fatal(err)
			}
			if st.RowGroupsSkipped != tt.skipped || st.RowGroupsRead != 10-tt.skipped {
				t.Fatalf("skipped %d row groups, read %d; want %d skipped", st.RowGroupsSkipped, st.RowGroupsRead, tt.skipped)
			}
			if st.Rows != int64(want.NumRows()) {
				t.Fatalf("Stats.Rows %d, want %d", st.Rows, want.NumRows())
			}
		})
	}
}

// Random conjunctions over random files: pushdown never changes the rows.
func TestWhereMatchesFilter(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	in := randomFrame(r, 3000, false)
	sorted, err := in.Sort(frame.SortKey{Name: "id"})
	if err != nil {
		t.Fatal(err)
	}
	path := tempPath(t, "w.parquet")
	writeParquet(t, path, sorted, writers.Options{}, 700, 300)
	ops := []string{"==", "!=", "<", "<=", ">", ">="}
	lit := func(col string) string {
		c := sorted.MustColumn(col)
		i := r.IntN(c.Len())
		for c.IsNull(i) && c.NullCount() < c.Len() {
			i = r.IntN(c.Len())
		}
		if c.IsNull(i) {
			return "nil"
		}
		switch c.Type() {
		case frame.String:
			return fmt.Sprintf("%q", c.Str(i))
		case frame.Date:
			return fmt.Sprintf("%q", c.Time(i).Format("2006-01-02"))
		case frame.Datetime:
			return fmt.Sprintf("%q", c.Time(i).Format(time.RFC3339Nano))
		case frame.Float64:
			return fmt.Sprintf("%g", c.Float64(i))
		}
		return fmt.Sprint(c.Value(i))
	}
	skipped := 0
	for range 200 {
		var terms []string
		for range 1 + r.IntN(2) {
			col := sorted.Names()[r.IntN(sorted.NumCols())]
			terms = append(terms, fmt.Sprintf("%s %s %s", col, ops[r.IntN(len(ops))], lit(col)))
		}
		src := terms[0]
		for _, tm := range terms[1:] {
			src += " && " + tm
		}
		e, err := frame.ParseExpr(src)
		if err != nil {
			continue // e.g. an infinite float literal
		}
		want, err := sorted.Filter(e)
		if err != nil {
			continue // e.g. a comparison the frame rejects
		}
		var st Stats
		got, _ := readAll(t, path, readers.Options{}, Query{Where: e, Stats: &st})
		if err := equalFrames(want, got); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		skipped += st.RowGroupsSkipped
	}
	if skipped == 0 {
		t.Fatal("no predicate skipped a row group")
	}
}

// Where may use columns outside the projection; they are read and dropped.
func TestWhereOutsideProjection(t *testing.T) {
	path, in := sortedFile(t, 5000, 1000)
	e := frame.Col("id").Ge(4200)
	var st Stats
	got, _ := readAll(t, path, readers.Options{Columns: []string{"name"}}, Query{Where: e, Stats: &st})
	want := frame.Must(frame.Must(in.Filter(e)).Select("name"))
	if err := equalFrames(want, got); err != nil {
		t.Fatal(err)
	}
	if st.RowGroupsSkipped != 4 || !slices.Equal(st.Columns, []string{"name", "id"}) {
		t.Fatalf("stats %+v", st)
	}
	// nothing matches: one empty frame with the projected columns
	got, chunks := readAll(t, path, readers.Options{Columns: []string{"name", "x"}}, Query{Where: frame.Col("id").Lt(-1)})
	if len(chunks) != 1 || got.NumRows() != 0 || fmt.Sprint(got.Names(), got.Types()) != "[name x] [string float64]" {
		t.Fatalf("%d chunks, %d rows, %v %v", len(chunks), got.NumRows(), got.Names(), got.Types())
	}
	for _, bad := range []frame.Expr{frame.Col("nope").Gt(1), frame.Col("id").Add(1)} {
		if _, err := readers.ReadAll(Scan(context.Background(), path, readers.Options{}, Query{Where: bad})); err == nil {
			t.Fatalf("Where %s: no error", bad)
		}
	}
}

// Keep filters every chunk like a semi-join and skips the row groups whose
// statistics hold none of the keys.
func TestKeep(t *testing.T) {
	path, in := sortedFile(t, 10_000, 1000)
	keys := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("k", []int64{2100, 2999, 2500, 7777, 123456}, nil))))
	for _, viaOpen := range []bool{false, true} {
		kf := &readers.KeyFilter{Columns: []string{"id"}, Keys: keys}
		var st Stats
		var got *frame.Frame
		if viaOpen {
			var err error
			got, err = readers.ReadAll(readers.Open(context.Background(), path, readers.Options{Keep: kf}))
			if err != nil {
				t.Fatal(err)
			}
		} else {
			got, _ = readAll(t, path, readers.Options{Keep: kf}, Query{Stats: &st})
			if st.RowGroupsSkipped != 8 {
				t.Fatalf("skipped %d row groups, want 8", st.RowGroupsSkipped)
			}
		}
		want, err := frame.Join(in, keys, frame.Semi, frame.JoinOn{Left: []string{"id"}, Right: []string{"k"}})
		if err != nil {
			t.Fatal(err)
		}
		if err := equalFrames(want, got); err != nil {
			t.Fatal(err)
		}
	}
	// String keys on a column with nulls, two key columns
	keys2 := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("a", []string{"n00010", "n05005", "n09999"}, nil)),
		frame.MustColumn(frame.NewBool("b", []bool{false, true, true}, nil)),
	))
	var st Stats
	got, _ := readAll(t, path, readers.Options{Keep: &readers.KeyFilter{Columns: []string{"name", "ok"}, Keys: keys2}}, Query{Stats: &st})
	want, err := frame.Join(in, keys2, frame.Semi, frame.JoinOn{Left: []string{"name", "ok"}, Right: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := equalFrames(want, got); err != nil {
		t.Fatal(err)
	}
	if st.RowGroupsSkipped != 7 {
		t.Fatalf("skipped %d row groups, want 7", st.RowGroupsSkipped)
	}
	// a key column must be read, with the keys' type
	for _, opt := range []readers.Options{
		{Columns: []string{"x"}, Keep: &readers.KeyFilter{Columns: []string{"id"}, Keys: keys}},
		{Keep: &readers.KeyFilter{Columns: []string{"name"}, Keys: keys}},
	} {
		if _, err := readers.ReadAll(Open(context.Background(), path, opt)); err == nil {
			t.Fatalf("Keep %v on columns %v: no error", opt.Keep.Columns, opt.Columns)
		}
	}
}

// Globs of part files read as one source through readers.Glob.
func TestGlobOfParts(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(9, 10))
	var parts []*frame.Frame
	for i := range 3 {
		f := randomFrame(r, 500+i*100, false)
		parts = append(parts, f)
		writeParquet(t, filepath.Join(dir, fmt.Sprintf("part-%d.parquet", i)), f, writers.Options{}, 200, 300)
	}
	got, err := readers.ReadAll(readers.Glob(context.Background(), filepath.Join(dir, "part-*.parquet"), readers.Options{SourceColumn: "src"}))
	if err != nil {
		t.Fatal(err)
	}
	want := frame.Must(frame.Concat(parts...))
	src := got.MustColumn("src")
	if src.Str(0) != filepath.Join(dir, "part-0.parquet") || src.Str(got.NumRows()-1) != filepath.Join(dir, "part-2.parquet") {
		t.Fatalf("source column %q … %q", src.Str(0), src.Str(got.NumRows()-1))
	}
	if err := equalFrames(want, frame.Must(got.Drop("src"))); err != nil {
		t.Fatal(err)
	}
}

// Options.Types and Raw convert where it makes sense and refuse the rest.
func TestTypesOverride(t *testing.T) {
	path, in := sortedFile(t, 300, 100)
	got, _ := readAll(t, path, readers.Options{Types: map[string]frame.Type{
		"id": frame.Float64, "day": frame.Datetime, "at": frame.Date, "ok": frame.Int64, "x": frame.String,
	}}, Query{})
	for i := range in.NumRows() {
		if got.MustColumn("id").Float64(i) != float64(in.MustColumn("id").Int64(i)) ||
			got.MustColumn("day").Int64(i) != in.MustColumn("day").Int64(i)*86400e9 ||
			got.MustColumn("at").Int64(i) != in.MustColumn("at").Int64(i)/86400e9 ||
			got.MustColumn("ok").Int64(i) != map[bool]int64{false: 0, true: 1}[in.MustColumn("ok").Bool(i)] ||
			got.MustColumn("x").Str(i) != fmt.Sprint(in.MustColumn("x").Float64(i)) {
			t.Fatalf("row %d: %v, from %v", i, got.Slice(i, i+1), in.Slice(i, i+1))
		}
	}
	raw, _ := readAll(t, path, readers.Options{Raw: true}, Query{})
	for k, c := range raw.Columns() {
		if c.Type() != frame.String {
			t.Fatalf("raw column %s is %v", c.Name(), c.Type())
		}
		if c.NullCount() != in.ColumnAt(k).NullCount() {
			t.Fatalf("raw column %s has %d nulls, want %d", c.Name(), c.NullCount(), in.ColumnAt(k).NullCount())
		}
	}
	if s := raw.MustColumn("at").Str(61); s != "2020-01-01 01:01:00" {
		t.Fatalf("raw datetime %q", s)
	}
	if s := raw.MustColumn("day").Str(299); s != "2020-01-06" {
		t.Fatalf("raw date %q", s)
	}
	for _, bad := range []map[string]frame.Type{{"name": frame.Int64}, {"x": frame.Bool}, {"nope": frame.String}} {
		if _, err := readers.ReadAll(Open(context.Background(), path, readers.Options{Types: bad})); err == nil {
			t.Fatalf("Types %v: no error", bad)
		}
	}
}

// Past the cap of the read's shared dictionary a String column's chunks
// hold their row group's dictionary; values do not change.
func TestDictionaryCap(t *testing.T) {
	h := hooks{dictMax: 50}
	r := rand.New(rand.NewPCG(11, 12))
	in := randomFrame(r, 3000, false)
	cats := make([]string, in.NumRows())
	for i := range cats {
		cats[i] = fmt.Sprintf("c%d", i/20) // 150 distinct values, growing
	}
	in = frame.Must(in.WithColumn(frame.MustColumn(frame.NewString("cat", cats, nil))))
	path := tempPath(t, "cap.parquet")
	writeParquet(t, path, in, writers.Options{}, 1000, 1000)
	got, chunks := readAllHooks(t, path, readers.Options{ChunkRows: 200}, Query{}, h)
	if err := equalFrames(in, got); err != nil {
		t.Fatal(err)
	}
	// the shared dictionary fills up in the second row group; from then on
	// chunks hold their row group's own dictionary
	first, last := chunks[0].MustColumn("cat"), chunks[len(chunks)-1].MustColumn("cat")
	d0, _ := first.Dictionary()
	d1, _ := last.Dictionary()
	if !first.IsDict() || !last.IsDict() || d0.Len() != h.dictMax || d1.Len() != 50 {
		t.Fatalf("dictionaries: first %v (%d entries), last %v (%d entries)", first.IsDict(), d0.Len(), last.IsDict(), d1.Len())
	}
	got, chunks = readAll(t, path, readers.Options{ChunkRows: 200, NoDict: true}, Query{})
	if err := equalFrames(in, got); err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if c.MustColumn("cat").IsDict() {
			t.Fatal("NoDict read a dictionary column")
		}
	}
}

// A missing file and a file that is not Parquet give errors naming them.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := readers.ReadAll(Open(context.Background(), filepath.Join(dir, "none.parquet"), readers.Options{})); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	p := filepath.Join(dir, "t.parquet")
	if err := os.WriteFile(p, []byte("id,name\n1,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readers.ReadAll(readers.Open(context.Background(), p, readers.Options{}))
	if !errors.Is(err, readers.ErrFormat) || !strings.Contains(err.Error(), p) {
		t.Fatalf("CSV named .parquet: %v", err)
	}
}

// Breaking out of the loop early and a cancelled context both stop the read.
func TestEarlyStopAndCancel(t *testing.T) {
	path, _ := sortedFile(t, 5000, 1000)
	n := 0
	for _, err := range Open(context.Background(), path, readers.Options{ChunkRows: 100}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := readers.ReadAll(Open(ctx, path, readers.Options{})); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}
