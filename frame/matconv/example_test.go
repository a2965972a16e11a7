package matconv_test

import (
	"fmt"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/frame/matconv"
	"gonum.org/v1/gonum/mat"
)

// A least-squares regression of wage on experience and a union flag with
// gonum: the design matrix (with an intercept column) from a frame, the
// response as a vector, mat.Dense.Solve (QR) for the coefficients, and the
// fitted values back as a frame column. (Checked against the normal
// equations solved in exact rational arithmetic: 19.4487, 1.53846, 4.30769.)
func Example_regression() {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("one", []int64{1, 1, 1, 1, 1, 1}, nil)),
		frame.MustColumn(frame.NewInt64("years", []int64{1, 3, 5, 7, 9, 11}, nil)),
		frame.MustColumn(frame.NewBool("union", []bool{false, true, false, true, true, false}, nil)),
		// wage = 20 + 1.5·years + 4·union, plus ±0.5 noise
		frame.NewFloat64("wage", []float64{21, 28, 27.5, 34.5, 38, 36}),
	))
	x, err := matconv.ToDense(f, []string{"one", "years", "union"}, matconv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := matconv.ToVec(f, "wage", matconv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	var beta mat.VecDense
	if err := beta.SolveVec(x, y); err != nil { // least squares: x is 6×3
		fmt.Println(err)
		return
	}
	fmt.Printf("intercept %.3f, years %.3f, union %.3f\n", beta.AtVec(0), beta.AtVec(1), beta.AtVec(2))

	var fitted mat.VecDense
	fitted.MulVec(x, &beta)
	out, err := matconv.FromDense(&fitted, []string{"fitted"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.2f\n", out.MustColumn("fitted").Float64s())
	// Output:
	// intercept 19.449, years 1.538, union 4.308
	// [20.99 28.37 27.14 34.53 37.60 36.37]
}
