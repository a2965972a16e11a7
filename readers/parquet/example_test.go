package parquet_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/readers/parquet"
	"github.com/sluicedata/sluice/writers"
	pqwriter "github.com/sluicedata/sluice/writers/parquet"
)

// writeSales writes a small Parquet file of two row groups and returns its
// path.
func writeSales(dir string) string {
	path := filepath.Join(dir, "sales.parquet")
	w, err := writers.CreateEncoder(path, func(w io.Writer) (writers.Encoder, error) {
		enc, err := pqwriter.NewEncoder(w, writers.Options{})
		if err == nil {
			enc.SetRowGroupLimits(3, 0) // row groups of 3 rows
		}
		return enc, err
	})
	if err != nil {
		panic(err)
	}
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("id", []int64{1, 2, 3, 4, 5, 6}, nil)),
		frame.MustColumn(frame.NewString("state", []string{"TX", "CA", "TX", "NY", "CA", "TX"}, nil)),
		frame.NewFloat64("amount", []float64{10.5, 20, 7.25, 99, 3, 42}),
	))
	if err := w.Write(f); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return path
}

// Importing the package registers .parquet with readers.Open, so a Parquet
// file reads like any other; here two columns of it, in chunks of up to
// 4 rows (a chunk never spans row groups).
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := writeSales(dir)

	for f, err := range readers.Open(context.Background(), path, readers.Options{Columns: []string{"state", "amount"}, ChunkRows: 4}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f.NumRows(), f.Names(), f.Types(), f.MustColumn("state").Str(0))
	}
	// Output:
	// 3 [state amount] [string float64] TX
	// 3 [state amount] [string float64] NY
}

// Scan with a predicate skips the row groups whose statistics rule it out
// and filters the rest.
func ExampleScan() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := writeSales(dir)

	var st parquet.Stats
	q := parquet.Query{Where: frame.MustParseExpr(`id > 3 && state == "TX"`), Stats: &st}
	all, err := readers.ReadAll(parquet.Scan(context.Background(), path, readers.Options{}, q))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(all.MustColumn("id").Int64s(), all.MustColumn("amount").Float64s())
	fmt.Printf("row groups: %d read, %d skipped\n", st.RowGroupsRead, st.RowGroupsSkipped)
	// Output:
	// [6] [42]
	// row groups: 1 read, 1 skipped
}
