package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/sluicedata/sluice/frame"
)

// zeros yields NUL bytes forever, counting them.
type zeros struct{ n atomic.Int64 }

func (z *zeros) Read(p []byte) (int, error) {
	clear(p)
	z.n.Add(int64(len(p)))
	return len(p), nil
}

// counter counts the bytes read through it.
type counter struct {
	r io.Reader
	n atomic.Int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// gzipStream compresses prefix and then src on the fly, as a consumer
// pulls: a 10 GB bomb costs only what is read of it.
func gzipStream(t *testing.T, prefix string, src io.Reader) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		zw, _ := gzip.NewWriterLevel(pw, gzip.BestCompression)
		zw.Write([]byte(prefix))
		_, err := io.Copy(zw, src)
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	t.Cleanup(func() { pr.Close() })
	return pr
}

const gb10 = 10 << 30

// TestGzipBomb: 10 GB of zeros gzipped (about 10 MB) stops with one clear
// error after 16 MiB of output, not after 10 GB; with three valid lines
// first, a consumer of two rows gets them and the reader stops reading.
func TestGzipBomb(t *testing.T) {
	ctx := context.Background()
	z := &zeros{}
	_, err := ReadAll(CSV(ctx, gzipStream(t, "", io.LimitReader(z, gb10)), Options{}))
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "gzip stream expands more than 500 times") {
		t.Fatalf("bomb: %v", err)
	}
	if n := z.n.Load(); n > 64<<20 {
		t.Fatalf("bomb: %d bytes decompressed before the error", n)
	}
	// three lines, then the zeros: head -n 2 (with the ratio guard off, so
	// the pipeline's own bounds are what stops it)
	for _, opt := range []Options{{}, {MaxRatio: -1}} {
		z := &zeros{}
		rows := 0
		opt.ChunkRows = 2
		for f, err := range CSV(ctx, gzipStream(t, "a,b\n1,2\n3,4\n5,6\n", io.LimitReader(z, gb10)), opt) {
			if err != nil {
				t.Fatalf("%+v: %v after %d rows", opt, err, rows)
			}
			rows += f.NumRows()
			if rows >= 2 {
				break
			}
		}
		if rows != 2 {
			t.Fatalf("%+v: %d rows", opt, rows)
		}
		if n := z.n.Load(); n > 128<<20 {
			t.Fatalf("%+v: %d bytes of zeros decompressed for two rows", opt, n)
		}
		t.Logf("%+v: two rows after %d MiB of zeros", opt, z.n.Load()>>20)
	}
	// a zstd bomb the same
	pr, pw := io.Pipe()
	go func() {
		zw, _ := zstd.NewWriter(pw)
		_, err := io.Copy(zw, io.LimitReader(&zeros{}, gb10))
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	if _, err := ReadAll(CSV(ctx, pr, Options{})); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "zstd stream expands") {
		t.Fatalf("zstd bomb: %v", err)
	}
}

// TestGzipBombFile: the same through a file (a 64 MB bomb, 64 KB on disk)
// for CSVFile, ReadFile and Infer; MaxDecompressed stops a legitimate
// stream at its byte limit.
func TestGzipBombFile(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte("a,b\n1,2\n"))
	io.Copy(zw, io.LimitReader(&zeros{}, 64<<20))
	zw.Close()
	p := filepath.Join(dir, "bomb.csv.gz")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := ReadAll(CSVFile(ctx, p, Options{})); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "bomb.csv.gz") {
		t.Fatalf("CSVFile: %v", err)
	}
	if _, err := ReadFile(ctx, p, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ReadFile: %v", err)
	}
	// Infer needs only the sample: it ends before the zeros (a record
	// over the sample's 8 MiB per record), before the ratio guard's 16 MiB
	if cols, err := Infer(ctx, p, Options{}); err != nil || len(cols) != 2 || cols[0].Type != frame.Int64 || cols[0].Values != 1 {
		t.Fatalf("Infer: %v %+v", err, cols)
	}
	// with a byte limit under the sample's it meets the limit first
	if _, err := Infer(ctx, p, Options{MaxDecompressed: 4 << 20}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "bomb.csv.gz") {
		t.Fatalf("Infer: %v", err)
	}
	// MaxDecompressed
	var sb strings.Builder
	sb.WriteString("a\n")
	for i := range 100000 {
		fmt.Fprintf(&sb, "%d\n", i)
	}
	var small bytes.Buffer
	zw = gzip.NewWriter(&small)
	zw.Write([]byte(sb.String()))
	zw.Close()
	if _, err := ReadAll(CSV(ctx, &small, Options{MaxDecompressed: 100 << 10})); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than 102400 bytes (Options.MaxDecompressed)") {
		t.Fatalf("MaxDecompressed: %v", err)
	}
}

