package parquet

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	pq "github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// FuzzScan reads arbitrary bytes as Parquet: a read ends with frames or an
// error, never a panic (parquet-go's are recovered) or a hang. The seeds are
// the corpus files, a file of sluice's own, one of every encoding and V2
// pages, and truncated and damaged copies of them.
//
//	go test ./readers/parquet -run '^$' -fuzz FuzzScan -fuzztime 30s
func FuzzScan(f *testing.F) {
	var seeds [][]byte
	files, _ := filepath.Glob(filepath.Join(corpusDir(f), "*.parquet"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	own := tempPath(f, "own.parquet")
	writeParquet(f, own, randomFrame(rand.New(rand.NewPCG(1, 1)), 300, false), writers.Options{}, 100, 120)
	b, err := os.ReadFile(own)
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, b)
	// every encoding parquet-go writes, in V2 pages
	rows, _ := encRows(200)
	var buf bytes.Buffer
	if err := pq.Write(&buf, rows, pq.Compression(&zstd.Codec{}), pq.DataPageVersion(2), pq.PageBufferSize(512)); err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, buf.Bytes())
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)/2])
		f.Add(s[len(s)/3:])
		f.Add(s[:len(s)-9])
		d := bytes.Clone(s)
		for i := 4; i < len(d)-8; i += 997 {
			d[i] ^= 0x5a
		}
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []readers.Options{{ChunkRows: 100}, {ChunkRows: 1000, NoDict: true, Raw: true}} {
			q := Query{Where: frame.Col("id").Gt(3)}
			if opt.Raw {
				q = Query{}
			}
			rows := 0
			for f, err := range ScanReader(context.Background(), bytes.NewReader(data), int64(len(data)), "fuzz.parquet", opt, q) {
				if err != nil {
					break
				}
				if f == nil {
					t.Fatal("nil frame without an error")
				}
				// a few bytes of RLE legitimately describe millions of null
				// rows: stop early rather than stream them all
				if rows += f.NumRows(); rows > 1<<16 {
					break
				}
			}
		}
	})
}
