package frame_test

import (
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
)

func exampleFrame() *frame.Frame {
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewString("area_title", []string{"Texas", "Ohio", "Texas", "Maine"}, nil)),
		frame.MustColumn(frame.NewInt64("score", []int64{91, 75, 82, 0}, []bool{true, true, true, false})),
		frame.NewFloat64("wage", []float64{52.5, 48, math.NaN(), 61.25}),
	))
}

func ExampleNew() {
	f, err := frame.New(
		frame.MustColumn(frame.NewString("state", []string{"TX", "OH"}, nil)),
		frame.MustColumn(frame.NewInt64("jobs", []int64{120, 80}, nil)),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.NumRows(), f.Names(), f.Types())
	// Output: 2 [state jobs] [string int64]
}

func ExampleFrame_Filter() {
	f := exampleFrame()
	hi, err := f.Filter(frame.Col("score").Gt(80)) // the null score is not kept
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hi.MustColumn("area_title").Str(0), hi.MustColumn("area_title").Str(1), hi.NumRows())
	// Output: Texas Texas 2
}

func ExampleFrame_Where() {
	f := exampleFrame()
	tx, err := f.Where(`score > 80 && area_title == "Texas" && !is_null(wage)`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tx.NumRows(), tx.MustColumn("wage").Float64(0))
	// Output: 1 52.5
}

func ExampleFrame_Sort() {
	f := exampleFrame()
	s, err := f.Sort(frame.Asc("area_title"), frame.Desc("score"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range s.NumRows() {
		fmt.Println(s.MustColumn("area_title").Str(i), s.MustColumn("score").Value(i))
	}
	// Output:
	// Maine <nil>
	// Ohio 75
	// Texas 91
	// Texas 82
}

func ExampleFrame_Derive() {
	f := exampleFrame()
	d, err := f.Derive("weekly", frame.Col("wage").Mul(40))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.MustColumn("weekly").Float64s()[:2], d.MustColumn("weekly").NullCount())
	// Output: [2100 1920] 1
}

func ExampleConcat() {
	f := exampleFrame()
	both, err := frame.Concat(f.Head(1), f.Tail(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(both.NumRows(), both.MustColumn("area_title").Str(1))
	// Output: 2 Maine
}

func ExampleFrame_String() {
	fmt.Print(exampleFrame())
	// Output:
	// shape: (4, 3)
	// ┌────────────┬───────┬─────────┐
	// │ area_title │ score │ wage    │
	// │ string     │ int64 │ float64 │
	// ╞════════════╪═══════╪═════════╡
	// │ Texas      │    91 │    52.5 │
	// │ Ohio       │    75 │      48 │
	// │ Texas      │    82 │    null │
	// │ Maine      │  null │   61.25 │
	// └────────────┴───────┴─────────┘
}

func ExampleParseExpr() {
	e, err := frame.ParseExpr(`score >= 80 || has_prefix(col("area_title"), "Oh")`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e, e.Columns())
	_, err = frame.ParseExpr(`score >> 2`)
	fmt.Println(err)
	// Output:
	// ((score >= 80) || has_prefix(area_title, "Oh")) [score area_title]
	// unsupported operator >>
	//   score >> 2
	//         ^^
}
