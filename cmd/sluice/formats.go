package main

// The output and input formats that live in their own packages register
// themselves on import: .xlsx and .parquet outputs (writers.Create and
// writers.New pick them by extension or --format) and NDJSON/JSON and
// Parquet inputs.
import (
	_ "github.com/sluicedata/sluice/readers/json"
	_ "github.com/sluicedata/sluice/readers/parquet"
	_ "github.com/sluicedata/sluice/writers/parquet"
	_ "github.com/sluicedata/sluice/writers/xlsx"
)
