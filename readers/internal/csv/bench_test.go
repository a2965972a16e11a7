package csv

import (
	"bytes"
	"context"
	"testing"

	"github.com/sluicedata/sluice/internal/gen/oesgen"
)

// oesConfig is the typed-read config for OES-shaped files.
func oesConfig() Config {
	return Config{NA: []string{"*", "#", "**"}, Thousands: ','}
}

var oesProjection = []string{"area_title", "occ_code", "occ_title", "tot_emp", "h_mean", "a_mean", "h_median", "a_median", "a_pct90"}

// benchOES reads an in-memory OES-shaped CSV of rows rows by the fused and
// by the block path.
func benchOES(b *testing.B, rows int, cfg Config) {
	var buf bytes.Buffer
	if err := oesgen.Write(&buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, path := range []string{"fused", "block"} {
		b.Run(path, func(b *testing.B) {
			c := cfg
			c.tune.noBlock, c.tune.forceBlock = path == "fused", path == "block"
			benchRead(b, data, rows, c)
		})
	}
}

func benchRead(b *testing.B, data []byte, rows int, cfg Config) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for f, err := range Read(context.Background(), bytes.NewReader(data), cfg) {
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
func BenchmarkReadOES(b *testing.B) { benchOES(b, 200000, oesConfig()) }

// BenchmarkReadOESProject reads 9 of the 29 columns.
func BenchmarkReadOESProject(b *testing.B) {
	cfg := oesConfig()
	cfg.Columns = oesProjection
	benchOES(b, 200000, cfg)
}

// BenchmarkReadOESRaw reads every column as raw strings.
func BenchmarkReadOESRaw(b *testing.B) { benchOES(b, 200000, Config{Raw: true}) }

var sinkF float64

func BenchmarkParseFloat(b *testing.B) {
	vals := [][]byte{[]byte("22.33"), []byte("132,588,810"), []byte("0.1"), []byte("46,440"), []byte("-99.99")}
	nf := numFmt{thousands: ',', decimal: '.'}
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range vals {
			f, _ := parseFloat(v, nf)
			sinkF += f
		}
	}
}
