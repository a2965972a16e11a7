package csv

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// readAll reads in whole with cfg.
func readAll(in string, cfg Config) (*frame.Frame, error) {
	var fs []*frame.Frame
	for f, err := range Read(context.Background(), strings.NewReader(in), cfg) {
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return Concat(fs)
}

func TestUniqueNames(t *testing.T) {
	got := uniqueNames([]string{"id", "", "id", "id_2", "id", ""})
	want := []string{"id", "column_2", "id_3", "id_2", "id_4", "column_6"}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
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

// TestChunkAndBlockBoundaries: any chunk size and a tiny read size (so
// quoted newlines straddle reads and chunk cuts) give the same frame.
func TestChunkAndBlockBoundaries(t *testing.T) {
	t.Parallel()
	in := genCSV(500)
	ref, err := readAll(in, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if ref.NumRows() != 500 || ref.MustColumn("amount").Int64(499) != 499*1237 || ref.MustColumn("txt").Str(1) != "line one\nline two" {
		t.Fatalf("reference read wrong: %v", ref.Head(3))
	}
	for _, rs := range []int{defaultReadSize, 7, 64, 1000} {
		for _, n := range []int{1, 2, 7, 64, 1000} {
			for _, opt := range []Config{{ChunkRows: n}, {ChunkRows: n, LazyQuotes: true}, {ChunkRows: n, Columns: []string{"amount", "txt"}}} {
				opt.tune.readSize = rs
				var sizes []int
				var parts []*frame.Frame
				for f, err := range Read(context.Background(), strings.NewReader(in), opt) {
					if err != nil {
						t.Fatalf("read %d chunk %d: %v", rs, n, err)
					}
					sizes = append(sizes, f.NumRows())
					parts = append(parts, f)
				}
				for i, s := range sizes[:len(sizes)-1] {
					if s != n {
						t.Fatalf("read %d chunk %d: chunk %d has %d rows", rs, n, i, s)
					}
				}
				got, _ := frame.Concat(parts...)
				want := ref
				if len(opt.Columns) > 0 {
					want, _ = ref.Select(opt.Columns...)
				}
				if !slices.EqualFunc(frameRows(got), frameRows(want), slices.Equal) {
					t.Fatalf("read %d chunk %d %+v: frames differ", rs, n, opt)
				}
			}
		}
	}
}

// TestStrayQuoteRestart: a literal quote inside an unquoted field, far from
// the start, misleads quote parity; the reader must recover exactly.
func TestStrayQuoteRestart(t *testing.T) {
	t.Parallel()
	var sb strings.Builder
	sb.WriteString("a,b\n")
	for i := range 3000 {
		switch {
		case i == 1500:
			sb.WriteString("5'10\",x\n")
		case i%100 == 7:
			fmt.Fprintf(&sb, "%d,\"multi\nline\"\n", i)
		default:
			fmt.Fprintf(&sb, "%d,y\n", i)
		}
	}
	in := sb.String()
	want, err := csv.NewReader(strings.NewReader(strings.Replace(in, "5'10\"", "\"5'10\"\"\"", 1))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	f, err := readAll(in, Config{Raw: true, ChunkRows: 100, SampleRows: 10, tune: tuning{readSize: 512}})
	if err != nil {
		t.Fatal(err)
	}
	got := frameRows(f)
	if !slices.EqualFunc(got, want[1:], slices.Equal) {
		t.Fatalf("rows differ after a stray quote (%d vs %d rows)", len(got), len(want)-1)
	}
}

func TestNumberParsers(t *testing.T) {
	nf := numFmt{thousands: ',', decimal: '.'}
	for s, want := range map[string]float64{"132,588,810": 132588810, "46,440": 46440, "0.1": 0.1, "-99.99": -99.99,
		"1,234.5": 1234.5, "-2.00E-02": -0.02, "3E+3": 3000, "4e4": 40000, "-0": math.Copysign(0, -1), ".5": 0.5, "INF": math.Inf(1),
		"123456789012345678901234": 123456789012345678901234} {
		got, ok := parseFloat([]byte(s), nf)
		if !ok || got != want {
			t.Errorf("parseFloat(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"1,5", "12,3456", ",123", "1,,234", "1.2.3", "e5", "1e", "$4.00", "95%", "", "-", "0x10", "1_000"} {
		if v, ok := parseFloat([]byte(s), nf); ok {
			t.Errorf("parseFloat(%q) = %v, want failure", s, v)
		}
	}
	for s, want := range map[string]int64{"132,588,810": 132588810, "-9223372036854775808": math.MinInt64, "9223372036854775807": math.MaxInt64, "007": 7} {
		got, ok := parseInt([]byte(s), nf)
		if !ok || got != want {
			t.Errorf("parseInt(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"9223372036854775808", "1.0", "1,23", "+", "12,345,67"} {
		if _, ok := parseInt([]byte(s), nf); ok {
			t.Errorf("parseInt(%q) should fail", s)
		}
	}
	if _, ok := parseDate([]byte("2023-02-29")); ok {
		t.Error("2023-02-29 is not a date")
	}
}

// TestRecordLimitModes: the record limit holds in every splitting mode
// (quote parity, exact tokenizer for comments, a mapped whole file) and
// for tiny reads, naming the record's line after the whole records before
// it are yielded.
func TestRecordLimitModes(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	huge := strings.Repeat("y", 3*limit)
	in := "a,b\n# c\n1,2\n3,4\n5," + huge + "\n7,8\n"
	p := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(p, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, comment := range []string{"", "#"} {
		for _, rs := range []int{0, 7, 4096} {
			for _, mapped := range []bool{false, true} {
				cfg := Config{MaxRecordBytes: limit, Comment: comment, ChunkRows: 1}
				cfg.tune.readSize = rs
				cfg.tune.mapMin = -1
				if mapped {
					cfg.tune.mapMin = 1
				}
				want := 5
				if comment == "" {
					cfg.Ragged = RaggedSkip // "# c" is a one-field record then
				}
				rows := 0
				var err error
				fh, ferr := os.Open(p)
				if ferr != nil {
					t.Fatal(ferr)
				}
				for f, e := range ReadFile(context.Background(), fh, int64(len(in)), cfg) {
					if e != nil {
						err = e
						break
					}
					rows += f.NumRows()
				}
				fh.Close()
				var ce *Error
				if !errors.As(err, &ce) || !errors.Is(err, ErrTooLarge) || ce.Line != want || rows != 2 {
					t.Fatalf("comment %q read %d mapped %v: %d rows, %v", comment, rs, mapped, rows, err)
				}
			}
		}
	}
}

// uniqueNamesRef is the original quadratic rule, the reference for
// TestUniqueNamesMatchesReference.
func uniqueNamesRef(h []string) []string {
	out := make([]string, len(h))
	seen := map[string]bool{}
	for i, s := range h {
		if s == "" {
			s = "column_" + strconv.Itoa(i+1)
		}
		out[i] = s
		seen[s] = true
	}
	used := map[string]bool{}
	for i, s := range out {
		if !used[s] {
			used[s] = true
			continue
		}
		for k := 2; ; k++ {
			c := s + "_" + strconv.Itoa(k)
			if !used[c] && !seen[c] {
				out[i] = c
				used[c] = true
				break
			}
		}
	}
	return out
}

// TestUniqueNamesMatchesReference: on random headers drawn from colliding
// names (a, a_2, a_2_2, empty, column_3…) the linear rule names every
// column as the quadratic reference does; a header repeating one name
// 200,000 times is named a, a_2 … a_200000 (the reference would take
// minutes: this is the case the suffix counter exists for).
func TestUniqueNamesMatchesReference(t *testing.T) {
	pool := []string{"a", "a", "a_2", "a_3", "a_2_2", "", "column_3", "column_3_2", "b", "b_1"}
	rng := rand.New(rand.NewPCG(7, 19))
	for range 2000 {
		h := make([]string, rng.IntN(12))
		for i := range h {
			h[i] = pool[rng.IntN(len(pool))]
		}
		if got, want := uniqueNames(h), uniqueNamesRef(h); !slices.Equal(got, want) {
			t.Fatalf("%q: got %q, want %q", h, got, want)
		}
	}
	const n = 200000
	h := make([]string, n)
	for i := range h {
		h[i] = "a"
	}
	h[5] = "a_3" // taken by the header itself: the sixth "a" skips it
	got := uniqueNames(h)
	if got[0] != "a" || got[1] != "a_2" || got[2] != "a_4" || got[5] != "a_3" || got[n-1] != "a_"+strconv.Itoa(n) {
		t.Fatalf("got %q … %q", got[:6], got[n-1])
	}
	if len(got) != len(slices.Compact(slices.Sorted(slices.Values(got)))) {
		t.Fatal("names not unique")
	}
}

// zeroReader yields NUL bytes forever, counting them.
type zeroReader struct{ n int }

func (z *zeroReader) Read(p []byte) (int, error) {
	clear(p)
	z.n += len(p)
	return len(p), nil
}

// TestInferSampleStopsAtLongRecord: three short rows and then an endless
// record (gigabytes of zeros after a gzip bomb's valid lines) end the
// inference sample after about sampleMaxRecord bytes, with the rows before
// it inferred; it used to read 32 MiB, in a buffer grown by doubling.
func TestInferSampleStopsAtLongRecord(t *testing.T) {
	z := &zeroReader{}
	r := io.MultiReader(strings.NewReader("a,b\n1,x\n2,y\n3,z\n"), z)
	cols, err := Infer(context.Background(), r, Config{Name: "three"})
	if err != nil || len(cols) != 2 || cols[0].Type != frame.Int64 || cols[0].Values != 3 {
		t.Fatalf("Infer: %v %+v", err, cols)
	}
	if z.n > sampleMaxRecord+2*defaultReadSize {
		t.Fatalf("read %d bytes of the long record, want about %d", z.n, sampleMaxRecord)
	}
}
