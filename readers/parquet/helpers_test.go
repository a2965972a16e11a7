package parquet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
	pqwriter "github.com/sluicedata/sluice/writers/parquet"
)

// readAll reads path with opt and q, collecting the chunks.
func readAll(t testing.TB, path string, opt readers.Options, q Query) (*frame.Frame, []*frame.Frame) {
	t.Helper()
	return readAllHooks(t, path, opt, q, hooks{})
}

// readAllHooks is readAll with the read's internal sizes set by h.
func readAllHooks(t testing.TB, path string, opt readers.Options, q Query, h hooks) (*frame.Frame, []*frame.Frame) {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var chunks []*frame.Frame
	for f, err := range func(yield func(*frame.Frame, error) bool) {
		scan(context.Background(), fh, info.Size(), path, opt, q, h, yield)
	} {
		if err != nil {
			t.Fatal(withStack(err))
		}
		chunks = append(chunks, f)
	}
	all, err := frame.Concat(chunks...)
	if err != nil {
		t.Fatal(err)
	}
	return all, chunks
}

// withStack appends the decoder's stack to an error from a recovered panic,
// which its message leaves out.
func withStack(err error) string {
	var p *decodePanic
	if errors.As(err, &p) {
		return fmt.Sprintf("%v\n%s", err, p.stack)
	}
	return err.Error()
}

// equalFrames reports the first difference between two frames: names,
// types, nulls, and values (floats by their bits, so -0 and infinities
// count).
func equalFrames(want, got *frame.Frame) error {
	if want.NumRows() != got.NumRows() || want.NumCols() != got.NumCols() {
		return fmt.Errorf("shape %dx%d, want %dx%d (columns %v, want %v)", got.NumRows(), got.NumCols(), want.NumRows(), want.NumCols(), got.Names(), want.Names())
	}
	for k := range want.NumCols() {
		a, b := want.ColumnAt(k), got.ColumnAt(k)
		if a.Name() != b.Name() || a.Type() != b.Type() {
			return fmt.Errorf("column %d is %s %v, want %s %v", k, b.Name(), b.Type(), a.Name(), a.Type())
		}
		for i := range a.Len() {
			if a.IsNull(i) != b.IsNull(i) {
				return fmt.Errorf("column %s row %d: null %v, want %v (value %v)", a.Name(), i, b.IsNull(i), a.IsNull(i), a.Value(i))
			}
			if a.IsNull(i) {
				continue
			}
			var same bool
			switch a.Type() {
			case frame.Int64, frame.Date, frame.Datetime:
				same = a.Int64(i) == b.Int64(i)
			case frame.Float64:
				same = math.Float64bits(a.Float64(i)) == math.Float64bits(b.Float64(i))
			case frame.Bool:
				same = a.Bool(i) == b.Bool(i)
			case frame.String:
				same = a.Str(i) == b.Str(i)
			}
			if !same {
				return fmt.Errorf("column %s row %d: got %v, want %v", a.Name(), i, b.Value(i), a.Value(i))
			}
		}
	}
	return nil
}

// randomFrame returns n rows of random columns of every type, each with its
// own null rate (none, some, all), edge values included; datetimes are
// whole microseconds unless nanos.
func randomFrame(r *rand.Rand, n int, nanos bool) *frame.Frame {
	rates := []float64{0, 0.2, 0.5, 1}
	valid := func() []bool {
		rate := rates[r.IntN(len(rates))]
		v := make([]bool, n)
		for i := range v {
			v[i] = r.Float64() >= rate
		}
		return v
	}
	ints := make([]int64, n)
	floats := make([]float64, n)
	cats := make([]string, n)
	words := make([]string, n)
	bools := make([]bool, n)
	days := make([]int64, n)
	ts := make([]int64, n)
	edgeInts := []int64{math.MinInt64, math.MaxInt64, 0, -1}
	edgeFloats := []float64{math.Inf(1), math.Inf(-1), math.Copysign(0, -1), math.SmallestNonzeroFloat64, math.MaxFloat64}
	fv := valid()
	for i := range n {
		ints[i] = r.Int64() - r.Int64()
		if r.IntN(10) == 0 {
			ints[i] = edgeInts[r.IntN(len(edgeInts))]
		}
		floats[i] = r.NormFloat64() * 1e3
		if r.IntN(10) == 0 {
			floats[i] = edgeFloats[r.IntN(len(edgeFloats))]
		}
		if !fv[i] {
			floats[i] = math.NaN()
		}
		cats[i] = fmt.Sprintf("cat-%02d", r.IntN(20))
		b := make([]byte, r.IntN(12))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		words[i] = string(b)
		bools[i] = r.IntN(2) == 0
		days[i] = r.Int64N(100_000) - 50_000
		ts[i] = r.Int64N(8e18) - 4e18
		if !nanos {
			ts[i] = ts[i] / 1000 * 1000
		}
	}
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("id", ints, valid())),
		frame.NewFloat64("x", floats),
		frame.MustColumn(frame.NewString("cat", cats, valid())),
		frame.MustColumn(frame.NewString("word", words, valid())),
		frame.MustColumn(frame.NewBool("ok", bools, valid())),
		frame.MustColumn(frame.NewDate("day", days, valid())),
		frame.MustColumn(frame.NewDatetime("at", ts, valid())),
	))
}

// writeParquet writes f with the project's writer in chunks of chunkRows
// rows and row groups of groupRows rows.
func writeParquet(t testing.TB, path string, f *frame.Frame, opt writers.Options, chunkRows, groupRows int) {
	t.Helper()
	w, err := writers.CreateEncoder(path, func(w io.Writer) (writers.Encoder, error) {
		enc, err := pqwriter.NewEncoder(w, opt)
		if err == nil && groupRows > 0 {
			enc.SetRowGroupLimits(int64(groupRows), 0)
		}
		return enc, err
	})
	if err != nil {
		t.Fatal(err)
	}
	chunkRows = max(chunkRows, 1)
	for lo := 0; lo == 0 || lo < f.NumRows(); lo += chunkRows {
		if err := w.Write(f.Slice(lo, min(lo+chunkRows, f.NumRows()))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// tempPath returns a path in the test's temporary directory.
func tempPath(t testing.TB, name string) string { return filepath.Join(t.TempDir(), name) }
