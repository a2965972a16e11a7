package writers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// corpusCSVDir locates ../shared/corpus/csv relative to the repository root.
func corpusCSVDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(filepath.Dir(file)), "..", "shared", "corpus", "csv")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("conformance corpus missing at %s: %v", dir, err)
	}
	return dir
}

type corpusFile struct {
	File    string `json:"file"`
	Dialect struct {
		Delimiter string `json:"delimiter"`
		Header    bool   `json:"header"`
		Encoding  string `json:"encoding"`
	} `json:"dialect"`
	Ragged bool       `json:"ragged"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
}

// plainNumber is the grammar of a plain number: an optional minus, an
// integer part without leading zeros, and an optional fraction that does
// not end in 0. No '+', no exponent, no thousands separator, no spaces.
var plainNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$`)

// numberLike matches text a reader might take for a number: digits with an
// optional sign, spaces, grouping commas, a point, an exponent, or leading
// zeros.
var numberLike = regexp.MustCompile(`^\s*[-+]?(\d[\d,]*)?(\.\d*)?([eE][-+]?\d+)?\s*$`)

// isPlain reports whether s is a plain number: it matches plainNumber, is
// the canonical shortest decimal of its float64 value (strconv's shortest
// 'f' form: no digit beyond what float64 holds), is not "-0", and lies where
// sluice writes plain notation (zero, or 1e-6 ≤ |v| < 1e16). The rule does
// not depend on the type a reader gives the column, so it holds whether a
// column of such numbers is read as Int64, Float64 or String.
func isPlain(s string) bool {
	if !plainNumber.MatchString(s) || s == "-0" {
		return false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false
	}
	a := max(v, -v)
	return strconv.FormatFloat(v, 'f', -1, 64) == s && (a == 0 || a >= 1e-6 && a < 1e16)
}

// cellOK says whether a cell's text is one sluice writes back unchanged
// whatever type the reader gives its column: empty, a plain number, or
// text that looks like no number, boolean, date or null token.
func cellOK(s string) (bool, string) {
	switch {
	case s == "":
		return true, ""
	case isPlain(s):
		return true, ""
	case numberLike.MatchString(s) && strings.ContainsAny(s, "0123456789"):
		return false, "non-plain number " + strconv.Quote(s)
	case slices.Contains(readers.DefaultNA, strings.TrimSpace(s)):
		return false, "null token " + strconv.Quote(s)
	case strings.EqualFold(strings.TrimSpace(s), "true") || strings.EqualFold(strings.TrimSpace(s), "false"):
		if s == "true" || s == "false" {
			return true, ""
		}
		return false, "boolean " + strconv.Quote(s)
	case len(strings.TrimSpace(s)) >= 10 && strings.Count(s[:min(len(s), 10)], "-") == 2 && s[0] >= '0' && s[0] <= '9':
		return false, "date-like " + strconv.Quote(s)
	}
	return true, ""
}

// plainFiles are the corpus CSV files that qualify for TestCorpusRoundTrip
// (computed by the test, listed here so a change is seen).
var plainFiles = []string{
	"csvw_tree-ops.csv", "fl_blank-cells.csv", "fl_blank-rows.csv", "fl_bom.csv",
	"fl_delimiter.csv", "fl_encoding-issue-274.csv", "fl_escaping.csv", "fl_iso-8859-7.csv",
	"fl_large-cells.csv", "fl_latin1.csv", "fl_missing-values.csv", "fl_table.tsv",
	"mlr_bom-dquote-header.csv", "mlr_bom.csv", "mlr_line-term-crlf.csv", "mlr_null-count-pipe.csv",
	"mlr_quote-all.csv", "mlr_quoted-comma.csv", "mlr_quoted-crlf.csv", "mlr_s.tsv",
	"mlr_simple-crlf.csv", "mlr_utf8-1.csv", "spectrum_empty.csv", "spectrum_empty_crlf.csv",
	"spectrum_escaped_quotes.csv", "spectrum_json.csv", "spectrum_location_coordinates.csv",
	"spectrum_newlines.csv", "spectrum_newlines_crlf.csv", "spectrum_quotes_and_newlines.csv",
	"spectrum_simple.csv", "spectrum_simple_crlf.csv", "spectrum_utf8.csv",
}

