package sqlconv

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	_ "modernc.org/sqlite"
)

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	// no fsync: the tests need atomicity, not durability
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "test.db")+"?_pragma=synchronous(off)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// randFrame makes rows of every frame type with nulls (probability
// pnull), extremes, awkward text and a dictionary-encoded column.
func randFrame(r *rand.Rand, rows int, pnull float64) *frame.Frame {
	words := []string{"", "a", "Texas", "ü ß 漢字", "with,comma", "it's \"quoted\"", "000123", "1.5", "NULL", "\x00nul", "\xff\xfe"}
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
	// SQLite keeps dates as text written by Go's time.Time.String: years 1 to 9999
	minDay, maxDay := int64(-719162), int64(2932896)
	for i := range rows {
		ints[i] = []int64{0, -1, math.MaxInt64, math.MinInt64, r.Int64(), r.Int64N(100)}[r.IntN(6)]
		floats[i] = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.MaxFloat64, 5e-324, 0.1, r.NormFloat64() * 1e6}[r.IntN(8)]
		if !fvalid[i] {
			floats[i] = math.NaN()
		}
		strs[i] = words[r.IntN(len(words))]
		bools[i] = r.IntN(2) == 0
		days[i] = []int64{minDay, maxDay, 0, -1, minDay + r.Int64N(maxDay-minDay)}[r.IntN(5)]
		nanos[i] = []int64{r.Int64(), -r.Int64(), 0, -1, math.MinInt64, math.MaxInt64, r.Int64N(1e12) * 1e6}[r.IntN(7)]
	}
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("i", ints, valid())),
		frame.NewFloat64("f", floats),
		frame.MustColumn(frame.NewString("s", strs, valid())),
		frame.MustColumn(frame.NewString("d", strs, valid())).DictEncode(),
		frame.MustColumn(frame.NewBool("b", bools, valid())),
		frame.MustColumn(frame.NewDate("day", days, valid())),
		frame.MustColumn(frame.NewDatetime("ts", nanos, valid())),
		frame.MustColumn(frame.NewInt64(`we"ird name`, ints, nil)),
	))
}

// expected is what SQLite gives back: plain strings, -0 as 0.
func expected(f *frame.Frame) *frame.Frame {
	cols := f.Columns()
	for i, c := range cols {
		switch {
		case c.Type() == frame.String:
			cols[i] = c.Decode()
		case c.Type() == frame.Float64:
			v := append([]float64(nil), c.Float64s()...)
			for k := range v {
				if v[k] == 0 {
					v[k] = 0 // -0 → 0
				}
			}
			cols[i] = frame.NewFloat64(c.Name(), v)
		}
	}
	return frame.Must(frame.New(cols...))
}

// identical compares names, types, encodings, nulls and values bit for bit.
func identical(a, b *frame.Frame) error {
	if a.NumRows() != b.NumRows() || fmt.Sprint(a.Names()) != fmt.Sprint(b.Names()) || fmt.Sprint(a.Types()) != fmt.Sprint(b.Types()) {
		return fmt.Errorf("shape %d %q %v vs %d %q %v", a.NumRows(), a.Names(), a.Types(), b.NumRows(), b.Names(), b.Types())
	}
	for k := range a.NumCols() {
		ca, cb := a.ColumnAt(k), b.ColumnAt(k)
		if ca.IsDict() != cb.IsDict() {
			return fmt.Errorf("column %s: dict %v vs %v", ca.Name(), ca.IsDict(), cb.IsDict())
		}
		for i := range a.NumRows() {
			if ca.IsNull(i) != cb.IsNull(i) {
				return fmt.Errorf("column %s row %d: null %v vs %v (%v, %v)", ca.Name(), i, ca.IsNull(i), cb.IsNull(i), ca.Value(i), cb.Value(i))
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
				return fmt.Errorf("column %s row %d: %q vs %q", ca.Name(), i, fmt.Sprint(ca.Value(i)), fmt.Sprint(cb.Value(i)))
			}
		}
	}
	return nil
}

