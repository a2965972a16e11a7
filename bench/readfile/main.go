// Command readfile measures a full typed read of one CSV file with the
// readers package (the OES options: NA tokens *, #, ** and ',' thousands):
// it prints rows, columns, the time, MB/s and the frame's size. Run it under
// /usr/bin/time -v for peak RSS:
//
//	go build -o /tmp/readfile ./bench/readfile
//	/usr/bin/time -v /tmp/readfile -file /tmp/oes_1g.csv
//
// Flags choose what is read and how: -project reads 9 of the 29 OES
// columns, -nodict reads every String column plain, -chunk sets ChunkRows,
// -stream reads the chunk stream with ReadAll(CSVFile) instead of ReadFile's
// collect mode, -nomap reads through read() calls (ReadAll(CSV) over the
// open file) instead of mapping it, -gcpercent sets the GC percentage first
// (debug.SetGCPercent; 0 leaves it), -tunegc calls readers.TuneGC first, and
// -cpuprofile writes a CPU profile.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "readfile:", err)
		os.Exit(1)
	}
}

func run() error {
	file := flag.String("file", "", "CSV file to read (required)")
	project := flag.Bool("project", false, "read 9 of the 29 OES columns")
	nodict := flag.Bool("nodict", false, "read every String column plain")
	chunk := flag.Int("chunk", 0, "rows per chunk (0: the default)")
	stream := flag.Bool("stream", false, "ReadAll(CSVFile) instead of ReadFile")
	nomap := flag.Bool("nomap", false, "ReadAll(CSV(file)): read() into buffers, no mapping")
	gcpercent := flag.Int("gcpercent", 0, "set the GC percentage first (0: leave it)")
	tunegc := flag.Bool("tunegc", false, "call readers.TuneGC first")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	if *file == "" {
		flag.Usage()
		return fmt.Errorf("-file is required")
	}
	opt := readers.Options{NA: []string{"*", "#", "**"}, Thousands: ',', NoDict: *nodict, ChunkRows: *chunk}
	if *project {
		opt.Columns = []string{"area_title", "occ_code", "occ_title", "tot_emp", "h_mean", "a_mean", "h_median", "a_median", "a_pct90"}
	}
	if *gcpercent != 0 {
		debug.SetGCPercent(*gcpercent)
	}
	if *tunegc {
		defer readers.TuneGC()()
	}
	st, err := os.Stat(*file)
	if err != nil {
		return err
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx := context.Background()
	start := time.Now()
	var f *frame.Frame
	switch {
	case *nomap:
		fh, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer fh.Close()
		f, err = readers.ReadAll(readers.CSV(ctx, fh, opt))
		if err != nil {
			return err
		}
	case *stream:
		f, err = readers.ReadAll(readers.CSVFile(ctx, *file, opt))
	default:
		f, err = readers.ReadFile(ctx, *file, opt)
	}
	if err != nil {
		return err
	}
	el := time.Since(start)
	fmt.Printf("read %d rows x %d cols in %v: %.0f MB/s; frame.Size() = %d bytes (%.0f MB); input %d bytes; GOMAXPROCS=%d\n",
		f.NumRows(), f.NumCols(), el, float64(st.Size())/1e6/el.Seconds(), f.Size(), float64(f.Size())/1e6, st.Size(), runtime.GOMAXPROCS(0))
	return nil
}
