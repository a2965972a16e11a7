package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/sluicedata/sluice/frame"
)

func records(t *testing.T, in string, opt Options) ([][]string, error) {
	t.Helper()
	var out [][]string
	for rec, err := range Records(context.Background(), strings.NewReader(in), opt) {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// readTests is the dialect table: input → records (header included).
var readTests = []struct {
	name string
	in   string
	opt  Options
	want [][]string
	err  error
}{
	{"simple", "a,b,c\n1,2,3\n", Options{}, [][]string{{"a", "b", "c"}, {"1", "2", "3"}}, nil},
	{"no final newline", "a,b\n1,2", Options{}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"crlf", "a,b\r\n1,2\r\n", Options{}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"lone cr", "a,b\r1,2\r", Options{}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"bom", "\xEF\xBB\xBFid,name\n1,x\n", Options{}, [][]string{{"id", "name"}, {"1", "x"}}, nil},
	{"blank lines", "a,b\n\n1,2\n\r\n\n3,4\n", Options{}, [][]string{{"a", "b"}, {"1", "2"}, {"3", "4"}}, nil},
	{"empty fields", "a,b\n,\n", Options{}, [][]string{{"a", "b"}, {"", ""}}, nil},
	{"quoted delimiter", "a,b\n\"x,y\",2\n", Options{}, [][]string{{"a", "b"}, {"x,y", "2"}}, nil},
	{"quoted newline", "a,b\n\"x\ny\",2\n", Options{}, [][]string{{"a", "b"}, {"x\ny", "2"}}, nil},
	{"quoted crlf kept", "a\r\n\"x\r\ny\"\r\n", Options{}, [][]string{{"a"}, {"x\r\ny"}}, nil},
	{"doubled quotes", "a\n\"say \"\"hi\"\"\"\n", Options{}, [][]string{{"a"}, {`say "hi"`}}, nil},
	{"literal quote mid-field", "a,b\n5'10\",37.8\"N\n", Options{}, [][]string{{"a", "b"}, {`5'10"`, `37.8"N`}}, nil},
	{"space then quote literal", "ID, Test\n1, \"Test line 1\"\n", Options{}, [][]string{{"ID", " Test"}, {"1", ` "Test line 1"`}}, nil},
	{"semicolon detected", "a;b;c\n1;2,5;3\n", Options{}, [][]string{{"a", "b", "c"}, {"1", "2,5", "3"}}, nil},
	{"tab detected", "a\tb\n1\t2\n", Options{}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"pipe detected", "a|b\n1|2\n", Options{}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"delimiter given", "a;b\n1;2\n", Options{Delimiter: ';'}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"comment", "# note\na,b\n#x\n1,2\n", Options{Comment: "#"}, [][]string{{"a", "b"}, {"1", "2"}}, nil},
	{"no comment char", "# note\na,b\n", Options{Delimiter: ','}, [][]string{{"# note"}, {"a", "b"}}, nil},
	{"ragged unpadded", "a,b,c\n1,2\n1,2,3,4\n", Options{}, [][]string{{"a", "b", "c"}, {"1", "2"}, {"1", "2", "3", "4"}}, nil},
	{"text after closing quote", "a\n\"ab\"cd\n", Options{}, nil, ErrQuote},
	{"unterminated quote", "a\n\"abc\n", Options{}, nil, ErrQuote},
	{"lazy text after quote", "a\n\"ab\"cd\"\n", Options{LazyQuotes: true}, [][]string{{"a"}, {`ab"cd`}}, nil},
	{"lazy unterminated", "a\n\"abc\n", Options{LazyQuotes: true}, [][]string{{"a"}, {"abc\n"}}, nil},
	{"latin1", "name\ncaf\xe9\n", Options{Encoding: "latin1"}, [][]string{{"name"}, {"café"}}, nil},
	{"cp1252", "p\n\x80 5\n", Options{Encoding: "windows-1252"}, [][]string{{"p"}, {"€ 5"}}, nil},
	{"iso-8859-7", "x\n\xe1\n", Options{Encoding: "iso-8859-7"}, [][]string{{"x"}, {"α"}}, nil},
}

func TestRecordsTable(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := records(t, tt.in, tt.opt)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line < 1 {
					t.Fatalf("want a *ParseError with a line, got %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			// the typed reader in raw mode agrees (ragged padded)
			o := tt.opt
			o.Raw, o.Ragged = true, RaggedExtend
			seq, st := CSVStats(context.Background(), strings.NewReader(tt.in), o)
			f, err := ReadAll(seq)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(st.Header, tt.want[0]) {
				t.Fatalf("header %q, want %q", st.Header, tt.want[0])
			}
			if f.NumRows() != len(tt.want)-1 {
				t.Fatalf("%d rows, want %d", f.NumRows(), len(tt.want)-1)
			}
			for i, r := range tt.want[1:] {
				for k := range f.NumCols() {
					c := f.ColumnAt(k)
					if k >= len(r) {
						if !c.IsNull(i) {
							t.Fatalf("row %d col %d = %q, want null", i, k, c.Str(i))
						}
					} else if c.IsNull(i) || c.Str(i) != r[k] {
						t.Fatalf("row %d col %d = %q, want %q", i, k, c.Str(i), r[k])
					}
				}
			}
		})
	}
}

func TestUniqueNames(t *testing.T) {
	f, err := ReadAll(CSV(context.Background(), strings.NewReader("a,,a\n1,2,3\n"), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Names(), []string{"a", "column_2", "a_2"}) {
		t.Fatalf("names %q", f.Names())
	}
}

func readAll(in string, opt Options) (*frame.Frame, error) {
	return ReadAll(CSV(context.Background(), strings.NewReader(in), opt))
}

func TestTypes(t *testing.T) {
	in := "i,f,b,d,dt,s,th,na,pad\n" +
		"1,1.5,true,2024-02-29,2024-02-29 13:45:00,x,\"132,588,810\",*,\" 46,440 \"\n" +
		"-2,3,False,1970-01-01,2024-02-29T13:45:00.5+02:00,y,880,#,12\n" +
		",NA,,,,,\"1,000\",**,\n"
	f, err := readAll(in, Options{NA: []string{"*", "#", "**"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []frame.Type{frame.Int64, frame.Float64, frame.Bool, frame.Date, frame.Datetime, frame.String, frame.Int64, frame.String, frame.Int64}
	if !slices.Equal(f.Types(), want) {
		t.Fatalf("types %v, want %v", f.Types(), want)
	}
	c := func(n string) *frame.Column { return f.MustColumn(n) }
	if c("i").Int64(1) != -2 || !c("i").IsNull(2) {
		t.Error("int column")
	}
	if c("f").Float64(0) != 1.5 || c("f").Float64(1) != 3 || !c("f").IsNull(2) {
		t.Error("float column")
	}
	if !c("b").Bool(0) || c("b").Bool(1) || !c("b").IsNull(2) {
		t.Error("bool column")
	}
	if c("d").Int64(1) != 0 || c("d").Int64(0) != 19782 {
		t.Errorf("date column %d %d", c("d").Int64(0), c("d").Int64(1))
	}
	if c("dt").Int64(0)-c("dt").Int64(1) != 2*3600e9-0.5e9 {
		t.Errorf("datetime column %d %d", c("dt").Int64(0), c("dt").Int64(1))
	}
	if c("th").Int64(0) != 132588810 || c("th").Int64(1) != 880 || c("th").Int64(2) != 1000 {
		t.Error("thousands column")
	}
	if c("pad").Int64(0) != 46440 || c("pad").Int64(1) != 12 {
		t.Error("padded column")
	}
	if c("na").NullCount() != 3 {
		t.Error("NA column should be all null")
	}
	// decimal comma, and overrides
	f, err = readAll("a;b\n\"1.234,5\";0,1\n2;3\n", Options{DecimalComma: true, Types: map[string]frame.Type{"b": frame.String}})
	if err != nil {
		t.Fatal(err)
	}
	if f.ColumnAt(0).Type() != frame.Float64 || f.ColumnAt(0).Float64(0) != 1234.5 || f.ColumnAt(1).Type() != frame.String {
		t.Fatalf("decimal comma: %v %v", f.Types(), f.ColumnAt(0).Value(0))
	}
	// inconsistent grouping stays text
	f, err = readAll("a\n\"1,5\"\n\"1,234\"\n", Options{})
	if err != nil || f.ColumnAt(0).Type() != frame.String {
		t.Fatalf("grouping: %v %v", err, f)
	}
}

func TestTypeBreakingValue(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("x,y\n")
	for i := range 50 {
		fmt.Fprintf(&sb, "%d,a\n", i)
	}
	sb.WriteString("2.5,b\n")
	_, err := readAll(sb.String(), Options{SampleRows: 10, ChunkRows: 7})
	var pe *ParseError
	if !errors.Is(err, ErrType) || !errors.As(err, &pe) {
		t.Fatalf("err = %v, want ErrType", err)
	}
	if pe.Line != 52 || pe.Field != 1 || pe.Text != "2.5" {
		t.Fatalf("ParseError %+v, want line 52 field 1 text 2.5", pe)
	}
	if !strings.Contains(err.Error(), "Options.Types") {
		t.Fatalf("message should suggest Options.Types: %v", err)
	}
	// the whole-file sample widens instead
	f, err := readAll(sb.String(), Options{SampleRows: -1})
	if err != nil || f.ColumnAt(0).Type() != frame.Float64 || f.ColumnAt(0).Float64(50) != 2.5 {
		t.Fatalf("SampleRows -1: %v", err)
	}
}

func TestRaggedPolicies(t *testing.T) {
	in := "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n"
	_, err := readAll(in, Options{})
	var pe *ParseError
	if !errors.Is(err, ErrFieldCount) || !errors.As(err, &pe) || pe.Line != 3 {
		t.Fatalf("default: %v", err)
	}
	seq, st := CSVStats(context.Background(), strings.NewReader(in), Options{Ragged: RaggedSkip})
	f, err := ReadAll(seq)
	if err != nil || f.NumRows() != 2 || st.Skipped != 2 || st.Rows != 2 {
		t.Fatalf("skip: %v %+v", err, st)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	_, err := ReadAll(CSVFile(ctx, filepath.Join(dir, "missing.csv"), Options{}))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing: %v", err)
	}
	_, err = ReadAll(CSVFile(ctx, dir, Options{}))
	if err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: %v", err)
	}
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o644)
	_, err = ReadAll(CSVFile(ctx, empty, Options{}))
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "empty.csv") {
		t.Errorf("empty: %v", err)
	}
	// truncated gzip
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	for i := range 20000 {
		fmt.Fprintf(zw, "%d,%d\n", i, i*7)
	}
	zw.Close()
	tr := filepath.Join(dir, "t.csv.gz")
	os.WriteFile(tr, gz.Bytes()[:gz.Len()/2], 0o644)
	_, err = ReadAll(CSVFile(ctx, tr, Options{}))
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "t.csv.gz") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated gzip: %v", err)
	}
	// unknown column
	if _, err := readAll("a\n1\n", Options{Columns: []string{"zz"}}); !errors.Is(err, ErrNoColumn) {
		t.Errorf("projection: %v", err)
	}
	if _, err := readAll("a\n1\n", Options{Encoding: "klingon"}); !errors.Is(err, ErrEncoding) {
		t.Errorf("encoding: %v", err)
	}
	// header only: an empty frame with the columns
	f, err := readAll("a,b\n", Options{})
	if err != nil || f.NumRows() != 0 || f.NumCols() != 2 {
		t.Errorf("header only: %v %v", err, f)
	}
	// xlsx without the format registered
	_, err = ReadAll(Open(ctx, filepath.Join(dir, "x.xlsx"), Options{}))
	if !errors.Is(err, ErrNoFormat) || !strings.Contains(err.Error(), "readers/xlsx") {
		t.Errorf("xlsx: %v", err)
	}
}

