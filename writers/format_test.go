package writers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// values is a frame with the value forms the text formats must get right.
func values(t *testing.T) *frame.Frame {
	t.Helper()
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("n", []int64{129600000, -7, 0}, []bool{true, true, false})),
		frame.NewFloat64("x", []float64{129600000, 2000000, 0.63217}),
		frame.NewFloat64("y", []float64{1e-7, math.Inf(-1), math.NaN()}),
		frame.MustColumn(frame.NewBool("ok", []bool{true, false, true}, []bool{true, true, false})),
		frame.MustColumn(frame.NewString("s", []string{"a,b", "é \"q\"\n", ""}, []bool{true, true, true})),
		frame.MustColumn(frame.NewDatetime("at", []int64{1709296200_500_000_000, 0, 0}, []bool{true, true, false})),
	))
}

// TestFormatsText writes the same frame in two chunks through New in every
// core format and compares the exact text.
func TestFormatsText(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format string
		opt    Options
		want   string
	}{
		{"csv", "csv", Options{}, "n,x,y,ok,s,at\n" +
			"129600000,129600000,1e-07,true,\"a,b\",2024-03-01T12:30:00.5Z\n" +
			"-7,2000000,-Inf,false,\"é \"\"q\"\"\n\",1970-01-01T00:00:00Z\n" +
			",0.63217,,,,\n"},
		{"tsv TRUE", "tsv", Options{BoolFormat: "TRUE"}, "n\tx\ty\tok\ts\tat\n" +
			"129600000\t129600000\t1e-07\tTRUE\ta,b\t2024-03-01T12:30:00.5Z\n" +
			"-7\t2000000\t-Inf\tFALSE\t\"é \"\"q\"\"\n\"\t1970-01-01T00:00:00Z\n" +
			"\t0.63217\t\t\t\t\n"},
		{"csv ; 1 no header", "", Options{Delimiter: ';', BoolFormat: "1", NoHeader: true},
			"129600000;129600000;1e-07;1;a,b;2024-03-01T12:30:00.5Z\n" +
				"-7;2000000;-Inf;0;\"é \"\"q\"\"\n\";1970-01-01T00:00:00Z\n" +
				";0.63217;;;;\n"},
		{"csv True via Options.Format", "", Options{Format: "csv", BoolFormat: "True"}, "n,x,y,ok,s,at\n" +
			"129600000,129600000,1e-07,True,\"a,b\",2024-03-01T12:30:00.5Z\n" +
			"-7,2000000,-Inf,False,\"é \"\"q\"\"\n\",1970-01-01T00:00:00Z\n" +
			",0.63217,,,,\n"},
		{"ndjson", "ndjson", Options{}, "" +
			`{"n":129600000,"x":129600000,"y":1e-07,"ok":true,"s":"a,b","at":"2024-03-01T12:30:00.5Z"}` + "\n" +
			`{"n":-7,"x":2000000,"y":null,"ok":false,"s":"é \"q\"\n","at":"1970-01-01T00:00:00Z"}` + "\n" +
			`{"n":null,"x":0.63217,"y":null,"ok":null,"s":"","at":null}` + "\n"},
		{"json", "json", Options{}, "[\n" +
			`{"n":129600000,"x":129600000,"y":1e-07,"ok":true,"s":"a,b","at":"2024-03-01T12:30:00.5Z"},` + "\n" +
			`{"n":-7,"x":2000000,"y":null,"ok":false,"s":"é \"q\"\n","at":"1970-01-01T00:00:00Z"},` + "\n" +
			`{"n":null,"x":0.63217,"y":null,"ok":null,"s":"","at":null}` + "\n]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := New(&buf, tc.format, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			in := values(t)
			if err := w.Write(in.Slice(0, 1)); err != nil {
				t.Fatal(err)
			}
			if err := w.Write(in.Slice(1, 3)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", buf.String(), tc.want)
			}
			if tc.format == "json" && !json.Valid(buf.Bytes()) {
				t.Fatal("invalid JSON")
			}
		})
	}
}

