package plot_test

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/plot"
)

// A histogram of a frame column, rendered as a PNG of the requested size; a
// null is skipped, and a column with nothing to draw is an error.
func ExampleHistogram() {
	f := frame.Must(frame.New(
		frame.NewFloat64("wage", []float64{12.5, 14, 15.25, 18, 18.5, 22, 31}),
		frame.MustColumn(frame.NewInt64("empty", []int64{0, 0, 0, 0, 0, 0, 0}, make([]bool, 7))),
	))
	img, err := plot.Histogram(f, "wage", plot.Options{Title: "Hourly wage", Width: 320, Height: 200})
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	fmt.Println(cfg.Width, cfg.Height, err)

	_, err = plot.Histogram(f, "empty", plot.Options{})
	fmt.Println(errors.Is(err, plot.ErrEmpty))
	// Output:
	// 320 200 <nil>
	// true
}