// TestRecordLimit: a record over MaxRecordBytes (no line end, an unclosed
// quote, a huge field) fails naming its line after reading about that many
// bytes, from streams, mapped files and Records; the records before it are
// yielded first.
func TestRecordLimit(t *testing.T) {
	ctx := context.Background()
	const limit = 1 << 20
	huge := strings.Repeat("x", 3*limit)
	cases := map[string]string{
		"no line end":    "a,b\n1,2\n3,4\n" + huge,
		"unclosed quote": "a,b\n1,2\n3,4\n\"" + huge + "\n5,6\n",
		"huge field":     "a,b\n1,2\n3,4\n5," + huge + "\n7,8\n",
	}
	dir := t.TempDir()
	for name, in := range cases {
		for _, lazy := range []bool{false, true} {
			opt := Options{MaxRecordBytes: limit, LazyQuotes: lazy, ChunkRows: 1}
			c := &counter{r: strings.NewReader(in)}
			rows := 0
			var err error
			for f, e := range CSV(ctx, c, opt) {
				if e != nil {
					err = e
					break
				}
				rows += f.NumRows()
			}
			var pe *ParseError
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 4 || !strings.Contains(err.Error(), "MaxRecordBytes") {
				t.Fatalf("%s lazy %v: %v", name, lazy, err)
			}
			if rows != 2 {
				t.Fatalf("%s lazy %v: %d rows before the error, want 2", name, lazy, rows)
			}
			if c.n.Load() > 3*limit {
				t.Fatalf("%s lazy %v: read %d bytes", name, lazy, c.n.Load())
			}
			// Records
			_, err = recordsOf(strings.NewReader(in), opt)
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 4 {
				t.Fatalf("%s lazy %v Records: %v", name, lazy, err)
			}
		}
		// a file (mapped when big, read otherwise)
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".csv")
		os.WriteFile(p, []byte(in), 0o644)
		_, err := ReadFile(ctx, p, Options{MaxRecordBytes: limit})
		var pe *ParseError
		if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 4 || pe.File != p {
			t.Fatalf("%s ReadFile: %v", name, err)
		}
	}
	// the header itself
	if _, err := ReadAll(CSV(ctx, strings.NewReader(huge), Options{MaxRecordBytes: limit})); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("header: %v", err)
	}
	// SkipRows over a huge title line
	if _, err := ReadAll(CSV(ctx, strings.NewReader(huge+"\na\n1\n"), Options{MaxRecordBytes: limit, SkipRows: 1})); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("skipped line: %v", err)
	}
	// no limit
	f, err := ReadAll(CSV(ctx, strings.NewReader("a\n"+huge+"\n"), Options{MaxRecordBytes: -1, Raw: true}))
	if err != nil || f.NumRows() != 1 || len(f.ColumnAt(0).Str(0)) != len(huge) {
		t.Fatalf("no limit: %v", err)
	}
}