// TestRoundTripProperty: random frame → SQLite table (Insert with Create,
// batches of every size) → frame (Rows in chunks) is identical but for the
// documented differences (plain strings, -0 as 0).
func TestRoundTripProperty(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	r := rand.New(rand.NewPCG(7, 8))
	trials := 60
	if testing.Short() {
		trials = 15
	}
	for trial := range trials {
		rows := []int{0, 1, 2, 7, 150, 400}[r.IntN(6)]
		f := randFrame(r, rows, []float64{0, 0.15, 0.6, 1}[r.IntN(4)])
		table := fmt.Sprintf("t%d", trial)
		opt := InsertOptions{Create: true, BatchRows: r.IntN(60), MaxParams: []int{0, 8, 40, 32766}[r.IntN(4)], NoTx: trial%5 == 0}
		if err := Insert(ctx, db, table, f, opt); err != nil {
			t.Fatalf("trial %d: %+v: %v", trial, opt, err)
		}
		q, err := db.QueryContext(ctx, `SELECT * FROM "`+table+`" ORDER BY rowid`)
		if err != nil {
			t.Fatal(err)
		}
		var chunks []*frame.Frame
		chunk := 1 + r.IntN(100)
		for c, err := range Rows(ctx, q, Options{ChunkRows: chunk}) {
			if err != nil {
				t.Fatalf("trial %d: %v", trial, err)
			}
			if c.NumRows() > chunk {
				t.Fatalf("chunk of %d rows, want at most %d", c.NumRows(), chunk)
			}
			chunks = append(chunks, c)
		}
		got, err := frame.Concat(chunks...)
		if err != nil {
			t.Fatal(err)
		}
		if err := identical(got, expected(f)); err != nil {
			t.Fatalf("trial %d (%d rows, %+v): %v", trial, rows, opt, err)
		}
	}
}

