package frame_test

import (
	"errors"
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
)

func oesFrame() *frame.Frame {
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewString("occ_title", []string{"Chief Executives", "Cooks", "Actuaries", "Cashiers"}, nil)),
		frame.MustColumn(frame.NewString("OCC_GROUP", []string{"major", "detailed", "detailed", "detailed"}, nil)),
		frame.MustColumn(frame.NewInt64("tot_emp", []int64{200480, 0, 28960, 3299240}, []bool{true, false, true, true})),
		frame.NewFloat64("a_mean", []float64{246440, 36440, math.NaN(), 29720}),
	))
}

// Analysts write SQL and spreadsheet habits: 'single quotes', and/or/not in
// any case, = for equality, x in (…), x is null.
func ExampleParseExpr_analyst() {
	f := oesFrame()
	e, err := frame.ParseExpr(`OCC_GROUP = 'detailed' AND a_mean > 30000 or occ_title in ('Cashiers', 'Bakers')`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e) // the canonical form
	rows, err := f.Filter(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rows.MustColumn("occ_title").Str(0), "|", rows.MustColumn("occ_title").Str(1))
	n, _ := f.Where(`tot_emp is null or not occ_title <> 'Actuaries'`)
	fmt.Println(n.NumRows())
	// Output:
	// (((OCC_GROUP == "detailed") && (a_mean > 30000)) || in(occ_title, "Cashiers", "Bakers"))
	// Cooks | Cashiers
	// 2
}

// Errors point at the place in the expression and suggest a fix.
func ExampleParseExpr_errors() {
	f := oesFrame()
	for _, s := range []string{`a_man > 100000`, `lowr(occ_title) = 'cooks'`, `occ_title > 100000`} {
		_, err := f.Where(s)
		fmt.Println(err)
		var xe *frame.ExprError
		fmt.Println(errors.As(err, &xe), errors.Is(err, frame.ErrNoColumn), errors.Is(err, frame.ErrType))
		fmt.Println()
	}
	// Output:
	// unknown column "a_man" (did you mean a_mean?)
	//   a_man > 100000
	//   ^^^^^
	// true true false
	//
	// unknown function lowr (did you mean lower?)
	//   lowr(occ_title) = 'cooks'
	//   ^^^^
	// hint: the functions are abs, between, ceil, coalesce, col, contains, day, floor, has_prefix, has_suffix, if, in, is_null, len, lower, matches, month, not_null, round, trim, upper, year
	// true false false
	//
	// cannot compare string column occ_title with number 100000
	//   occ_title > 100000
	//   ^^^^^^^^^
	// hint: occ_title is text; if it holds numbers with markers like '*', read it with --na '*' (or --na auto)
	// true false true
}

// if and coalesce derive columns; the same expressions can be parsed or
// built in Go.
func ExampleIf() {
	f := oesFrame()
	band := frame.If(frame.Col("a_mean").Gt(100000), "high", frame.Lit("other"))
	emp := frame.Coalesce(frame.Col("tot_emp"), 0)
	parsed := frame.MustParseExpr(`if(a_mean > 100000, 'high', 'other')`)
	fmt.Println(band, "|", parsed.String() == band.String())
	f, err := f.Derive("band", band)
	if err == nil {
		f, err = f.Derive("emp", emp)
	}
	if err == nil {
		f, err = f.Derive("k", frame.MustParseExpr(`round(coalesce(a_mean, 0) / 1000, 1)`))
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	f, _ = f.Select("occ_title", "band", "emp", "k")
	fmt.Print(f)
	// Output:
	// if((a_mean > 100000), "high", "other") | true
	// shape: (4, 4)
	// ┌──────────────────┬────────┬─────────┬─────────┐
	// │ occ_title        │ band   │ emp     │ k       │
	// │ string           │ string │ int64   │ float64 │
	// ╞══════════════════╪════════╪═════════╪═════════╡
	// │ Chief Executives │ high   │  200480 │   246.4 │
	// │ Cooks            │ other  │       0 │    36.4 │
	// │ Actuaries        │ other  │   28960 │       0 │
	// │ Cashiers         │ other  │ 3299240 │    29.7 │
	// └──────────────────┴────────┴─────────┴─────────┘
}

// Column expressions built in Go have a method for each function.
func ExampleExpr_Lower() {
	f := oesFrame()
	e := frame.Col("occ_title").Lower().HasPrefix("c").And(frame.Col("a_mean").Round(-3).Between(30000, 40000))
	rows, err := f.Filter(e)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	fmt.Println(rows.NumRows(), rows.MustColumn("occ_title").Str(0), rows.MustColumn("occ_title").Str(1))
	// Output:
	// (has_prefix(lower(occ_title), "c") && between(round(a_mean, -3), 30000, 40000))
	// 2 Cooks Cashiers
}
