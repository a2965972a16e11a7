// Command w3 measures WORKLOADS.md W3: many configurations over one large
// frame in parallel. It builds one frame in memory (rows × 3 columns of 8
// bytes: 40M rows ≈ 1 GB), runs -configs configurations, each computing a
// filtered median, with parallel.Map and -workers workers, and prints the
// results' checksum and the time. Peak memory is measured from outside:
//
//	go build -o /tmp/w3 ./bench/w3
//	for w in 1 2 8; do /usr/bin/time -v /tmp/w3 -workers $w 2>&1 | grep -E 'w3:|Maximum resident'; done
//
// The frame is shared by reference: the peak RSS should not grow with the
// workers beyond their small per-configuration buffers.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/parallel"
	"github.com/sluicedata/sluice/stats"
)

type config struct {
	group int64
	minY  float64
}

func main() {
	rows := flag.Int("rows", 40_000_000, "frame rows (24 bytes each)")
	nconf := flag.Int("configs", 64, "configurations")
	workers := flag.Int("workers", 1, "workers")
	flag.Parse()

	start := time.Now()
	g := make([]int64, *rows)
	x := make([]float64, *rows)
	y := make([]float64, *rows)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range g {
		g[i] = int64(r.IntN(64))
		x[i] = r.NormFloat64()*100 + float64(g[i])
		y[i] = r.Float64()
	}
	gc, err := frame.NewInt64("group", g, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "w3:", err)
		os.Exit(1)
	}
	f, err := frame.New(gc, frame.NewFloat64("x", x), frame.NewFloat64("y", y))
	if err != nil {
		fmt.Fprintln(os.Stderr, "w3:", err)
		os.Exit(1)
	}
	g, x, y = nil, nil, nil
	built := time.Since(start)

	configs := make([]config, *nconf)
	for i := range configs {
		configs[i] = config{group: int64(i % 64), minY: float64(i/64%4) * 0.2}
	}
	start = time.Now()
	meds, err := parallel.Map(context.Background(), configs, func(ctx context.Context, i int, c config) (float64, error) {
		gs := f.MustColumn("group").Int64s() // views of the shared frame
		xs := f.MustColumn("x").Float64s()
		ys := f.MustColumn("y").Float64s()
		n := 0
		for k := range gs {
			if gs[k] == c.group && ys[k] >= c.minY {
				n++
			}
		}
		sel := make([]float64, 0, n)
		for k := range gs {
			if gs[k] == c.group && ys[k] >= c.minY {
				sel = append(sel, xs[k])
			}
		}
		return stats.MedianInPlace(sel), nil
	}, parallel.Options{Workers: *workers})
	if err != nil {
		fmt.Fprintln(os.Stderr, "w3:", err)
		os.Exit(1)
	}
	sum := 0.0
	for _, m := range meds {
		sum += m
	}
	fmt.Printf("w3: %d rows (%.2f GB) built in %.1fs; %d configurations, %d workers: %.1fs; checksum %.6f\n",
		f.NumRows(), float64(f.Size())/1e9, built.Seconds(), len(configs), *workers,
		time.Since(start).Seconds(), math.Round(sum*1e6)/1e6)
}
