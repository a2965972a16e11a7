package arrowconv_test

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/frame/arrowconv"
)

// A frame to an Arrow record batch (sharing its buffers), written as an
// Arrow IPC stream — what pyarrow, Polars or DuckDB read — and read back
// into a frame.
func Example() {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("state", []string{"TX", "OH", "TX"}, nil)).DictEncode(),
		frame.MustColumn(frame.NewInt64("jobs", []int64{120, 80, 0}, []bool{true, true, false})),
		frame.NewFloat64("wage", []float64{52.5, math.NaN(), 61.25}),
		frame.MustColumn(frame.NewDate("day", []int64{20000, 20001, 20002}, nil)),
	))
	rec, err := arrowconv.ToRecord(f, arrowconv.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Release()
	for i, fld := range rec.Schema().Fields() {
		fmt.Printf("%s: %v, %d nulls\n", fld.Name, fld.Type, rec.Column(i).NullN())
	}

	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(rec.Schema()))
	if err := w.Write(rec); err != nil {
		fmt.Println(err)
		return
	}
	w.Close()
	rd, err := ipc.NewReader(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rd.Release()
	for g, err := range arrowconv.FromRecordReader(context.Background(), rd, arrowconv.Options{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(g.Types(), g.MustColumn("state").IsDict())
		for i := range g.NumRows() {
			fmt.Println(g.MustColumn("state").Value(i), g.MustColumn("jobs").Value(i), g.MustColumn("wage").Value(i),
				g.MustColumn("day").Time(i).Format("2006-01-02"))
		}
	}
	// Output:
	// state: dictionary<values=large_utf8, indices=int32, ordered=false>, 0 nulls
	// jobs: int64, 1 nulls
	// wage: float64, 1 nulls
	// day: date32, 0 nulls
	// [string int64 float64 date] true
	// TX 120 52.5 2024-10-04
	// OH 80 <nil> 2024-10-05
	// TX <nil> 61.25 2024-10-06
}
