package json_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/readers"
	rjson "github.com/sluicedata/sluice/readers/json"
)

// ExampleRead reads NDJSON: columns are the union of the keys, types are
// inferred, nested values are kept as JSON text.
func ExampleRead() {
	in := `{"id": 1, "zip": "01001", "price": 9.5, "day": "2024-01-31", "tags": ["a", "b"]}
{"id": 2, "zip": "94103", "price": 12, "day": "2024-02-01", "ok": true}
`
	for f, err := range rjson.Read(context.Background(), strings.NewReader(in), readers.Options{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f)
	}
	// Output:
	// shape: (2, 6)
	// ┌───────┬────────┬─────────┬────────────┬───────────┬──────┐
	// │ id    │ zip    │ price   │ day        │ tags      │ ok   │
	// │ int64 │ string │ float64 │ date       │ string    │ bool │
	// ╞═══════╪════════╪═════════╪════════════╪═══════════╪══════╡
	// │     1 │ 01001  │     9.5 │ 2024-01-31 │ ["a","b"] │ null │
	// │     2 │ 94103  │      12 │ 2024-02-01 │ null      │ true │
	// └───────┴────────┴─────────┴────────────┴───────────┴──────┘
}

// ExampleRead_array reads a JSON array element by element; errors name the
// element and the key.
func ExampleRead_array() {
	in := `[{"a": 1}, {"a": 2}, {"a": "three"}]`
	_, err := readers.ReadAll(rjson.Read(context.Background(), strings.NewReader(in), readers.Options{SampleRows: 2}))
	fmt.Println(err)
	// Output:
	// <input>: element [2]: key "a": string value, column type int64: value does not fit the column type (text "three")
}
