package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/xuri/excelize/v2"
)

func readAll(t testing.TB, path string, opt readers.Options) (*frame.Frame, []int, error) {
	t.Helper()
	var frames []*frame.Frame
	var sizes []int
	for f, err := range Read(context.Background(), path, opt) {
		if err != nil {
			return nil, sizes, err
		}
		frames = append(frames, f)
		sizes = append(sizes, f.NumRows())
	}
	all, err := frame.Concat(frames...)
	return all, sizes, err
}

// writeBook writes rows (row 1 first) to Sheet1 of a new workbook.
func writeBook(t testing.TB, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPyFloat(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{
		{0.1, "0.1"}, {1e-05, "1e-05"}, {0.0001, "0.0001"}, {1e16, "1e+16"}, {1e15, "1000000000000000.0"},
		{123456789012345678, "1.2345678901234568e+17"}, {-2.5, "-2.5"}, {0, "0.0"}, {math.Copysign(0, -1), "-0.0"},
		{12345.678, "12345.678"}, {1.5e-07, "1.5e-07"}, {1e100, "1e+100"}, {3.0, "3.0"}, {0.30000000000000004, "0.30000000000000004"},
	} {
		if got := string(appendPyFloat(nil, c.v)); got != c.want {
			t.Errorf("repr(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	for in, want := range map[string]string{"42": "42", "-0": "0", "007": "7", "+5": "5", "1.0": "1.0", "1E3": "1000.0", " 12 ": "12", "99999999999999999999": "99999999999999999999"} {
		if got := string(appendNumberText(nil, []byte(in))); got != want {
			t.Errorf("number %q → %q, want %q", in, got, want)
		}
	}
}

func TestSerialDates(t *testing.T) {
	for _, c := range []struct {
		v    float64
		d    bool
		want string
	}{
		{1, false, "1900-01-01T00:00:00"}, {59, false, "1900-02-28T00:00:00"}, {60, false, "1900-02-28T00:00:00"},
		{61, false, "1900-03-01T00:00:00"}, {45000.5, false, "2023-03-15T12:00:00"}, {0.5, false, "12:00:00"},
		{0, true, "00:00:00"}, {1, true, "1904-01-02T00:00:00"}, {43831.0000115741, false, "2020-01-01T00:00:01"},
		{43831.123456789, false, "2020-01-01T02:57:46.667000"},
	} {
		ms, timeOnly, ok := serialTime(c.v, c.d)
		if !ok {
			t.Errorf("serial %v: not ok", c.v)
			continue
		}
		if got := string(appendDateText(nil, ms, timeOnly)); got != c.want {
			t.Errorf("serial %v (1904=%v) = %q, want %q", c.v, c.d, got, c.want)
		}
	}
	if _, _, ok := serialTime(1e7, false); ok {
		t.Error("serial 1e7 should be out of range")
	}
}

func TestDateFormats(t *testing.T) {
	for code, want := range map[string]bool{
		"yyyy-mm-dd": true, "[h]:mm:ss": true, "mm:ss": true, `0.00" days"`: false, "[Red]0.00": false,
		"#,##0_);[Red](#,##0)": false, "General": false, `[$-409]d\-mmm\-yy;@`: true, `\d0`: false, "0.00;[Red]dd": false, "@": false,
	} {
		if got := isDateFormat(code); got != want {
			t.Errorf("isDateFormat(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestChunkSizes(t *testing.T) {
	var rows [][]any
	rows = append(rows, []any{"id", "name", "score", "ok", "when"})
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 50; i++ {
		var score any = float64(i) / 4
		if i%9 == 0 {
			score = nil
		}
		rows = append(rows, []any{i, "n" + strconv.Itoa(i), score, i%2 == 0, base.AddDate(0, 0, i)})
	}
	p := writeBook(t, rows)
	ref, sizes, err := readAll(t, p, readers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sizes) != 1 || ref.NumRows() != 50 {
		t.Fatalf("default chunks %v, rows %d", sizes, ref.NumRows())
	}
	wantTypes := []frame.Type{frame.Int64, frame.String, frame.Float64, frame.Bool, frame.Date}
	for j, ty := range ref.Types() {
		if ty != wantTypes[j] {
			t.Errorf("column %s type %v, want %v", ref.Names()[j], ty, wantTypes[j])
		}
	}
	if got := ref.MustColumn("when").Time(3); !got.Equal(base.AddDate(0, 0, 3)) {
		t.Errorf("when[3] = %v", got)
	}
	if !ref.MustColumn("score").IsNull(9) || ref.MustColumn("score").Float64(10) != 2.5 {
		t.Errorf("score column wrong: null(9)=%v [10]=%v", ref.MustColumn("score").IsNull(9), ref.MustColumn("score").Float64(10))
	}
	for _, n := range []int{1, 7} {
		got, sizes, err := readAll(t, p, readers.Options{ChunkRows: n})
		if err != nil {
			t.Fatal(err)
		}
		if want := (50 + n - 1) / n; len(sizes) != want {
			t.Errorf("chunk %d: %d chunks, want %d", n, len(sizes), want)
		}
		for i, s := range sizes[:len(sizes)-1] {
			if s != n {
				t.Errorf("chunk %d: chunk %d has %d rows", n, i, s)
			}
		}
		if !sameFrame(got, ref) {
			t.Errorf("chunk %d: frames differ", n)
		}
	}
	// projection and override
	got, _, err := readAll(t, p, readers.Options{Columns: []string{"score", "id"}, Types: map[string]frame.Type{"id": frame.Float64}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Names(), ",") != "score,id" || got.Types()[1] != frame.Float64 || got.MustColumn("id").Float64(7) != 7 {
		t.Errorf("projection: %v %v", got.Names(), got.Types())
	}
	if _, _, err := readAll(t, p, readers.Options{Columns: []string{"nope"}}); !errors.Is(err, ErrNoColumn) {
		t.Errorf("unknown column: %v", err)
	}
}

func sameFrame(a, b *frame.Frame) bool {
	if a.NumRows() != b.NumRows() || a.NumCols() != b.NumCols() {
		return false
	}
	for j := 0; j < a.NumCols(); j++ {
		ca, cb := a.ColumnAt(j), b.ColumnAt(j)
		if ca.Name() != cb.Name() || ca.Type() != cb.Type() {
			return false
		}
		for i := 0; i < a.NumRows(); i++ {
			if ca.IsNull(i) != cb.IsNull(i) || (!ca.IsNull(i) && ca.Value(i) != cb.Value(i)) {
				return false
			}
		}
	}
	return true
}

func TestTypeBreakAfterSample(t *testing.T) {
	rows := [][]any{{"n"}}
	for i := 0; i < 20; i++ {
		rows = append(rows, []any{i})
	}
	rows = append(rows, []any{"oops"})
	p := writeBook(t, rows)
	_, _, err := readAll(t, p, readers.Options{SampleRows: 5})
	var pe *readers.ParseError
	if !errors.As(err, &pe) || !errors.Is(err, readers.ErrType) {
		t.Fatalf("got %v, want a ParseError wrapping ErrType", err)
	}
	if pe.Cell != "A22" || pe.Sheet != "Sheet1" || pe.Text != "oops" {
		t.Errorf("ParseError %+v", pe)
	}
	// with the whole sheet sampled the column is text
	f, _, err := readAll(t, p, readers.Options{SampleRows: -1})
	if err != nil || f.Types()[0] != frame.String {
		t.Errorf("full sample: %v %v", err, f)
	}
	// a non-integral number in an Int64 column is an error too, never truncated
	rows[21] = []any{2.5}
	p = writeBook(t, rows)
	if _, _, err := readAll(t, p, readers.Options{SampleRows: 5}); !errors.Is(err, readers.ErrType) {
		t.Errorf("2.5 in an int column: %v", err)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	corpus := filepath.Join(corpusDir(t), "xlsx", "excelize_Book1.xlsx")
	good, err := os.ReadFile(corpus)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var noWB bytes.Buffer
	zw := zip.NewWriter(&noWB)
	w, _ := zw.Create("hello.txt")
	w.Write([]byte("hi"))
	zw.Close()
	cases := []struct {
		name string
		path string
		opt  readers.Options
		want error
	}{
		{"missing", filepath.Join(dir, "nope.xlsx"), readers.Options{}, fs.ErrNotExist},
		{"directory", dir, readers.Options{}, readers.ErrFormat},
		{"empty", write("empty.xlsx", nil), readers.Options{}, readers.ErrEmpty},
		{"not a zip", write("text.xlsx", []byte("a,b\n1,2\n")), readers.Options{}, readers.ErrFormat},
		{"truncated", write("trunc.xlsx", good[:len(good)/2]), readers.Options{}, readers.ErrFormat},
		{"zip without workbook", write("nowb.xlsx", noWB.Bytes()), readers.Options{}, readers.ErrFormat},
		{"unknown sheet", corpus, readers.Options{Sheet: "Nope"}, readers.ErrNoSheet},
		{"index out of range", corpus, readers.Options{Sheet: "7"}, readers.ErrNoSheet},
	}
	for _, c := range cases {
		_, _, err := readAll(t, c.path, c.opt)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	_, _, err = readAll(t, corpus, readers.Options{Sheet: "Nope"})
	if err == nil || !strings.Contains(err.Error(), `"Sheet1", "Sheet2"`) {
		t.Errorf("unknown sheet error should list the sheets: %v", err)
	}
	if _, err := Sheets(filepath.Join(dir, "text.xlsx")); !errors.Is(err, readers.ErrFormat) {
		t.Errorf("Sheets on a non-zip: %v", err)
	}
	// corrupt deflate data inside a valid zip directory
	bad := append([]byte(nil), good...)
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			off, _ := f.DataOffset()
			for i := off + 10; i < off+60 && i < int64(len(bad)); i++ {
				bad[i] ^= 0x5a
			}
		}
	}
	if _, _, err := readAll(t, write("corrupt.xlsx", bad), readers.Options{}); !errors.Is(err, readers.ErrFormat) {
		t.Errorf("corrupt deflate stream: %v", err)
	}
}

// TestOESTyped reads the BLS OES workbooks typed with NA {*,#,**}; the
// expected JSON has no typed block for xlsx, so the numbers are checked
// against the raw expectation's text.
func TestOESTyped(t *testing.T) {
	for _, c := range []struct {
		file, intCol, floatCol string
	}{
		{"oes_national_M2013_dl.xlsx", "TOT_EMP", "H_MEAN"},
		{"oes_national_M2019_dl.xlsx", "tot_emp", "h_pct90"},
	} {
		path := filepath.Join(corpusDir(t), "xlsx", c.file)
		eb := loadExpected(t, path)
		es := eb.Sheets[0]
		f, _, err := readAll(t, path, readers.Options{NA: []string{"*", "#", "**"}})
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if f.NumRows() != len(es.Rows) {
			t.Errorf("%s: %d rows, want %d", c.file, f.NumRows(), len(es.Rows))
		}
		idx := map[string]int{}
		for j, h := range es.Header {
			idx[h] = j
		}
		ic, err := f.Column(c.intCol)
		if err != nil || ic.Type() != frame.Int64 {
			t.Fatalf("%s: %s: %v %v", c.file, c.intCol, err, ic)
		}
		fc, err := f.Column(c.floatCol)
		if err != nil || fc.Type() != frame.Float64 {
			t.Fatalf("%s: %s: %v %v", c.file, c.floatCol, err, fc)
		}
		checked := 0
		for i, row := range es.Rows {
			for _, col := range []*frame.Column{ic, fc} {
				txt := strings.ReplaceAll(row[idx[col.Name()]], ",", "")
				switch txt {
				case "", "*", "#", "**":
					if !col.IsNull(i) {
						t.Errorf("%s row %d %s: %q should be null", c.file, i, col.Name(), txt)
					}
					continue
				}
				want, err := strconv.ParseFloat(txt, 64)
				if err != nil {
					t.Fatalf("%s row %d: %v", c.file, i, err)
				}
				var got float64
				if col.Type() == frame.Int64 {
					got = float64(col.Int64(i))
				} else {
					got = col.Float64(i)
				}
				if col.IsNull(i) || got != want {
					t.Errorf("%s row %d %s = %v, want %v", c.file, i, col.Name(), got, want)
				}
				checked++
			}
		}
		if checked < 100 {
			t.Errorf("%s: only %d values checked", c.file, checked)
		}
	}
}

// TestRegistered checks the ".xlsx" registration with readers.Open.
func TestRegistered(t *testing.T) {
	path := filepath.Join(corpusDir(t), "xlsx", "fl_sheets.xlsx")
	n := 0
	for f, err := range readers.Open(context.Background(), path, readers.Options{Raw: true}) {
		if err != nil {
			t.Fatal(err)
		}
		n += f.NumRows()
	}
	if n != 1 {
		t.Errorf("readers.Open: %d rows, want 1", n)
	}
}

// TestSheetSelection: Options.Sheet is a name (exact match first) or a
// 1-based sheet number; "0" and unknown names are clear errors.
func TestSheetSelection(t *testing.T) {
	f := excelize.NewFile()
	names := []string{"alpha", "beta", "1"}
	for i, n := range names {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", n); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(n); err != nil {
			t.Fatal(err)
		}
		f.SetSheetRow(n, "A1", &[]any{"v"})
		f.SetSheetRow(n, "A2", &[]any{"sheet " + n})
	}
	p := filepath.Join(t.TempDir(), "sheets.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	f.Close()
	infos, err := Sheets(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range infos {
		if s.Number != i+1 || s.Name != names[i] {
			t.Errorf("Sheets()[%d] = %+v", i, s)
		}
	}
	for _, c := range []struct{ sel, want string }{
		{"", "sheet alpha"},
		{"alpha", "sheet alpha"},
		{"2", "sheet beta"},
		{"1", "sheet 1"}, // the name "1" wins over the number 1
		{"3", "sheet 1"},
	} {
		got, _, err := readAll(t, p, readers.Options{Sheet: c.sel, Raw: true})
		if err != nil {
			t.Errorf("Sheet %q: %v", c.sel, err)
			continue
		}
		if v := got.ColumnAt(0).Value(0); v != c.want {
			t.Errorf("Sheet %q read %v, want %q", c.sel, v, c.want)
		}
	}
	for _, c := range []struct{ sel, want string }{
		{"0", "sheets are numbered from 1"},
		{"-1", "sheets are numbered from 1"},
		{"4", `the workbook has 3 sheet(s) (worksheets: "alpha", "beta", "1")`},
		{"gamma", `sheet "gamma" not found (worksheets: "alpha", "beta", "1")`},
	} {
		_, _, err := readAll(t, p, readers.Options{Sheet: c.sel})
		if !errors.Is(err, readers.ErrNoSheet) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Sheet %q: got %v, want one line containing %q", c.sel, err, c.want)
		}
	}
}
