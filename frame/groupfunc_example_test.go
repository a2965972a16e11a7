package frame_test

import (
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
	"gonum.org/v1/gonum/stat"
)

// A gonum statistic per group: the employment-weighted standard deviation
// of wages (two columns: values and weights), the unweighted one (equal to
// the built-in Std), and a correlation, for each state. The missing OH wage
// drops its row from both two-column statistics (hand-checked: TX weighted
// mean 24.375, weighted variance 5937.5/159).
func ExampleAggFunc() {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("state", []string{"TX", "TX", "OH", "TX", "OH", "OH"}, nil)),
		frame.NewFloat64("wage", []float64{20, 30, 25, 40, math.NaN(), 35}),
		frame.NewFloat64("jobs", []float64{100, 50, 80, 10, 40, 20}),
	))
	out, err := f.GroupBy("state").Agg(
		frame.AggFunc("sd", "wage", func(x []float64) float64 { return stat.StdDev(x, nil) }),
		frame.Std("wage"),
		frame.AggFunc2("sd_w", "wage", "jobs", func(x, w []float64) float64 { return stat.StdDev(x, w) }),
		frame.AggFunc2("corr", "wage", "jobs", func(x, y []float64) float64 { return stat.Correlation(x, y, nil) }),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range out.NumRows() {
		fmt.Printf("%s sd=%.4f std=%.4f sd_w=%.4f corr=%.4f\n", out.MustColumn("state").Str(i),
			out.MustColumn("wage_sd").Float64(i), out.MustColumn("wage_std").Float64(i),
			out.MustColumn("wage_jobs_sd_w").Float64(i), out.MustColumn("wage_jobs_corr").Float64(i))
	}
	// Output:
	// TX sd=10.0000 std=10.0000 sd_w=6.1109 corr=-0.9979
	// OH sd=7.0711 std=7.0711 sd_w=4.0202 corr=-1.0000
}
