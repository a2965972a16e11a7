package chunk_test

import (
	"fmt"

	"github.com/sluicedata/sluice/beam/chunk"
	"github.com/sluicedata/sluice/frame"
)

// ExampleEncode round-trips a frame through the element encoding.
func ExampleEncode() {
	f := frame.Must(frame.New(
		frame.MustColumn(frame.NewString("state", []string{"Ohio", "Utah"}, nil)),
		frame.NewFloat64("wage", []float64{51000, 48250.5}),
	))
	b := chunk.Encode(f)
	g, err := chunk.Decode(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.NumRows(), g.Names(), g.MustColumn("wage").Float64(1))
	_, err = chunk.Decode(b[:len(b)-1])
	fmt.Println(err)
	// Output:
	// 2 [state wage] 48250.5
	// chunk: bad encoded frame: truncated at values of wage
}
