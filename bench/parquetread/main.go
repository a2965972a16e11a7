// Command parquetread measures the Parquet reader beside the CSV reader on
// the same table: it converts a CSV to Parquet with the project's writer
// (once; -convert forces it), then reads one of the two with readers.Open,
// fully typed, and prints wall time, user+sys CPU, MB/s of the file read and
// rows/s. Run one read per process so /usr/bin/time -v reports each one's
// peak RSS:
//
//	go run ./bench/gen_oes -size 1GB -out /tmp/oes_1g.csv
//	go build -o /tmp/parquetread ./bench/parquetread
//	/tmp/parquetread -csv /tmp/oes_1g.csv -convert      # writes /tmp/oes_1g.parquet
//	for f in csv parquet; do /usr/bin/time -v /tmp/parquetread -csv /tmp/oes_1g.csv -read $f 2>&1 |
//	  grep -E 'parquetread|Maximum resident'; done
//
// -cpuprofile writes a CPU profile of the read; -columns projects.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/sluicedata/sluice/readers"
	_ "github.com/sluicedata/sluice/readers/parquet"
	"github.com/sluicedata/sluice/writers"
	_ "github.com/sluicedata/sluice/writers/parquet"
)

func main() {
	csvPath := flag.String("csv", "/tmp/oes_1g.csv", "the CSV table")
	pqPath := flag.String("parquet", "", "the Parquet copy (default: the CSV path with .parquet)")
	convert := flag.Bool("convert", false, "(re)write the Parquet copy from the CSV")
	read := flag.String("read", "", "read csv or parquet and time it")
	columns := flag.String("columns", "", "comma-separated columns to project")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the read")
	flag.Parse()
	if *pqPath == "" {
		*pqPath = strings.TrimSuffix(*csvPath, ".csv") + ".parquet"
	}
	if err := run(*csvPath, *pqPath, *convert, *read, *columns, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "parquetread:", err)
		os.Exit(1)
	}
}

func run(csvPath, pqPath string, convert bool, read, columns, cpuprofile string) error {
	ctx := context.Background()
	if convert {
		t0 := time.Now()
		w, err := writers.Create(pqPath, writers.Options{})
		if err != nil {
			return err
		}
		var rows int64
		for f, err := range readers.Open(ctx, csvPath, readers.Options{}) {
			if err != nil {
				w.Abort()
				return err
			}
			if err := w.Write(f); err != nil {
				w.Abort()
				return err
			}
			rows += int64(f.NumRows())
		}
		if err := w.Close(); err != nil {
			return err
		}
		st, err := os.Stat(pqPath)
		if err != nil {
			return err
		}
		fmt.Printf("parquetread: converted %d rows to %s (%.1f MB) in %v\n", rows, pqPath, float64(st.Size())/1e6, time.Since(t0).Round(time.Millisecond))
	}
	if read == "" {
		return nil
	}
	path := map[string]string{"csv": csvPath, "parquet": pqPath}[read]
	if path == "" {
		return fmt.Errorf("-read %q: want csv or parquet", read)
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	var opt readers.Options
	if columns != "" {
		opt.Columns = strings.Split(columns, ",")
	}
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	t0 := time.Now()
	var rows int64
	var chunks int
	var types string
	for f, err := range readers.Open(ctx, path, opt) {
		if err != nil {
			return err
		}
		if chunks == 0 {
			types = fmt.Sprint(f.Types())
		}
		rows += int64(f.NumRows())
		chunks++
	}
	wall := time.Since(t0)
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	user := time.Duration(ru1.Utime.Nano() - ru0.Utime.Nano())
	sys := time.Duration(ru1.Stime.Nano() - ru0.Stime.Nano())
	fmt.Printf("parquetread: %s %s: %d rows in %d chunks, %.1f MB: wall %v, user %v, sys %v; %.0f MB/s, %.2f M rows/s\n",
		read, path, rows, chunks, float64(st.Size())/1e6, wall.Round(time.Millisecond), user.Round(time.Millisecond), sys.Round(time.Millisecond),
		float64(st.Size())/1e6/wall.Seconds(), float64(rows)/1e6/wall.Seconds())
	fmt.Printf("parquetread: types %s\n", types)
	return nil
}
