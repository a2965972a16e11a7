package json

import (
	"bytes"
	"context"
	stdjson "encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// randString returns valid UTF-8 text with the characters JSON must escape.
func randString(r *rand.Rand) string {
	alphabet := []string{"a", "B", "7", " ", "\"", "\\", "/", "\n", "\t", "\x00", "\x1f", "é", "日本", "🙂", "\u2028", "<&>", ",", "null", "2024-01-01"}
	var b strings.Builder
	for range r.IntN(6) {
		b.WriteString(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}

// randFrame returns a frame of n rows with a column of every type, about a
// quarter of the values null (sometimes none, sometimes all).
func randFrame(r *rand.Rand, n int) *frame.Frame {
	types := []frame.Type{frame.Int64, frame.Float64, frame.String, frame.Bool, frame.Date, frame.Datetime, frame.String}
	cols := make([]*frame.Column, len(types))
	for k, t := range types {
		rate := []float64{0, 0.25, 0.25, 1}[r.IntN(4)]
		b := frame.NewBuilder(t, n)
		for range n {
			if r.Float64() < rate {
				b.AppendNull()
				continue
			}
			switch t {
			case frame.Int64:
				v := []int64{math.MaxInt64, math.MinInt64, 0, -1, r.Int64() - r.Int64(), r.Int64N(1000)}[r.IntN(6)]
				b.(*frame.Int64Builder).Append(v)
			case frame.Float64:
				var v float64
				switch r.IntN(5) {
				case 0:
					v = math.Float64frombits(r.Uint64())
					if math.IsNaN(v) || math.IsInf(v, 0) {
						v = 0.5
					}
				case 1:
					v = math.Round(r.NormFloat64() * 1e6)
				case 2:
					v = []float64{math.Copysign(0, -1), math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-7, 1e16, 129600000}[r.IntN(6)]
				default:
					v = r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-15))
				}
				b.(*frame.Float64Builder).Append(v)
			case frame.String:
				b.(*frame.StringBuilder).Append(randString(r))
			case frame.Bool:
				b.(*frame.BoolBuilder).Append(r.IntN(2) == 0)
			case frame.Date:
				// 0001-01-01 … 9999-12-31
				b.(*frame.Int64Builder).Append(r.Int64N(2932897+719162) - 719162)
			case frame.Datetime:
				b.(*frame.Int64Builder).Append(r.Int64() - r.Int64()/2*2)
			}
		}
		c := b.Build(string(rune('a' + k)))
		if t == frame.String && r.IntN(2) == 0 {
			c = c.DictEncode()
		}
		cols[k] = c
	}
	return frame.Must(frame.New(cols...))
}

// same compares two frames value by value (floats by bits).
func same(t *testing.T, want, got *frame.Frame) {
	t.Helper()
	if want.NumRows() != got.NumRows() || want.NumCols() != got.NumCols() {
		t.Fatalf("shape %dx%d, want %dx%d", got.NumRows(), got.NumCols(), want.NumRows(), want.NumCols())
	}
	for k := range want.NumCols() {
		a, b := want.ColumnAt(k), got.ColumnAt(k)
		if a.Name() != b.Name() || a.Type() != b.Type() {
			t.Fatalf("column %d: %s %v, want %s %v", k, b.Name(), b.Type(), a.Name(), a.Type())
		}
		for i := range a.Len() {
			eq := a.IsNull(i) == b.IsNull(i)
			if eq && !a.IsNull(i) {
				if a.Type() == frame.Float64 {
					eq = math.Float64bits(a.Float64(i)) == math.Float64bits(b.Float64(i))
				} else {
					eq = frame.FormatValue(a, i) == frame.FormatValue(b, i)
				}
			}
			if !eq {
				t.Fatalf("column %s row %d: %q (null %v), want %q (null %v)", a.Name(), i,
					frame.FormatValue(b, i), b.IsNull(i), frame.FormatValue(a, i), a.IsNull(i))
			}
		}
	}
}

// TestWriterRoundTrip: frame → writers (ndjson, json) → Read gives the same
// frame, for random frames with nulls, chunked on both sides at random. With
// the frame's types given, every value comes back exactly; without, the
// inferred types are the frame's wherever the values determine them.
func TestWriterRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for iter := range 200 {
		n := 1 + r.IntN(300)
		in := randFrame(r, n)
		for _, format := range []string{"ndjson", "json"} {
			var buf bytes.Buffer
			w, err := writers.New(&buf, format, writers.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for lo := 0; lo < n; {
				hi := min(n, lo+1+r.IntN(100))
				if err := w.Write(in.Slice(lo, hi)); err != nil {
					t.Fatal(err)
				}
				lo = hi
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			types := map[string]frame.Type{}
			for _, c := range in.Columns() {
				types[c.Name()] = c.Type()
			}
			opt := readers.Options{Types: types, ChunkRows: 1 + r.IntN(50), SampleRows: 1 + r.IntN(20)}
			got, err := readers.ReadAll(Read(context.Background(), bytes.NewReader(buf.Bytes()), opt))
			if err != nil {
				t.Fatalf("iter %d %s: %v", iter, format, err)
			}
			same(t, in, got)

			inferred, err := readers.ReadAll(Read(context.Background(), bytes.NewReader(buf.Bytes()), readers.Options{SampleRows: -1}))
			if err != nil {
				t.Fatalf("iter %d %s inferred: %v", iter, format, err)
			}
			for k, c := range in.Columns() {
				if determined(c) && inferred.ColumnAt(k).Type() != c.Type() {
					t.Fatalf("iter %d %s: column %s inferred %v, want %v", iter, format, c.Name(), inferred.ColumnAt(k).Type(), c.Type())
				}
			}
		}
	}
}

// determined reports whether c's values fix its type in JSON: some value is
// non-null, and a Float64 column has a value with a fraction (or beyond
// 1e16), a String column a value that is no date or time.
func determined(c *frame.Column) bool {
	for i := range c.Len() {
		if c.IsNull(i) {
			continue
		}
		switch c.Type() {
		case frame.Float64:
			if v := c.Float64(i); v != math.Trunc(v) || math.Abs(v) >= 1e16 {
				return true
			}
		case frame.String:
			s := c.Str(i)
			_, d := frame.ParseDate(s)
			_, dt := frame.ParseDatetime(s)
			if !d && !dt {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// FuzzRead: Read never panics, and on NDJSON a record parses exactly when
// encoding/json finds it valid and it is an object.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"{\"a\":1}\n{\"a\":2.5,\"b\":\"x\"}\n",
		"[{\"a\":1},{\"b\":[1,{\"c\":null}]}]",
		"{\"s\":\"\\ud83d\\ude00\\u00e9\\n\\\"\"}\n",
		"{\"d\":\"2024-01-01\"}\n{\"d\":\"2024-01-01T10:00:00Z\"}\n",
		"\xef\xbb\xbf{\"a\":true}\r\n{\"a\":false}\r\n",
		"{\"a\":1,}\n", "[1]", "[{}]", "{\"a\":-0.0e+1}", "{\"a\":01}", "{\"a\":\"\xff\"}",
		"{\"a\":" + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + "}",
	} {
		f.Add([]byte(s), 2)
	}
	f.Fuzz(func(t *testing.T, b []byte, sample int) {
		for _, err := range Read(context.Background(), bytes.NewReader(b), readers.Options{SampleRows: sample % 5, ChunkRows: 3}) {
			if err != nil {
				break
			}
		}
		// the record parser against encoding/json, line by line
		var p parser
		for _, line := range bytes.Split(b, []byte("\n")) {
			err := p.parse(line)
			trimmed := bytes.TrimLeft(line, " \t\r")
			valid := stdjson.Valid(line) && len(trimmed) > 0 && trimmed[0] == '{' && depth(line) <= maxDepth
			if (err == nil) != valid {
				t.Fatalf("%q: parse error %v, encoding/json valid object %v", line, err, valid)
			}
			if err == nil {
				for _, fl := range p.fields {
					if fl.kind == kString && !utf8.Valid(fl.text) {
						t.Fatalf("%q: invalid UTF-8 in %q", line, fl.text)
					}
				}
			}
		}
	})
}

// depth is the deepest nesting of brackets in b outside strings (an
// over-estimate is fine for the seeds; it is exact for valid JSON).
func depth(b []byte) int {
	d, m, in, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == '{' || c == '['):
			d++
			m = max(m, d)
		case !in && (c == '}' || c == ']'):
			d--
		}
	}
	return m - 1 // the record's own braces
}
