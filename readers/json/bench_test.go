package json

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"

	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
)

// benchInput is 100,000 records of random frames (every type, with nulls)
// as NDJSON or a JSON array.
func benchInput(b *testing.B, format string) []byte {
	r := rand.New(rand.NewPCG(1, 1))
	var buf bytes.Buffer
	w, err := writers.New(&buf, format, writers.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for range 100 {
		if err := w.Write(randFrame(r, 1000)); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchRead(b *testing.B, format string) {
	in := benchInput(b, format)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		for _, err := range Read(context.Background(), bytes.NewReader(in), readers.Options{}) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadNDJSON: go test ./readers/json -run '^$' -bench Read
func BenchmarkReadNDJSON(b *testing.B) { benchRead(b, "ndjson") }

// BenchmarkReadArray reads the same records as one JSON array, through
// encoding/json's Decoder element by element.
func BenchmarkReadArray(b *testing.B) { benchRead(b, "json") }

// BenchmarkWriteNDJSON writes the records with the writers package.
func BenchmarkWriteNDJSON(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	f := randFrame(r, 10000)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		w, _ := writers.New(&buf, "ndjson", writers.Options{})
		w.Write(f)
		w.Close()
	}
	b.SetBytes(int64(buf.Len()))
}
