package writers_test

import (
	"fmt"
	"math"
	"os"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
)

func exampleFrame() *frame.Frame {
	return frame.Must(frame.New(
		frame.MustColumn(frame.NewInt64("id", []int64{1, 2}, nil)),
		frame.NewFloat64("amount", []float64{129600000, math.NaN()}),
		frame.MustColumn(frame.NewBool("ok", []bool{true, false}, nil)),
		frame.MustColumn(frame.NewString("city", []string{"Austin, TX", "Zürich"}, nil)),
		frame.MustColumn(frame.NewDate("day", []int64{19753, 19754}, nil)),
	))
}

// ExampleNew writes a frame to standard output as CSV, then as NDJSON.
func ExampleNew() {
	for _, format := range []string{"csv", "ndjson"} {
		w, err := writers.New(os.Stdout, format, writers.Options{})
		if err != nil {
			fmt.Println(err)
			return
		}
		if err := w.Write(exampleFrame()); err != nil {
			w.Abort()
			fmt.Println(err)
			return
		}
		if err := w.Close(); err != nil {
			fmt.Println(err)
		}
	}
	// Output:
	// id,amount,ok,city,day
	// 1,129600000,true,"Austin, TX",2024-01-31
	// 2,,false,Zürich,2024-02-01
	// {"id":1,"amount":129600000,"ok":true,"city":"Austin, TX","day":"2024-01-31"}
	// {"id":2,"amount":null,"ok":false,"city":"Zürich","day":"2024-02-01"}
}

// ExampleNew_boolFormat spells booleans the way a spreadsheet does.
func ExampleNew_boolFormat() {
	w, _ := writers.New(os.Stdout, "tsv", writers.Options{BoolFormat: "TRUE"})
	w.Write(exampleFrame())
	w.Close()
	// Output:
	// id	amount	ok	city	day
	// 1	129600000	TRUE	Austin, TX	2024-01-31
	// 2		FALSE	Zürich	2024-02-01
}

// ExampleCreate writes a file atomically: nothing appears at the path until
// Close succeeds.
func ExampleCreate() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := dir + "/out.json"
	w, err := writers.Create(path, writers.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := w.Write(exampleFrame().Head(1)); err != nil {
		w.Abort()
		fmt.Println(err)
		return
	}
	_, err = os.Stat(path)
	fmt.Println("exists before Close:", err == nil)
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := os.ReadFile(path)
	fmt.Print(string(b))
	// Output:
	// exists before Close: false
	// [
	// {"id":1,"amount":129600000,"ok":true,"city":"Austin, TX","day":"2024-01-31"}
	// ]
}

// ExampleFormats lists the formats a program can write: the core ones, plus
// xlsx and parquet when their packages are imported.
func ExampleFormats() {
	for _, f := range writers.Formats() {
		fmt.Println(f.Name, f.Exts)
	}
	// Output:
	// csv [.csv .txt]
	// json [.json]
	// ndjson [.ndjson .jsonl]
	// tsv [.tsv .tab]
}