// The JSON array is valid JSON however it is chunked, empty chunks and no
// chunk at all included.
func TestJSONArrayChunks(t *testing.T) {
	in := values(t)
	for _, cuts := range [][]int{nil, {0}, {0, 0}, {0, 3}, {0, 0, 1, 1, 3, 3}} {
		var buf bytes.Buffer
		w, err := New(&buf, "json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k+1 < len(cuts); k++ {
			if err := w.Write(in.Slice(cuts[k], cuts[k+1])); err != nil {
				t.Fatal(err)
			}
		}
		if len(cuts) == 1 {
			w.Write(in.Slice(0, 0))
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		if err := json.Unmarshal(buf.Bytes(), &recs); err != nil {
			t.Fatalf("cuts %v: %v\n%s", cuts, err, buf.Bytes())
		}
		want := 0
		if len(cuts) > 1 {
			want = cuts[len(cuts)-1]
		}
		if len(recs) != want {
			t.Fatalf("cuts %v: %d records, want %d", cuts, len(recs), want)
		}
		if want == 0 && buf.String() != "[]\n" {
			t.Fatalf("empty array written as %q", buf.String())
		}
	}
}

// Options.Format wins over the extension, so "out.txt" can hold NDJSON.
func TestCreateFormatOption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	w, err := Create(path, Options{Format: "NDJSON"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(values(t).Slice(2, 3)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := `{"n":null,"x":0.63217,"y":null,"ok":null,"s":"","at":null}` + "\n"; string(b) != want {
		t.Fatalf("got %q", b)
	}
}

func TestBadOptions(t *testing.T) {
	for _, opt := range []Options{{BoolFormat: "yes"}, {Delimiter: '"'}, {Delimiter: 'é'}} {
		if _, err := New(io.Discard, "csv", opt); !errors.Is(err, ErrOption) {
			t.Errorf("%+v: got %v, want ErrOption", opt, err)
		}
		dir := t.TempDir()
		if _, err := Create(filepath.Join(dir, "x.csv"), opt); !errors.Is(err, ErrOption) {
			t.Errorf("%+v: got %v, want ErrOption", opt, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("files left: %v", entries)
		}
	}
}

func TestFormatsList(t *testing.T) {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name+strings.Join(f.Exts, ""))
	}
	if want := []string{"csv.csv.txt", "json.json", "ndjson.ndjson.jsonl", "tsv.tsv.tab"}; !slices.Equal(names, want) {
		t.Fatalf("formats %v, want %v", names, want)
	}
}

// failing is a test format whose encoder fails its second Write and records
// whether it was closed or aborted.
type failing struct {
	w               io.Writer
	writes          int
	closed, aborted bool
	failOn          int
}

func (e *failing) Write(f *frame.Frame) error {
	e.writes++
	if e.writes == e.failOn {
		return errors.New("disk on fire")
	}
	_, err := io.WriteString(e.w, "row\n")
	return err
}
func (e *failing) Close() error { e.closed = true; return nil }
func (e *failing) Abort()       { e.aborted = true }

// A failed Write makes Close fail, abort the encoder and leave nothing.
func TestWriteErrorThenClose(t *testing.T) {
	var enc *failing
	Register(Format{Name: "failing-test", Exts: []string{"FAILTEST"}, New: func(w io.Writer, _ Options) (Encoder, error) {
		enc = &failing{w: w, failOn: 2}
		return enc, nil
	}})
	defer func() { formatsMu.Lock(); delete(formats, "failing-test"); formatsMu.Unlock() }()
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "x.failtest"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(values(t)); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(values(t)); err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "x.failtest") {
		t.Fatalf("got %v", err)
	}
	if err := w.Write(values(t)); err == nil || enc.writes != 2 {
		t.Fatalf("write after failure: %v, encoder saw %d writes", err, enc.writes)
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a failed Write succeeded")
	}
	if enc.closed || !enc.aborted {
		t.Fatalf("closed %v aborted %v", enc.closed, enc.aborted)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files left: %v", entries)
	}
}

type errWriter struct{ n int }

func (e *errWriter) Write(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errors.New("broken pipe")
	}
	e.n--
	return len(p), nil
}

// A stream writer reports its io.Writer's errors; Abort stops it.
func TestStreamWriter(t *testing.T) {
	w, err := New(&errWriter{n: 0}, "csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(values(t)); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Fatalf("got %v", err)
	}
	if err := w.Close(); err == nil {
		t.Fatal("Close after a failed Write succeeded")
	}
	var buf bytes.Buffer
	w, _ = New(&buf, "", Options{})
	if err := w.Write(values(t).Slice(0, 1)); err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		t.Fatal("Write did not flush")
	}
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(values(t)); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after abort: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := New(&buf, "toml", Options{}); !errors.Is(err, ErrFormat) {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestRegisterMisuse(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	Register(Format{Name: "x"})
}

// A format registered later takes over an extension; registering a name
// again replaces its extensions.
func TestRegisterReplaces(t *testing.T) {
	mk := func(name string, exts ...string) Format {
		return Format{Name: name, Exts: exts, New: func(w io.Writer, _ Options) (Encoder, error) {
			return &failing{w: w}, nil
		}}
	}
	defer func() {
		formatsMu.Lock()
		delete(formats, "test-a")
		delete(formats, "test-b")
		delete(extFormat, ".ta")
		delete(extFormat, ".tb")
		formatsMu.Unlock()
	}()
	Register(mk("test-a", ".ta"))
	Register(mk("test-b", "TA", ".tb"))
	if f, err := byExt("x.ta"); err != nil || f.Name != "test-b" {
		t.Fatalf("x.ta: %v %v", f.Name, err)
	}
	Register(mk("test-b", ".tb"))
	if f, err := byExt("x.ta"); err != nil || f.Name != "test-a" {
		t.Fatalf("x.ta after test-b dropped it: %v %v", f.Name, err)
	}
	if _, err := byExt("x.tc"); !errors.Is(err, ErrFormat) {
		t.Fatalf("x.tc: %v", err)
	}
	if f, err := byName("TEST-B"); err != nil || !slices.Equal(f.Exts, []string{".tb"}) {
		t.Fatalf("test-b: %v %v", f.Exts, err)
	}
}