func TestCompressedAndFiles(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	data := "id,v\n1,2.5\n2,3\n"
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte(data), 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(data))
	zw.Close()
	os.WriteFile(filepath.Join(dir, "b.csv.gz"), gz.Bytes(), 0o644)
	zs, _ := zstd.NewWriter(nil)
	os.WriteFile(filepath.Join(dir, "c.csv.zst"), zs.EncodeAll([]byte(data), nil), 0o644)
	os.WriteFile(filepath.Join(dir, "d.data"), gz.Bytes(), 0o644) // gzip by magic bytes
	os.WriteFile(filepath.Join(dir, "e.tsv"), []byte("id\tv\n3\t1\n"), 0o644)
	for _, n := range []string{"a.csv", "b.csv.gz", "c.csv.zst"} {
		f, err := ReadAll(Open(ctx, filepath.Join(dir, n), Options{}))
		if err != nil || f.NumRows() != 2 || f.ColumnAt(1).Float64(0) != 2.5 {
			t.Errorf("%s: %v %v", n, err, f)
		}
	}
	f, err := ReadAll(CSVFile(ctx, filepath.Join(dir, "d.data"), Options{}))
	if err != nil || f.NumRows() != 2 {
		t.Errorf("gzip magic: %v", err)
	}
	f, err = ReadAll(Open(ctx, filepath.Join(dir, "e.tsv"), Options{}))
	if err != nil || f.NumCols() != 2 || f.ColumnAt(1).Int64(0) != 1 {
		t.Errorf("tsv: %v %v", err, f)
	}
	f, err = ReadAll(Glob(ctx, filepath.Join(dir, "*.csv*"), Options{SourceColumn: "file"}))
	if err != nil || f.NumRows() != 6 || f.NumCols() != 3 || !strings.HasSuffix(f.MustColumn("file").Str(5), "c.csv.zst") {
		t.Fatalf("glob: %v %v", err, f)
	}
	// a file whose columns differ is named
	os.WriteFile(filepath.Join(dir, "z.csv"), []byte("id,w\n1,2\n"), 0o644)
	_, err = ReadAll(Files(ctx, []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "z.csv")}, Options{}))
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "z.csv") {
		t.Errorf("schema: %v", err)
	}
	// later files are read with the first file's types
	os.WriteFile(filepath.Join(dir, "y.csv"), []byte("id,v\nx,2\n"), 0o644)
	_, err = ReadAll(Files(ctx, []string{filepath.Join(dir, "a.csv"), filepath.Join(dir, "y.csv")}, Options{}))
	if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "y.csv") {
		t.Errorf("types across files: %v", err)
	}
	infos, err := Infer(ctx, filepath.Join(dir, "a.csv"), Options{SampleRows: -1})
	if err != nil || len(infos) != 2 || infos[1].Type != frame.Float64 || infos[0].Example != "1" {
		t.Errorf("infer: %v %v", err, infos)
	}
}

// genCSV makes a CSV with quoted newlines, doubled quotes and numbers.
func genCSV(rows int) string {
	var sb strings.Builder
	sb.WriteString("id,txt,amount,flag\n")
	for i := range rows {
		txt := "plain"
		switch i % 5 {
		case 1:
			txt = "\"line one\nline two\""
		case 2:
			txt = "\"say \"\"hi\"\", ok\""
		case 3:
			txt = "\"a\r\nb\r\nc\""
		}
		fmt.Fprintf(&sb, "%d,%s,\"%s\",%v\n", i, txt, groupInt(int64(i)*1237), i%3 == 0)
	}
	return sb.String()
}

func groupInt(v int64) string {
	s := strconv.FormatInt(v, 10)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func frameRows(f *frame.Frame) [][]string {
	out := make([][]string, f.NumRows())
	for i := range out {
		for _, c := range f.Columns() {
			out[i] = append(out[i], fmt.Sprint(c.Value(i)))
		}
	}
	return out
}

func TestContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range CSV(ctx, strings.NewReader(genCSV(2000)), Options{ChunkRows: 10}) {
		if err != nil {
			last = err
			break
		}
		n++
		if n == 2 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("got %v after %d chunks, want context.Canceled", last, n)
	}
}
