package xlsx

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluicedata/sluice/internal/gen/xlsxgen"
	"github.com/sluicedata/sluice/readers"
	"github.com/xuri/excelize/v2"
)

// benchFile is the workbook the benchmarks read: $SLUICE_XLSX_BENCH (e.g.
// /tmp/oes_200k.xlsx from `go run ./bench/gen_xlsx`), or else a small
// generated one (5,000 rows).
func benchFile(b *testing.B) (string, int) {
	if p := os.Getenv("SLUICE_XLSX_BENCH"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p, 0
		}
		b.Skipf("SLUICE_XLSX_BENCH=%s does not exist", p)
	}
	p := filepath.Join(b.TempDir(), "oes.xlsx")
	if err := xlsxgen.Write(p, 5000, 1); err != nil {
		b.Fatal(err)
	}
	return p, 5001
}

func countCells(b *testing.B, path string, opt readers.Options) int64 {
	var cells int64
	for f, err := range Read(context.Background(), path, opt) {
		if err != nil {
			b.Fatal(err)
		}
		cells += int64(f.NumRows() * f.NumCols())
	}
	return cells
}

// BenchmarkReadTyped reads the whole sheet into typed columns.
func BenchmarkReadTyped(b *testing.B) {
	path, _ := benchFile(b)
	opt := readers.Options{NA: []string{"*", "#", "**"}}
	b.ReportAllocs()
	var cells int64
	for b.Loop() {
		cells = countCells(b, path, opt)
	}
	b.ReportMetric(float64(cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkReadRaw reads the whole sheet as cell text.
func BenchmarkReadRaw(b *testing.B) {
	path, _ := benchFile(b)
	b.ReportAllocs()
	var cells int64
	for b.Loop() {
		cells = countCells(b, path, readers.Options{Raw: true})
	}
	b.ReportMetric(float64(cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}

// BenchmarkExcelizeRows is the comparison: excelize's own streaming row
// iterator over the same file (strings only, no typing).
func BenchmarkExcelizeRows(b *testing.B) {
	path, _ := benchFile(b)
	b.ReportAllocs()
	var cells int64
	for b.Loop() {
		cells = 0
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows(f.GetSheetList()[0])
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			cols, err := rows.Columns()
			if err != nil {
				b.Fatal(err)
			}
			cells += int64(len(cols))
		}
		rows.Close()
		f.Close()
	}
	b.ReportMetric(float64(cells)*float64(b.N)/b.Elapsed().Seconds(), "cells/s")
}