// TestCorpusRoundTrip: csv → readers.CSVFile (typed, default options with
// the file's delimiter and encoding) → writers (CSV) → csv keeps every
// cell's text, header included, for exactly the corpus files in plainFiles.
// A file qualifies when it has a header of unique, non-empty names, is not
// ragged, has rows, and every cell passes cellOK: empty, a plain number (see
// isPlain), or text that looks like no number, null token, boolean or date.
// So a file is out if it holds a non-plain number ("506500.00", "+3",
// "1e5", "01", "1,234", "0,61", " 128127360"), a null token ("NA", "NaN",
// " "), a boolean not spelled true/false ("TRUE") or a date. The other files
// are logged with the first reason.
func TestCorpusRoundTrip(t *testing.T) {
	dir := corpusCSVDir(t)
	exps, _ := filepath.Glob(filepath.Join(dir, "*.expected.json"))
	if len(exps) == 0 {
		t.Fatalf("no expected files in %s", dir)
	}
	var qualify []string
	for _, ep := range exps {
		b, err := os.ReadFile(ep)
		if err != nil {
			t.Fatal(err)
		}
		var e corpusFile
		if err := json.Unmarshal(b, &e); err != nil {
			t.Fatalf("%s: %v", ep, err)
		}
		if reason := disqualify(e); reason != "" {
			t.Logf("%s: not plain: %s", e.File, reason)
			continue
		}
		qualify = append(qualify, e.File)
		t.Run(e.File, func(t *testing.T) {
			opt := readers.Options{Delimiter: rune(e.Dialect.Delimiter[0]), Encoding: e.Dialect.Encoding}
			f, err := readers.ReadAll(readers.CSVFile(context.Background(), filepath.Join(dir, e.File), opt))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			w, err := New(&buf, "csv", Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(f); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for rec, err := range readers.Records(context.Background(), bytes.NewReader(buf.Bytes()), readers.Options{Delimiter: ','}) {
				if err != nil {
					t.Fatalf("re-read: %v", err)
				}
				got = append(got, rec)
			}
			want := append([][]string{e.Header}, e.Rows...)
			if len(got) != len(want) {
				t.Fatalf("%d records, want %d", len(got), len(want))
			}
			for i := range want {
				if !slices.Equal(got[i], want[i]) {
					t.Fatalf("record %d (types %v):\ngot  %q\nwant %q", i, f.Types(), got[i], want[i])
				}
			}
		})
	}
	if !slices.Equal(qualify, plainFiles) {
		t.Errorf("qualifying files changed:\ngot  %q\nlist %q", qualify, plainFiles)
	}
}

// disqualify returns why a corpus file is not one of plain numbers and
// text, or "".
func disqualify(e corpusFile) string {
	switch {
	case e.Ragged:
		return "ragged"
	case !e.Dialect.Header:
		return "no header"
	case len(e.Rows) == 0:
		return "no rows"
	}
	seen := map[string]bool{}
	for _, h := range e.Header {
		if h == "" || seen[h] {
			return "blank or duplicate header " + strconv.Quote(h)
		}
		seen[h] = true
	}
	for _, r := range e.Rows {
		for _, c := range r {
			if ok, why := cellOK(c); !ok {
				return why
			}
		}
	}
	return ""
}

func TestIsPlain(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "129600000": true, "-7": true, "0.63217": true, "0.000001": true, "9999999999999998": true,
		"-0": false, "+3": false, "01": false, "1.50": false, "2000000.0": false, "1e5": false, "1,234": false,
		" 12": false, "0.0000001": false, "10000000000000000": false, "0.10000000000000001": false, ".5": false, "5.": false,
	} {
		if isPlain(s) != want {
			t.Errorf("isPlain(%q) = %v, want %v", s, !want, want)
		}
	}
}

// TestPlainNumbersRoundTrip is the corpus test on generated data with the
// magnitudes the corpus lacks: random plain numbers (isPlain) from 1e-6 to
// 1e16, in Float64 and Int64 columns with empty cells, survive csv → read →
// write byte for byte.
func TestPlainNumbersRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var in bytes.Buffer
	in.WriteString("f,i,s\n")
	for range 5000 {
		var f string
		for {
			v := (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(23)-6))
			switch r.IntN(4) {
			case 0:
				v = math.Round(v) // floats holding integers: 129600000, 2000000
			case 1:
				v = math.Round(v*1000) / 1000
			}
			f = strconv.FormatFloat(v, 'f', -1, 64)
			if isPlain(f) {
				break
			}
		}
		if r.IntN(10) == 0 {
			f = ""
		}
		i := strconv.FormatInt(r.Int64N(1<<62)-1<<61, 10)
		if r.IntN(10) == 0 {
			i = ""
		}
		fmt.Fprintf(&in, "%s,%s,x\n", f, i)
	}
	in.WriteString("0.5,1,x\n") // the f column is Float64 whatever came before
	f, err := readers.ReadAll(readers.CSV(context.Background(), bytes.NewReader(in.Bytes()), readers.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Types(); got[0] != frame.Float64 || got[1] != frame.Int64 {
		t.Fatalf("read as %v", got)
	}
	var out bytes.Buffer
	w, _ := New(&out, "csv", Options{})
	if err := w.Write(f); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	a, b := strings.Split(in.String(), "\n"), strings.Split(out.String(), "\n")
	if len(a) != len(b) {
		t.Fatalf("%d lines, want %d", len(b), len(a))
	}
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("line %d: %q, want %q", k+1, b[k], a[k])
		}
	}
}
