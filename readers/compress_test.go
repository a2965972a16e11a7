package readers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// TestCSVReaderDecompresses: CSV and Records over an io.Reader holding
// gzip or zstd decompress it like CSVFile does (before, gzip gave a garbage
// header, no rows and no error), seekable or not, with a whole-input first
// pass too.
func TestCSVReaderDecompresses(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("id,v,s\n")
	for i := range 3000 {
		fmt.Fprintf(&sb, "%d,%d.5,x%d\n", i, i, i%7)
	}
	plain := sb.String()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(plain))
	zw.Close()
	zs, _ := zstd.NewWriter(nil)
	zst := zs.EncodeAll([]byte(plain), nil)
	want, err := ReadAll(CSV(context.Background(), strings.NewReader(plain), Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"gzip": gz.Bytes(), "zstd": zst, "plain": []byte(plain)} {
		for _, seekable := range []bool{true, false} {
			for _, opt := range []Options{{}, {SampleRows: -1}, {ChunkRows: 100, Columns: []string{"s", "id"}}} {
				var r io.Reader = bytes.NewReader(data)
				if !seekable {
					r = struct{ io.Reader }{r}
				}
				got, err := ReadAll(CSV(context.Background(), r, opt))
				if err != nil {
					t.Fatalf("%s seekable %v %+v: %v", name, seekable, opt, err)
				}
				w := want
				if len(opt.Columns) > 0 {
					w, _ = want.Select(opt.Columns...)
				}
				if d := sameFrames(got, w); d != "" {
					t.Fatalf("%s seekable %v %+v: %s", name, seekable, opt, d)
				}
			}
			n := 0
			for rec, err := range Records(context.Background(), bytes.NewReader(data), Options{}) {
				if err != nil {
					t.Fatalf("%s Records: %v", name, err)
				}
				if n == 0 && strings.Join(rec, ",") != "id,v,s" {
					t.Fatalf("%s Records header %q", name, rec)
				}
				n++
			}
			if n != 3001 {
				t.Fatalf("%s Records: %d records", name, n)
			}
		}
	}
	// a truncated stream is an error, not a short read
	_, err = ReadAll(CSV(context.Background(), bytes.NewReader(gz.Bytes()[:gz.Len()/2]), Options{}))
	if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "truncated gzip") {
		t.Fatalf("truncated: %v", err)
	}
}
