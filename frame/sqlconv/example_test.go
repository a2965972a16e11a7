package sqlconv_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/frame/sqlconv"
	_ "modernc.org/sqlite" // a pure-Go SQLite driver
)

// A frame written to a new SQLite table, then a query's result read back
// as a frame in chunks.
func Example() {
	ctx := context.Background()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: one in-memory database

	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("state", []string{"TX", "OH", "TX", "OH", "TX"}, nil)),
		frame.MustColumn(frame.NewBool("union", []bool{true, false, false, true, true}, nil)),
		frame.NewFloat64("wage", []float64{52.5, 48, math.NaN(), 61.25, 40}),
	))
	if err := sqlconv.Insert(ctx, db, "jobs", f, sqlconv.InsertOptions{Create: true}); err != nil {
		fmt.Println(err)
		return
	}

	rows, err := db.QueryContext(ctx, `SELECT state, "union", count(wage) AS n, avg(wage) AS mean
		FROM jobs GROUP BY state, "union" ORDER BY state, "union"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for chunk, err := range sqlconv.Rows(ctx, rows, sqlconv.Options{ChunkRows: 2}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(chunk.NumRows(), "rows:", chunk.Types())
		for i := range chunk.NumRows() {
			fmt.Println(" ", chunk.MustColumn("state").Value(i), chunk.MustColumn("union").Value(i),
				chunk.MustColumn("n").Value(i), chunk.MustColumn("mean").Value(i))
		}
	}
	// Output:
	// 2 rows: [string bool int64 float64]
	//   OH false 1 48
	//   OH true 1 61.25
	// 2 rows: [string bool int64 float64]
	//   TX false 0 <nil>
	//   TX true 2 46.25
}
