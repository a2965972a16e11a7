package gotaconv_test

import (
	"fmt"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/frame/gotaconv"
)

// A frame goes to gota and back: a null becomes gota's NaN element and comes
// back as a null.
func ExampleToGota() {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("state", []string{"Texas", "Ohio", "Utah"}, nil)),
		frame.MustColumn(frame.NewInt64("emp", []int64{1200, 0, 310}, []bool{true, false, true})),
	))
	df, err := gotaconv.ToGota(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(df.Names(), df.Col("emp").Type(), df.Col("emp").Elem(1).IsNA())

	back, err := gotaconv.FromGota(df)
	if err != nil {
		fmt.Println(err)
		return
	}
	emp, _ := back.Column("emp")
	fmt.Println(back.NumRows(), emp.Type(), emp.IsNull(1), emp.Int64(2))
	// Output:
	// [state emp] int true
	// 3 int64 true 310
}

// FromGota converts a gota dataframe, with gota's types mapped to frame's.
func ExampleFromGota() {
	df := dataframe.New(
		series.New([]string{"a", "b"}, series.String, "key"),
		series.New([]float64{1.5, 2.25}, series.Float, "score"),
	)
	f, err := gotaconv.FromGota(df)
	if err != nil {
		fmt.Println(err)
		return
	}
	score, _ := f.Column("score")
	fmt.Println(f.Names(), score.Type(), score.Float64(1))
	// Output:
	// [key score] float64 2.25
}
