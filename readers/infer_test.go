package readers

import (
	"context"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// oesLike writes a BLS-shaped CSV: a_mean holds numbers and the markers *,
// # and ** (first on lines 14, 101 and 102), naics a six-digit code with
// leading zeros, and sign a text column of "+" and "-".
func oesLike(t *testing.T, rows int) string {
	t.Helper()
	var sb strings.Builder
	sb.WriteString("area,naics,a_mean,sign,zip\n")
	for i := range rows {
		line := i + 2
		mean := fmt.Sprint(30000 + i)
		switch {
		case line%16 == 14:
			mean = "*"
		case line%71 == 30:
			mean = "#"
		case line == 102:
			mean = "**"
		}
		sign := "+"
		if i%3 == 0 {
			sign = "-"
		}
		fmt.Fprintf(&sb, "A%d,%06d,%s,%s,%05d\n", i%5, (i%3)*111000, mean, sign, 1001+i%50)
	}
	p := filepath.Join(t.TempDir(), "oes.csv")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInferExplains: a column that is almost numeric is String, and Infer
// says why (share, tokens with counts and first lines) and which NA tokens
// fix it; leading-zero codes stay text.
func TestInferExplains(t *testing.T) {
	p := oesLike(t, 400)
	cols, err := Infer(context.Background(), p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ColumnInfo{}
	for _, c := range cols {
		byName[c.Name] = c
	}
	am := byName["a_mean"]
	if am.Type != frame.String || !am.Almost() || am.Near != frame.Int64 {
		t.Fatalf("a_mean: %+v", am)
	}
	stars, hashes := 0, 0
	for l := 2; l < 402; l++ {
		switch {
		case l%16 == 14:
			stars++
		case l%71 == 30:
			hashes++
		}
	}
	want := []Token{{Text: "*", Count: stars, Line: 14}, {Text: "#", Count: hashes, Line: 101}, {Text: "**", Count: 1, Line: 102}}
	if !slices.Equal(am.Others, want) || am.NearValues != 400-stars-hashes-1 || am.Values != 400 {
		t.Fatalf("a_mean others %v (want %v), %d of %d", am.Others, want, am.NearValues, am.Values)
	}
	if got := am.SuggestNA(); !slices.Equal(got, []string{"*", "#", "**"}) {
		t.Fatalf("SuggestNA %q", got)
	}
	exp := fmt.Sprintf("%.1f%% numbers; not numbers: '*' ×%d (line 14), '#' ×%d (line 101), '**' ×1 (line 102) → NA tokens *, #, ** (or NAAuto)",
		100*float64(am.NearValues)/400, stars, hashes)
	if am.Explain() != exp {
		t.Fatalf("Explain:\n%s\nwant\n%s", am.Explain(), exp)
	}
	for _, name := range []string{"naics", "zip"} {
		c := byName[name]
		if c.Type != frame.String || c.Example[0] != '0' {
			t.Fatalf("%s: %+v (leading zeros must stay text)", name, c)
		}
	}
	if c := byName["sign"]; c.Type != frame.String || c.Almost() || c.Explain() != "" {
		t.Fatalf("sign: %+v", c)
	}
	if c := byName["area"]; c.Almost() || c.Near != frame.String {
		t.Fatalf("area: %+v", c)
	}
	// the suggestion works
	cols, err = Infer(context.Background(), p, Options{NA: am.SuggestNA()})
	if err != nil || cols[2].Type != frame.Int64 || cols[2].Nulls != stars+hashes+1 {
		t.Fatalf("with the suggested NA: %v %+v", err, cols[2])
	}
}

// TestNAAuto: NAAuto reads short punctuation as null in numeric columns
// only (text columns keep it), also past the inference sample, and reports
// the tokens.
func TestNAAuto(t *testing.T) {
	p := oesLike(t, 400)
	ctx := context.Background()
	cols, err := Infer(ctx, p, Options{NAAuto: true})
	if err != nil {
		t.Fatal(err)
	}
	if cols[2].Type != frame.Int64 || len(cols[2].AutoNA) != 3 || cols[2].AutoNA[0].Text != "*" || cols[3].Type != frame.String {
		t.Fatalf("Infer: %+v / %+v", cols[2], cols[3])
	}
	if !strings.Contains(cols[2].String(), "read as null by NAAuto: '*' ×") {
		t.Fatalf("String: %s", cols[2])
	}
	for _, sample := range []int{0, 20, -1} { // 20: "#" and "**" first appear after the sample
		for _, chunk := range []int{0, 7} {
			seq, st := OpenStats(ctx, p, Options{NAAuto: true, SampleRows: sample, ChunkRows: chunk})
			f, err := ReadAll(seq)
			if err != nil {
				t.Fatalf("sample %d: %v", sample, err)
			}
			am := f.MustColumn("a_mean")
			if am.Type() != frame.Int64 || am.NullCount() != cols[2].Nulls {
				t.Fatalf("sample %d: a_mean %v with %d nulls, want int64 with %d", sample, am.Type(), am.NullCount(), cols[2].Nulls)
			}
			if s := f.MustColumn("sign"); s.Type() != frame.String || s.NullCount() != 0 || s.Str(0) != "-" {
				t.Fatalf("sample %d: sign column changed", sample)
			}
			got := slices.Sorted(slices.Values(st.NullTokens["a_mean"]))
			if !slices.Equal(got, []string{"#", "*", "**"}) || len(st.NullTokens) != 1 {
				t.Fatalf("sample %d chunk %d: NullTokens %v", sample, chunk, st.NullTokens)
			}
		}
	}
	// Census markers; a column of only markers is text; words are not markers
	f, err := ReadAll(CSV(ctx, strings.NewReader("a,b,c\n1,(X),x\n(D),(NA),-\n3,(S),--\n"), Options{NAAuto: true}))
	if err != nil || fmt.Sprint(f.Types()) != "[int64 string string]" || !f.ColumnAt(0).IsNull(1) || f.ColumnAt(1).Str(0) != "(X)" {
		t.Fatalf("markers: %v %v", err, f)
	}
	for _, tok := range []string{"*", "#", "**", "-", "...", "(X)", "(NA)", "$", "%"} {
		if !icsv.IsAutoNA(tok) {
			t.Errorf("%q should be an NAAuto token", tok)
		}
	}
	for _, tok := range []string{"", "x", "NA", "****", "1", "-1", "(x)", "(ABC)", "a*", " "} {
		if icsv.IsAutoNA(tok) {
			t.Errorf("%q should not be an NAAuto token", tok)
		}
	}
}

// TestLeadingZeros: digit strings with a leading zero are text to
// inference, and exact; forcing a type reads them as numbers.
func TestLeadingZeros(t *testing.T) {
	in := "naics,zip,fips,x,y,z\n000000,01001,06037,0,0.5,-0\n111000,99501,36061,10,1.5,7\n"
	f, err := readAll(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Types()); got != "[string string string int64 float64 int64]" {
		t.Fatalf("types %s", got)
	}
	if f.ColumnAt(0).Str(0) != "000000" || f.ColumnAt(1).Str(0) != "01001" {
		t.Fatalf("text changed: %v", frameRows(f))
	}
	f, err = readAll(in, Options{Types: map[string]frame.Type{"zip": frame.Int64}})
	if err != nil || f.MustColumn("zip").Int64(0) != 1001 {
		t.Fatalf("forced: %v %v", err, f)
	}
	for _, s := range []string{"00", "-01", "00.5", `"0,123"`, "+007"} {
		f, err := readAll("v\n"+s+"\n5\n", Options{})
		if err != nil || f.ColumnAt(0).Type() != frame.String {
			t.Errorf("%q: %v %v", s, err, f)
		}
	}
}

// TestInferOtherFormats: for a registered format Infer reads the first
// chunk of SampleRows rows and describes its columns.
func TestInferOtherFormats(t *testing.T) {
	var chunkRows int
	RegisterFormat(".infertest", func(ctx context.Context, path string, opt Options) iter.Seq2[*frame.Frame, error] {
		chunkRows = opt.ChunkRows
		opt.Types = map[string]frame.Type{"b": frame.Float64}
		return CSVFile(ctx, path, opt)
	})
	p := filepath.Join(t.TempDir(), "x.infertest")
	if err := os.WriteFile(p, []byte("a,b,c\n1,,x\n2,2.5,\n3,3,z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cols, err := Infer(context.Background(), p, Options{SampleRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if chunkRows != 2 {
		t.Fatalf("ChunkRows %d, want SampleRows", chunkRows)
	}
	got := fmt.Sprint(cols[0], "; ", cols[1], "; ", cols[2])
	if got != `a int64 (0 nulls, e.g. "1"); b float64 (1 nulls, e.g. "2.5"); c string (1 nulls, e.g. "x")` {
		t.Fatalf("got %s", got)
	}
}
