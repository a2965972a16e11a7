package parallel

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sluicedata/sluice/frame"
)

// Micro-benchmarks of two inner loops of the spilling operators: the
// repartitioning hash (partOf at a deeper level) and the k-way merge's
// range appender.

func BenchmarkPartOfLevel1(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	hs := make([]uint64, 1<<16)
	for i := range hs {
		hs[i] = rng.Uint64()
	}
	b.ReportAllocs()
	s := 0
	for b.Loop() {
		for _, h := range hs {
			s += partOf(h, 61, 1)
		}
	}
	if s < 0 {
		b.Fatal(s)
	}
}

// mergeFrame is a 64K-row frame of an int and a float with nulls and a string
// column, the shape of a sort run.
func mergeFrame(seed uint64) *frame.Frame {
	rng := rand.New(rand.NewPCG(seed, 3))
	const n = 1 << 16
	ints := make([]int64, n)
	fl := make([]float64, n)
	fv := make([]bool, n)
	ss := make([]string, n)
	for i := range n {
		ints[i] = rng.Int64N(1000)
		fl[i] = rng.Float64()
		fv[i] = rng.IntN(10) != 0
		if rng.IntN(10) == 0 {
			fl[i] = math.NaN()
		}
		ss[i] = []string{"alpha", "beta", "gamma", "a much longer string value"}[rng.IntN(4)]
	}
	a, _ := frame.NewInt64("k", ints, fv)
	f := frame.NewFloat64("x", fl)
	s, _ := frame.NewString("s", ss, nil)
	return frame.Must(frame.New(a, f, s))
}

// BenchmarkMergeAppend appends runs of 1..16 rows alternately from two
// frames, as a k-way merge of interleaved runs does, and builds a frame per
// 64K rows.
func BenchmarkMergeAppend(b *testing.B) {
	fs := [2]*frame.Frame{mergeFrame(1), mergeFrame(2)}
	rng := rand.New(rand.NewPCG(4, 5))
	runs := make([]int, 1<<14)
	for i := range runs {
		runs[i] = 1 + rng.IntN(16)
	}
	b.ReportAllocs()
	for b.Loop() {
		app := frame.NewAppender(fs[0])
		pos := [2]int{}
		for k, r := range runs {
			f := fs[k&1]
			i := pos[k&1]
			if i+r > f.NumRows() {
				break
			}
			if err := app.Append(f, i, i+r); err != nil {
				b.Fatal(err)
			}
			pos[k&1] = i + r
		}
		if out := app.Build(); out.NumRows() == 0 {
			b.Fatal("empty")
		}
	}
}