func recordsOf(r io.Reader, opt Options) ([][]string, error) {
	var out [][]string
	for rec, err := range Records(context.Background(), r, opt) {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// TestNULFile: a 1 GiB file of NUL bytes (sparse: nothing on disk) fails
// with the record limit instead of being held whole; read as a stream it
// reads no more than the limit allows.
func TestNULFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nul.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Skip("no sparse files here:", err)
	}
	f.Close()
	ctx := context.Background()
	const limit = 4 << 20
	for _, read := range []func() error{
		func() error { _, err := ReadFile(ctx, p, Options{MaxRecordBytes: limit}); return err },
		func() error { _, err := ReadAll(CSVFile(ctx, p, Options{MaxRecordBytes: limit})); return err },
		func() error { _, err := Infer(ctx, p, Options{MaxRecordBytes: limit}); return err },
	} {
		var pe *ParseError
		if err := read(); !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Line != 1 {
			t.Fatalf("%v", err)
		}
	}
	z := &zeros{}
	if _, err := ReadAll(CSV(ctx, io.LimitReader(z, 1<<30), Options{MaxRecordBytes: limit})); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("stream: %v", err)
	}
	if n := z.n.Load(); n > 2*limit {
		t.Fatalf("stream: read %d bytes", n)
	}
	// default limits: a first line never ending is refused as a header
	// after 16 MiB, by every reader
	for name, read := range map[string]func(r io.Reader) error{
		"CSV":     func(r io.Reader) error { _, err := ReadAll(CSV(ctx, r, Options{})); return err },
		"Records": func(r io.Reader) error { _, err := recordsOf(r, Options{}); return err },
		"title":   func(r io.Reader) error { _, err := ReadAll(CSV(ctx, r, Options{SkipRows: 1})); return err },
	} {
		z := &zeros{}
		err := read(io.LimitReader(z, 1<<30))
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "header or title line longer than 16777216 bytes") {
			t.Fatalf("%s: %v", name, err)
		}
		if n := z.n.Load(); n > 20<<20 {
			t.Fatalf("%s: read %d bytes", name, n)
		}
	}
	if _, err := Infer(ctx, p, Options{}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "header or title line") {
		t.Fatalf("Infer: %v", err)
	}
}

// TestInferBounded: inference stops its sample before a huge record after
// the header (it never reads more than the sample's 32 MiB past it).
func TestInferBounded(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.csv")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString("a,b\n1,x\n2,y\n")
	if _, err := io.Copy(fh, io.LimitReader(&zeros{}, 100<<20)); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	cols, err := Infer(context.Background(), p, Options{})
	if err != nil || len(cols) != 2 || cols[0].Values != 2 {
		t.Fatalf("Infer: %v %+v", err, cols)
	}
}

// TestEndlessInputStops: a consumer that stops after the first chunk of an
// endless input returns, and the reader has read a bounded amount ahead.
func TestEndlessInputStops(t *testing.T) {
	c := &counter{r: &endless{}}
	for f, err := range CSV(context.Background(), c, Options{ChunkRows: 1000}) {
		if err != nil || f.NumRows() != 1000 {
			t.Fatalf("%v %v", err, f)
		}
		break
	}
	if n := c.n.Load(); n > 256<<20 {
		t.Fatalf("read %d bytes ahead", n)
	}
}

// endless yields a header and then numbered rows forever.
type endless struct {
	i   int
	buf []byte
}

func (e *endless) Read(p []byte) (int, error) {
	for len(e.buf) < len(p) {
		if e.i == 0 {
			e.buf = append(e.buf, "id,name,v\n"...)
		}
		e.i++
		e.buf = fmt.Appendf(e.buf, "%d,row %d,%d.5\n", e.i, e.i, e.i%1000)
	}
	n := copy(p, e.buf)
	e.buf = e.buf[n:]
	return n, nil
}

// TestMissingColumnError: Options.Types or Columns naming a missing column
// is one short line naming the file, the option and close names, not the
// whole header.
func TestMissingColumnError(t *testing.T) {
	var h []string
	for i := range 300 {
		h = append(h, fmt.Sprintf("col_%03d", i))
	}
	h = append(h, "a_mean", "a_median")
	p := filepath.Join(t.TempDir(), "wide.csv")
	os.WriteFile(p, []byte(strings.Join(h, ",")+"\n"), 0o644)
	ctx := context.Background()
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Types: map[string]frame.Type{"a_men": frame.Float64}}, `readers: ` + p + `: Options.Types names column "a_men", which the input lacks (did you mean "a_mean"?): no such column`},
		{Options{Columns: []string{"A_MEAN"}}, `readers: ` + p + `: Options.Columns names column "A_MEAN", which the input lacks (did you mean "a_mean"`},
		{Options{Columns: []string{"zzz_unrelated"}}, `which the input lacks (it has 302 columns, from "col_000" to "a_median")`},
	} {
		_, err := ReadFile(ctx, p, c.opt)
		if !errors.Is(err, ErrNoColumn) || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 250 || strings.Count(err.Error(), "readers:") != 1 {
			t.Errorf("%+v:\n%v\nwant %q", c.opt, err, c.want)
		}
	}
}
