package csv_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sluicedata/sluice/readers/internal/csv"
)

// Read streams typed chunks; a value that breaks its column's inferred type
// is an *Error with the line and the 1-based field number.
func ExampleRead() {
	in := "area,emp,wage\nTexas,\"1,200\",21.5\nOhio,*,19\nUtah,x,20\n"
	cfg := csv.Config{Name: "oes.csv", NA: []string{"*"}, SampleRows: 2, ChunkRows: 2}
	for f, err := range csv.Read(context.Background(), strings.NewReader(in), cfg) {
		var pe *csv.Error
		if errors.As(err, &pe) {
			fmt.Printf("line %d, field %d: %q: %v\n", pe.Line, pe.Field, pe.Text, errors.Is(err, csv.ErrType))
			break
		}
		emp, _ := f.Column("emp")
		fmt.Println(f.NumRows(), emp.Type(), emp.Int64(0), emp.IsNull(1))
	}
	// Output:
	// 2 int64 1200 true
	// line 4, field 2: "x": true
}
