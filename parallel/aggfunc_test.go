package parallel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"gonum.org/v1/gonum/stat"
)

// userAggs are user-function aggregations (frame.AggFunc, frame.AggFunc2)
// whose results depend on every value and on their order, beside a gonum
// statistic with weights and built-ins.
func userAggs() []frame.Agg {
	hash := func(x []float64) float64 {
		h := 0.0
		for i, v := range x {
			h = h*1.0000001 + v*float64(i+1)
		}
		return h
	}
	return []frame.Agg{
		frame.Count(),
		frame.AggFunc("h", "x", hash),
		frame.AggFunc("h", "n", hash),
		frame.AggFunc("sd", "x", func(x []float64) float64 { return stat.StdDev(x, nil) }),
		frame.AggFunc2("sd_w", "x", "n", func(x, w []float64) float64 { return stat.StdDev(x, w) }),
		frame.AggFunc2("corr", "x", "n", func(x, y []float64) float64 { return stat.Correlation(x, y, nil) }),
		frame.Median("x"),
	}
}

// TestAggFuncParallelAndOutOfCore: a user function per group gives the
// serial result, bit for bit, on every core and out of core with forced
// spilling under a small budget, and leaves no spill file behind.
func TestAggFuncParallelAndOutOfCore(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(41, 42))
	dir, empty := spillDir(t)
	aggs := userAggs()
	for _, ks := range [][]keyKind{{kInt}, {kDict, kShort}} {
		for _, n := range shortSizes([]int{1, 3000, 20000}) {
			f, keys := oocFrame(rng, n, ks, n/8, true)
			want, err := f.GroupBy(keys...).Agg(aggs...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []int{1, 4} {
				got, err := Collect(GroupBy(ctx, Frames(f, 0), keys, aggs, Options{Workers: w, Partitions: 7}))
				if err != nil {
					t.Fatal(err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%v/%d GroupBy workers=%d: %v", ks, n, w, err)
				}
			}
			for _, opt := range oocOptions(dir) {
				name := fmt.Sprintf("%v/%d/%+v", ks, n, opt)
				var mu sync.Mutex
				phases := map[string]bool{}
				opt.Progress = func(p Progress) { mu.Lock(); phases[p.Phase] = true; mu.Unlock() }
				got, err := Collect(GroupBy(ctx, Frames(f, 1000), keys, aggs, opt))
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if err := identical(got, want); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if opt.ForceSpill && !phases["group by: aggregate"] {
					t.Fatalf("%s: forced spilling, but no partition was aggregated from spill files (phases %v)", name, phases)
				}
				empty(name)
			}
		}
	}
}

// TestAggFuncPanicOutOfCore: a panic in the user's function, in a spilled
// partition on a worker goroutine, comes back as the frame's error naming
// the group, and the spill files are removed.
func TestAggFuncPanicOutOfCore(t *testing.T) {
	ctx := context.Background()
	dir, empty := spillDir(t)
	n := 5000
	k := make([]int64, n)
	x := make([]float64, n)
	for i := range n {
		k[i] = int64(i % 50)
		x[i] = float64(i)
	}
	f := frame.Must(frame.New(frame.MustColumn(frame.NewInt64("k", k, nil)), frame.NewFloat64("x", x)))
	bad := frame.AggFunc("bad", "x", func(x []float64) float64 {
		if x[0] == 17 { // the first value of group 17
			panic(fmt.Sprintf("cannot handle %v values", len(x)))
		}
		return math.Sqrt(x[0])
	})
	for _, opt := range []Options{{Workers: 4, Partitions: 4}, {Workers: 4, ForceSpill: true, MemoryBudget: 1 << 20, SpillDir: dir}} {
		_, err := Collect(GroupBy(ctx, Frames(f, 500), []string{"k"}, []frame.Agg{frame.Mean("x"), bad}, opt))
		var pe *frame.FuncPanicError
		if !errors.As(err, &pe) || pe.Key != "(k=17)" || pe.Agg != "bad(x)" || pe.Value != "cannot handle 100 values" {
			t.Fatalf("%+v: err = %v", opt, err)
		}
		empty(fmt.Sprintf("%+v", opt))
	}
}
