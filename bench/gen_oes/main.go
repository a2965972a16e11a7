// Command gen_oes writes a synthetic OES-shaped CSV (see package oesgen):
//
//	go run ./bench/gen_oes -size 1GB -out /tmp/oes_1g.csv
//	go run ./bench/gen_oes -rows 100000 -out /tmp/oes_100k.csv
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/internal/gen/oesgen"
)

func main() {
	rows := flag.Int("rows", 0, "data rows to write")
	size := flag.String("size", "", "approximate output size instead of -rows (e.g. 100MB, 1GB)")
	out := flag.String("out", "", "output file (default stdout)")
	seed := flag.Uint64("seed", 1, "random seed (output is deterministic for a seed)")
	flag.Parse()
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	var err error
	switch {
	case *size != "":
		var n int64
		n, err = parseSize(*size)
		if err == nil {
			_, err = oesgen.WriteSize(w, n, *seed)
		}
	case *rows > 0:
		err = oesgen.Write(w, *rows, *seed)
	default:
		err = fmt.Errorf("give -rows N or -size 1GB")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_oes:", err)
		os.Exit(1)
	}
}

func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range []struct {
		suf string
		m   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(u, x.suf) {
			mult = x.m
			u = strings.TrimSuffix(u, x.suf)
			break
		}
	}
	f, err := strconv.ParseFloat(u, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(f * float64(mult)), nil
}
