package readers

import (
	"bytes"
	"context"
	"testing"

	"github.com/sluicedata/sluice/internal/gen/oesgen"
)

// The public API's read benchmarks (the path a user gets: the block path
// where the CPU has AVX2); readers/internal/csv benchmarks each path.

func oesOptions() Options { return Options{NA: []string{"*", "#", "**"}, Thousands: ','} }

func benchOES(b *testing.B, rows int, opt Options) {
	var buf bytes.Buffer
	if err := oesgen.Write(&buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for f, err := range CSV(context.Background(), bytes.NewReader(data), opt) {
			if err != nil {
				b.Fatal(err)
			}
			n += f.NumRows()
		}
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
}

// BenchmarkReadOES reads an in-memory OES-shaped CSV (~38 MB) typed.
func BenchmarkReadOES(b *testing.B) { benchOES(b, 200000, oesOptions()) }

// BenchmarkReadOESProject reads 9 of the 29 columns.
func BenchmarkReadOESProject(b *testing.B) {
	opt := oesOptions()
	opt.Columns = []string{"area_title", "occ_code", "occ_title", "tot_emp", "h_mean", "a_mean", "h_median", "a_median", "a_pct90"}
	benchOES(b, 200000, opt)
}

// BenchmarkReadOESRaw reads every column as raw strings.
func BenchmarkReadOESRaw(b *testing.B) { benchOES(b, 200000, Options{Raw: true}) }
