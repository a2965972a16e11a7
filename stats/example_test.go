package stats_test

import (
	"fmt"
	"math"

	"github.com/sluicedata/sluice/stats"
)

func ExampleMedian() {
	// numpy: np.median([[10, 7, 4], [3, 2, 1]]) == 3.5
	x := []float64{10, 7, 4, 3, 2, 1, math.NaN()} // NaN is missing: skipped
	fmt.Println(stats.Median(x))
	fmt.Println(stats.Median(nil))
	// Output:
	// 3.5
	// NaN
}

func ExampleQuantile() {
	x := []float64{1, 2, 3, 4}
	// Virtual index (n-1)·p = 3·0.4 = 1.2, between x[1] = 2 and x[2] = 3.
	for _, m := range []stats.Method{stats.Linear, stats.Lower, stats.Higher, stats.Nearest, stats.Midpoint} {
		q, err := stats.Quantile(x, 0.4, m)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-8s %.4g\n", m, q)
	}
	_, err := stats.Quantile(x, 1.5, stats.Linear)
	fmt.Println(err)
	// Output:
	// linear   2.2
	// lower    2
	// higher   3
	// nearest  2
	// midpoint 2.5
	// stats: p = 1.5: stats: probability outside [0, 1]
}

func ExampleQuantiles() {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	qs, err := stats.Quantiles(x, []float64{0.1, 0.5, 0.9}, stats.Linear)
	fmt.Println(qs, err)
	// Output:
	// [1.9 5.5 9.1] <nil>
}

func ExampleAccumulator() {
	// Two workers each summarise a partition; merging gives the statistics
	// of the whole.
	var left, right stats.Accumulator
	left.AddSlice([]float64{2, 4, 4, math.NaN()})
	right.AddSlice([]float64{4, 5, 5, 7, 9})
	left.Merge(right)
	fmt.Println(left.Count(), left.Sum(), left.Mean(), left.Var(0), left.Std(0), left.Min(), left.Max())
	// Output:
	// 8 40 5 4 2 2 9
}

func ExampleDescribe() {
	s := stats.Describe([]float64{1, 2, 3, 4, math.NaN()})
	fmt.Printf("count %d mean %g std %.4f min %g 25%% %g 50%% %g 75%% %g max %g\n",
		s.Count, s.Mean, s.Std, s.Min, s.P25, s.Median, s.P75, s.Max)
	// Output:
	// count 4 mean 2.5 std 1.2910 min 1 25% 1.75 50% 2.5 75% 3.25 max 4
}

// A CompensatedSum keeps what plain summation rounds away.
func ExampleCompensatedSum() {
	var k stats.CompensatedSum
	plain := 0.0
	for _, v := range []float64{1e16, 1, 1, 1, 1, -1e16} {
		k.Add(v)
		plain += v
	}
	fmt.Println(k.Value(), plain)
	// Output: 4 0
}
