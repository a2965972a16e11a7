package json

import (
	"bytes"
	"compress/gzip"
	"context"
	stdjson "encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// dump writes each column as "name type [v1 v2 …]" with nulls as null.
func dump(f *frame.Frame) string {
	var b strings.Builder
	for _, c := range f.Columns() {
		fmt.Fprintf(&b, "%s %v [", c.Name(), c.Type())
		for i := range c.Len() {
			if i > 0 {
				b.WriteByte(' ')
			}
			if c.IsNull(i) {
				b.WriteString("null")
			} else {
				b.WriteString(frame.FormatValue(c, i))
			}
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func readAll(t *testing.T, in string, opt readers.Options) (*frame.Frame, error) {
	t.Helper()
	return readers.ReadAll(Read(context.Background(), strings.NewReader(in), opt))
}

// toArray turns NDJSON lines into a JSON array of the same records.
func toArray(ndjson string) string {
	var lines []string
	for _, l := range strings.Split(ndjson, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return "[\n" + strings.Join(lines, ",\n") + "\n]"
}

func TestInference(t *testing.T) {
	in := `{"i": 1, "f": 1, "s": "01001", "d": "2024-01-31", "t": "2024-01-31", "b": true, "n": {"x": [1, 2.50, "y"]}, "m": 1, "z": null}
{"i": -9223372036854775808, "f": 2.5, "s": "x", "d": null, "t": "2024-02-01T10:00:00+02:00", "b": false, "n": [], "m": "a"}

{"f": 1e400, "s": "\u00e9\ud83d\ude00\"", "d": "2024-02-29", "t": "2024-02-01 08:00:00.25", "n": "text", "m": 1.50, "extra": 7}
`
	want := "" +
		"i int64 [1 -9223372036854775808 null]\n" +
		"f float64 [1 2.5 +Inf]\n" +
		"s string [01001 x é😀\"]\n" +
		"d date [2024-01-31 null 2024-02-29]\n" +
		"t datetime [2024-01-31T00:00:00Z 2024-02-01T08:00:00Z 2024-02-01T08:00:00.25Z]\n" +
		"b bool [true false null]\n" +
		"n string [{\"x\":[1,2.50,\"y\"]} [] text]\n" +
		"m string [1 a 1.50]\n" +
		"z string [null null null]\n" +
		"extra int64 [null null 7]\n"
	for name, text := range map[string]string{"ndjson": in, "array": toArray(in)} {
		for _, chunk := range []int{0, 1, 2} {
			f, err := readAll(t, text, readers.Options{ChunkRows: chunk})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := dump(f); got != want {
				t.Fatalf("%s chunk %d: got\n%s\nwant\n%s", name, chunk, got, want)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	in := `{"a": 1, "b": "12", "c": "true", "d": 2.5, "e": {"k": 1}}
{"a": 2, "b": " 7 ", "c": "FALSE", "d": null, "f": "later"}
`
	for _, tc := range []struct {
		name string
		opt  readers.Options
		want string
	}{
		{"types", readers.Options{Types: map[string]frame.Type{"b": frame.Int64, "c": frame.Bool, "a": frame.Float64, "d": frame.String}},
			"a float64 [1 2]\nb int64 [12 7]\nc bool [true false]\nd string [2.5 null]\ne string [{\"k\":1} null]\nf string [null later]\n"},
		{"columns", readers.Options{Columns: []string{"e", "a"}},
			"e string [{\"k\":1} null]\na int64 [1 2]\n"},
		// projection skips keys first seen after the sample
		{"columns after sample", readers.Options{Columns: []string{"a"}, SampleRows: 1},
			"a int64 [1 2]\n"},
		{"raw", readers.Options{Raw: true},
			"a string [1 2]\nb string [12  7 ]\nc string [true FALSE]\nd string [2.5 null]\ne string [{\"k\":1} null]\nf string [null later]\n"},
	} {
		for name, text := range map[string]string{"ndjson": in, "array": toArray(in)} {
			f, err := readAll(t, text, tc.opt)
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, name, err)
			}
			if got := dump(f); got != tc.want {
				t.Fatalf("%s %s: got\n%s\nwant\n%s", tc.name, name, got, tc.want)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opt      readers.Options
		target   error
		msg      string // the whole message, for the NDJSON form
		arrayMsg string // for the array form ("" to skip it)
	}{
		{"type after sample", "{\"a\":1}\n{\"a\":2}\n{\"a\":9.5}\n", readers.Options{SampleRows: 2}, readers.ErrType,
			`<input>:3: key "a": number value, column type int64: value does not fit the column type (text "9.5")`,
			`<input>: element [2]: key "a": number value, column type int64: value does not fit the column type (text "9.5")`},
		{"bool after sample", "{\"a\":\"x\"}\n{\"a\":null}\n{\"a\":true}\n{\"a\":1}\n", readers.Options{SampleRows: 1, Types: map[string]frame.Type{"a": frame.Date}}, readers.ErrType,
			`<input>:1: key "a": string value, column type date: value does not fit the column type (text "x")`, ""},
		{"key after sample", "{\"a\":1}\n\n{\"a\":2,\"b\":3}\n", readers.Options{SampleRows: 1}, readers.ErrSchema,
			`<input>:3: key "b": a key none of the first 1 records has; the columns were fixed from them (SampleRows -1 looks at all records): schema differs`,
			`<input>: element [1]: key "b": a key none of the first 1 records has; the columns were fixed from them (SampleRows -1 looks at all records): schema differs`},
		{"syntax", "{\"a\":1}\n{\"a\":1,}\n", readers.Options{}, ErrSyntax,
			`<input>:2: offset 7: want a key string (found '}'): invalid JSON`, ""},
		{"not an object", "{\"a\":1}\n[1]\n", readers.Options{}, ErrSyntax,
			`<input>:2: record is not a JSON object: invalid JSON`, ""},
		{"text after", "{\"a\":1} {\"a\":2}\n", readers.Options{}, ErrSyntax,
			`<input>:1: offset 8: text after the record (found '{'): invalid JSON`, ""},
		{"bad start", "x", readers.Options{}, ErrSyntax, `<input>: first character 'x': want '[' (a JSON array) or '{' (NDJSON): invalid JSON`, ""},
		{"empty", " \n", readers.Options{}, readers.ErrEmpty, `<input>: empty input`, ""},
		{"no keys", "{}\n{}\n", readers.Options{}, readers.ErrEmpty, `<input>:2: no keys in the records: empty input`, ""},
		{"missing column", "{\"a\":1}\n", readers.Options{Columns: []string{"b"}}, readers.ErrNoColumn,
			`<input>: key "b": the key is named in Options.Columns but none of the first 1 records has it (SampleRows -1 looks at all): no such column`, ""},
		{"missing type", "{\"a\":1}\n", readers.Options{Types: map[string]frame.Type{"b": frame.Int64}}, readers.ErrNoColumn,
			`<input>: key "b": the key is named in Options.Types but none of the first 1 records has it (SampleRows -1 looks at all): no such column`, ""},
		{"deep", strings.Repeat("[", 2000), readers.Options{}, ErrSyntax, "", ""},
		{"array element not object", "[{\"a\":1}, 2]", readers.Options{}, ErrSyntax, "<input>: element [1]: record is not a JSON object: invalid JSON", ""},
		{"array trailing", "[{\"a\":1}] {", readers.Options{}, ErrSyntax, "", ""},
		{"array truncated", "[{\"a\":1}, {\"a\"", readers.Options{}, ErrSyntax, "", ""},
	} {
		forms := map[string]string{"ndjson": tc.in}
		if tc.arrayMsg != "" {
			forms["array"] = toArray(tc.in)
		}
		for form, text := range forms {
			_, err := readAll(t, text, tc.opt)
			if !errors.Is(err, tc.target) {
				t.Errorf("%s %s: got %v, want %v", tc.name, form, err, tc.target)
				continue
			}
			want := tc.msg
			if form == "array" {
				want = tc.arrayMsg
			}
			if want != "" && err.Error() != want {
				t.Errorf("%s %s:\ngot  %s\nwant %s", tc.name, form, err, want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("%s %s: %T is not a *ParseError", tc.name, form, err)
			}
		}
	}
}

// TestSampleAll: SampleRows -1 sees keys and kinds of every record, for a
// file (read twice), a seekable reader and a plain reader.
func TestSampleAll(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "{\"a\":%d}\n", i)
	}
	b.WriteString("{\"a\":0.5,\"late\":\"x\"}\n")
	in := b.String()
	check := func(name string, f *frame.Frame, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := f.Types(); len(got) != 2 || got[0] != frame.Float64 || got[1] != frame.String || f.NumRows() != 51 {
			t.Fatalf("%s: types %v rows %d", name, got, f.NumRows())
		}
	}
	opt := readers.Options{SampleRows: -1, ChunkRows: 7}
	path := filepath.Join(t.TempDir(), "x.jsonl")
	os.WriteFile(path, []byte(in), 0o644)
	f, err := readers.ReadAll(ReadFile(context.Background(), path, opt))
	check("file", f, err)
	f, err = readers.ReadAll(Read(context.Background(), strings.NewReader(in), opt))
	check("seeker", f, err)
	f, err = readers.ReadAll(Read(context.Background(), io.MultiReader(strings.NewReader(in)), opt))
	check("reader", f, err)
	// with the default sample the late key is an error
	if _, err := readers.ReadAll(ReadFile(context.Background(), path, readers.Options{SampleRows: 10})); !errors.Is(err, readers.ErrSchema) ||
		!strings.Contains(err.Error(), path+":51: key \"late\"") {
		t.Fatalf("got %v", err)
	}
}

// TestRegistered: readers.Open reads .ndjson, .jsonl, .json and their
// gzip forms through this package.
func TestRegistered(t *testing.T) {
	dir := t.TempDir()
	nd := "{\"a\":1,\"b\":\"x\"}\n{\"a\":2,\"b\":null}\n"
	files := map[string][]byte{"a.ndjson": []byte(nd), "a.jsonl": []byte(nd), "a.JSON": []byte(toArray(nd))}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(nd))
	zw.Close()
	files["a.ndjson.gz"] = gz.Bytes()
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := readers.ReadAll(readers.Open(context.Background(), path, readers.Options{}))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := dump(f), "a int64 [1 2]\nb string [x null]\n"; got != want {
			t.Fatalf("%s: got\n%s", name, got)
		}
	}
	_, err := readers.ReadAll(readers.Open(context.Background(), filepath.Join(dir, "missing.json"), readers.Options{}))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

// countingReader counts the bytes read from an endless JSON array.
type countingReader struct {
	n    int64
	head bool
}

func (c *countingReader) Read(p []byte) (int, error) {
	rec := `{"a":1,"b":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},`
	k := 0
	if !c.head {
		p[0] = '['
		k, c.head = 1, true
	}
	for k+len(rec) <= len(p) {
		k += copy(p[k:], rec)
	}
	c.n += int64(k)
	return k, nil
}

// TestStreaming: an endless array yields its first chunks after reading a
// bounded prefix, and breaking out of the loop stops the reading.
func TestStreaming(t *testing.T) {
	for _, layout := range []string{"array", "ndjson"} {
		var r io.Reader
		cr := &countingReader{}
		r = cr
		if layout == "ndjson" {
			cr.head = true
			pr, pw := io.Pipe()
			go func() {
				line := []byte(`{"a":1,"b":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}` + "\n")
				for {
					if _, err := pw.Write(line); err != nil {
						return
					}
				}
			}()
			defer pr.Close()
			r = io.TeeReader(pr, countBytes{&cr.n})
		}
		chunks := 0
		for f, err := range Read(context.Background(), r, readers.Options{SampleRows: 100, ChunkRows: 1000}) {
			if err != nil {
				t.Fatal(err)
			}
			if f.NumRows() != 1000 {
				t.Fatalf("%s: chunk of %d rows", layout, f.NumRows())
			}
			chunks++
			if chunks == 5 {
				break
			}
		}
		// 5000 records of 61 bytes, plus the read-ahead of two buffers
		if cr.n > 5000*61+300<<10 {
			t.Fatalf("%s: read %d bytes for 5 chunks", layout, cr.n)
		}
	}
}

type countBytes struct{ n *int64 }

func (c countBytes) Write(p []byte) (int, error) { *c.n += int64(len(p)); return len(p), nil }

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := readers.ReadAll(Read(ctx, strings.NewReader("{\"a\":1}\n"), readers.Options{}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// TestMatchesUnmarshal: on the array form of any input, Read with every
// record sampled infers and converts as frame.Frame.UnmarshalJSON does.
func TestMatchesUnmarshal(t *testing.T) {
	for _, in := range []string{
		`[{"a":1,"b":1.5,"c":"2024-01-01","d":"x","e":[1,{"z":null}],"f":true,"g":null},{"a":null,"b":2,"c":"2024-01-02T00:00:00Z","d":1,"h":"2024-03-01"}]`,
		`[{"n":1e400,"s":"\ud800x","t":"1677-09-21"},{"t":"2024-01-01T00:00:00Z"}]`,
	} {
		var want frame.Frame
		if err := stdjson.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		got, err := readAll(t, in, readers.Options{SampleRows: -1})
		if err != nil {
			t.Fatal(err)
		}
		if dump(got) != dump(&want) {
			t.Fatalf("Read:\n%s\nUnmarshalJSON:\n%s", dump(got), dump(&want))
		}
	}
}
