package readers

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/sluicedata/sluice/bench/oesgen"
	"github.com/sluicedata/sluice/frame"
)

// oesOptions are the typed-read options for OES-shaped files.
func oesOptions() Options {
	return Options{NA: []string{"*", "#", "**"}, Thousands: ','}
}

var oesProjection = []string{"area_title", "occ_code", "occ_title", "tot_emp", "h_mean", "a_mean", "h_median", "a_median", "a_pct90"}

// TestReadFile is a measuring tool, not a test: with SLUICE_BENCH_FILE set it
// reads that file fully typed (OES options; SLUICE_BENCH_PROJECT=1 reads 9
// of 29 columns; SLUICE_BENCH_CHUNK=N sets ChunkRows; SLUICE_BENCH_NODICT=1
// reads every String column plain) and prints MB/s and
// the frame's size. Run it under
// /usr/bin/time -v for peak RSS:
//
//	go test -c -o /tmp/readers.test ./readers
//	SLUICE_BENCH_FILE=/tmp/oes_1g.csv /usr/bin/time -v /tmp/readers.test -test.run TestReadFile -test.v
func TestReadFile(t *testing.T) {
	path := os.Getenv("SLUICE_BENCH_FILE")
	if path == "" {
		t.Skip("SLUICE_BENCH_FILE not set")
	}
	opt := oesOptions()
	if os.Getenv("SLUICE_BENCH_PROJECT") == "1" {
		opt.Columns = oesProjection
	}
	if os.Getenv("SLUICE_BENCH_NODICT") == "1" {
		opt.NoDict = true // every String column plain
	}
	if n, err := strconv.Atoi(os.Getenv("SLUICE_BENCH_CHUNK")); err == nil {
		opt.ChunkRows = n // rows per chunk (the splitter's unit of work)
	}
	// SLUICE_BENCH_PATH=fused|block picks the parse path (default: as a
	// user gets it)
	switch os.Getenv("SLUICE_BENCH_PATH") {
	case "fused":
		defer func(v bool) { vecPathOff = v }(vecPathOff)
		vecPathOff = true
	case "block":
		defer func(v bool) { vecForce = v }(vecForce)
		vecForce = true
	}
	if os.Getenv("SLUICE_BENCH_NOMAP") == "1" {
		defer func(m int64) { mapMin = m }(mapMin)
		mapMin = 1 << 62 // read() into buffers instead of mapping the file
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f, err := ReadAll(CSVFile(context.Background(), path, opt))
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("read %d rows x %d cols in %v: %.0f MB/s; frame.Size() = %d bytes (%.0f MB); input %d bytes; GOMAXPROCS=%d",
		f.NumRows(), f.NumCols(), el, float64(st.Size())/1e6/el.Seconds(), f.Size(), float64(f.Size())/1e6, st.Size(), runtime.GOMAXPROCS(0))
}

func benchOES(b *testing.B, rows int, opt Options) {
	var buf bytes.Buffer
	if err := oesgen.Write(&buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, path := range []string{"fused", "block"} {
		b.Run(path, func(b *testing.B) {
			defer func(o, f bool) { vecPathOff, vecForce = o, f }(vecPathOff, vecForce)
			vecPathOff, vecForce = path == "fused", path == "block"
			benchRead(b, data, rows, opt)
		})
	}
}

func benchRead(b *testing.B, data []byte, rows int, opt Options) {
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
	opt.Columns = oesProjection
	benchOES(b, 200000, opt)
}

// BenchmarkReadOESRaw reads every column as raw strings.
func BenchmarkReadOESRaw(b *testing.B) { benchOES(b, 200000, Options{Raw: true}) }

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

var _ = frame.Int64
