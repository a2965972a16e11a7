// Command gen_xlsx writes an OES-shaped .xlsx benchmark workbook
// (29 columns; see package xlsxgen).
//
//	go run ./bench/gen_xlsx -rows 200000 -o /tmp/oes_200k.xlsx
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/sluicedata/sluice/internal/gen/xlsxgen"
)

func main() {
	rows := flag.Int("rows", 200000, "data rows")
	out := flag.String("o", "/tmp/oes_200k.xlsx", "output file")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	start := time.Now()
	if err := xlsxgen.Write(*out, *rows, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen_xlsx:", err)
		os.Exit(1)
	}
	st, _ := os.Stat(*out)
	fmt.Printf("wrote %s: %d rows × %d columns, %d bytes in %v\n", *out, *rows, len(xlsxgen.Columns), st.Size(), time.Since(start).Round(time.Millisecond))
}