// TestTypes reads expression columns (no declared type), declared types
// that need converting, and a forced type.
func TestTypes(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	for _, q := range []string{
		`CREATE TABLE w (n INTEGER, price DECIMAL(10,2), ok BOOL, day DATE, at DATETIME, name VARCHAR(20), raw BLOB, code TEXT)`,
		`INSERT INTO w VALUES (1, 12.5, 1, '2024-10-04', '2024-10-04 12:30:00', 'Texas', x'00ff', '007'),
		                      (2, NULL, 0, '2024-10-05', '2024-10-05T01:02:03.5Z', NULL, NULL, '010')`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Query(ctx, db, `SELECT n, price, ok, day, at, name, raw, code, count(*) OVER () AS cnt,
		n * 1.5 AS half, 'x' || n AS label, NULL AS nada, n > 1 AS big FROM w ORDER BY n`)
	if err != nil {
		t.Fatal(err)
	}
	want := "[n price ok day at name raw code cnt half label nada big] [int64 float64 bool date datetime string string string int64 float64 string string int64]"
	if got := fmt.Sprint(f.Names(), " ", f.Types()); got != want {
		t.Errorf("schema\n got %s\nwant %s", got, want)
	}
	var sb strings.Builder
	for i := range f.NumRows() {
		for _, c := range f.Columns() {
			v := c.Value(i)
			if c.Type() == frame.Date && v != nil {
				v = c.Time(i).Format("2006-01-02")
			}
			fmt.Fprintf(&sb, "%v|", v)
		}
		sb.WriteByte('\n')
	}
	wantRows := "1|12.5|true|2024-10-04|2024-10-04 12:30:00 +0000 UTC|Texas|\x00\xff|007|2|1.5|x1|<nil>|0|\n" +
		"2|<nil>|false|2024-10-05|2024-10-05 01:02:03.5 +0000 UTC|<nil>|<nil>|010|2|3|x2|<nil>|1|\n"
	if sb.String() != wantRows {
		t.Errorf("rows\n got %q\nwant %q", sb.String(), wantRows)
	}

	// a forced type, and a value that does not convert
	q, _ := db.QueryContext(ctx, `SELECT code, name FROM w ORDER BY n`)
	for f, err := range Rows(ctx, q, Options{Types: map[string]frame.Type{"code": frame.Int64}}) {
		if err != nil || fmt.Sprint(f.MustColumn("code").Int64s()) != "[7 10]" {
			t.Errorf("forced: %v %v", f, err)
		}
	}
	q, _ = db.QueryContext(ctx, `SELECT n, name FROM w ORDER BY n`)
	for _, err := range Rows(ctx, q, Options{Types: map[string]frame.Type{"name": frame.Float64}}) {
		if !errors.Is(err, ErrConvert) || err.Error() != `sqlconv: column "name", row 1: string Texas as float64: value does not convert` {
			t.Errorf("convert error: %v", err)
		}
	}

	// no rows: one empty frame with the columns
	e, err := Query(ctx, db, `SELECT n, name FROM w WHERE n > 10`)
	if err != nil || e.NumRows() != 0 || fmt.Sprint(e.Names(), e.Types()) != "[n name] [int64 string]" {
		t.Errorf("empty: %v %v", e, err)
	}
}

func TestTypeNames(t *testing.T) {
	for name, want := range map[string]frame.Type{
		"INTEGER": frame.Int64, "bigint": frame.Int64, "UNSIGNED BIG INT": frame.Int64, "INT8": frame.Int64,
		"DOUBLE PRECISION": frame.Float64, "numeric(12, 2)": frame.Float64, "FLOAT8": frame.Float64,
		"BOOLEAN": frame.Bool, "DATE": frame.Date, "timestamp(6) with time zone": frame.Datetime, "TIMESTAMPTZ": frame.Datetime,
		"VARCHAR(20)": frame.String, "NATIVE CHARACTER(70)": frame.String, "uuid": frame.String, "BYTEA": frame.String,
		"MYINTEGER": frame.Int64, "POINT": frame.Invalid, "INTERVAL": frame.Invalid, "": frame.Invalid,
	} {
		if got := typeOfName(name); got != want {
			t.Errorf("%q: %v, want %v", name, got, want)
		}
	}
}

// TestInsertAtomic: a failing batch rolls the whole insert back.
func TestInsertAtomic(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE u (id BIGINT PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	ids := []int64{1, 2, 3, 4, 5, 3} // the duplicate is in the second batch
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("id", ids, nil)),
		frame.MustColumn(frame.NewString("v", []string{"a", "b", "c", "d", "e", "f"}, nil))))
	err := Insert(ctx, db, "u", f, InsertOptions{BatchRows: 4})
	if err == nil || !strings.Contains(err.Error(), `sqlconv: insert into "u": rows 5 to 6:`) {
		t.Fatalf("err = %v", err)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM u`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows after a failed insert (%v), want 0", n, err)
	}
	// without the transaction the first batch stays
	_ = Insert(ctx, db, "u", f, InsertOptions{BatchRows: 4, NoTx: true})
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM u`).Scan(&n); err != nil || n != 4 {
		t.Errorf("%d rows after a failed insert without transaction (%v), want 4", n, err)
	}
	// too many columns for the parameter limit
	if err := Insert(ctx, db, "u", f, InsertOptions{MaxParams: 1}); err == nil {
		t.Error("no error for 2 columns with a limit of 1 parameter")
	}
	// another placeholder style is what the statement says
	if got := Dollar.param(3) + AtP.param(2) + Colon.param(1) + Question.param(9); got != "$3@p2:1?" {
		t.Errorf("placeholders %q", got)
	}
}

func TestCancel(t *testing.T) {
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := randFrame(rand.New(rand.NewPCG(1, 1)), 50, 0.1)
	if err := Insert(ctx, db, "c", f, InsertOptions{Create: true}); err != nil {
		t.Fatal(err)
	}
	q, err := db.QueryContext(ctx, `SELECT * FROM c`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range Rows(ctx, q, Options{ChunkRows: 10}) {
		n++
		if n == 2 {
			cancel()
		}
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v", err)
			}
			return
		}
	}
	t.Error("no error after cancelling")
}
