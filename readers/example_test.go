package readers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sluicedata/sluice/readers"
)

func ExampleCSV() {
	in := `occ_code,occ_title,tot_emp,h_mean
00-0000,All Occupations,"132,588,810",22.33
11-1011,Chief Executives,"248,760",*
11-2011,Advertising Managers,"30,420",#
`
	opt := readers.Options{NA: []string{"*", "#", "**"}, ChunkRows: 2}
	for f, err := range readers.CSV(context.Background(), strings.NewReader(in), opt) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(f.NumRows(), "rows:", f.Types())
	}
	// Output:
	// 2 rows: [string string int64 float64]
	// 1 rows: [string string int64 float64]
}

func ExampleReadAll() {
	in := "id;name;score\n1;Ann;3,5\n2;Bob;4\n"
	f, err := readers.ReadAll(readers.CSV(context.Background(), strings.NewReader(in), readers.Options{DecimalComma: true}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names(), f.Types())
	fmt.Println(f.MustColumn("score").Float64(0), f.MustColumn("name").Str(1))
	// Output:
	// [id name score] [int64 string float64]
	// 3.5 Bob
}

// A String column whose values repeat is read dictionary-encoded: the same
// values, each distinct one stored once. Options.NoDict reads it plain.
func ExampleOptions_noDict() {
	var sb strings.Builder
	sb.WriteString("state,n\n")
	states := []string{"Alabama", "Alaska", "Arizona"}
	for i := range 300 {
		fmt.Fprintf(&sb, "%s,%d\n", states[i%3], i)
	}
	for _, opt := range []readers.Options{{}, {NoDict: true}} {
		f, err := readers.ReadAll(readers.CSV(context.Background(), strings.NewReader(sb.String()), opt))
		if err != nil {
			fmt.Println(err)
			return
		}
		st := f.MustColumn("state")
		dict, _ := st.Dictionary()
		entries := 0
		if dict != nil {
			entries = dict.Len()
		}
		fmt.Printf("NoDict %v: encoded %v, %d entries, row 4 %s\n", opt.NoDict, st.IsDict(), entries, st.Str(4))
	}
	// Output:
	// NoDict false: encoded true, 3 entries, row 4 Alaska
	// NoDict true: encoded false, 0 entries, row 4 Alaska
}

// Ragged records keep every field with RaggedExtend: the widest record's
// extra field becomes column_4, null where a record lacks it.
func ExampleRaggedPolicy_extend() {
	in := "a,b,c\n1,2,3\n4,5\n6,7,8,9\n"
	f, err := readers.ReadAll(readers.CSV(context.Background(), strings.NewReader(in), readers.Options{Ragged: readers.RaggedExtend}))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names())
	for i := range f.NumRows() {
		var row []any
		for _, c := range f.Columns() {
			row = append(row, c.Value(i))
		}
		fmt.Println(row)
	}
	// Output:
	// [a b c column_4]
	// [1 2 3 <nil>]
	// [4 5 <nil> <nil>]
	// [6 7 8 9]
}

// Title rows above the header are skipped (SkipRows counts physical lines
// from the top), and so are comment lines.
func ExampleOptions_dialect() {
	in := "Occupational Employment, May 2023\n# exported 2024-05-01\narea,emp\nUS,\"132,588,810\"\n"
	opt := readers.Options{Comment: "#", SkipRows: 1}
	f, err := readers.ReadAll(readers.CSV(context.Background(), strings.NewReader(in), opt))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Names(), f.Types(), f.MustColumn("emp").Int64(0))
	// Output:
	// [area emp] [string int64] 132588810
}

// Infer says why a column that is almost numeric is text, and which NA
// tokens would fix it.
func ExampleInfer() {
	var sb strings.Builder
	sb.WriteString("occ,a_mean,naics\n")
	for i := range 200 {
		mean := fmt.Sprint(30000 + i)
		if i%20 == 3 {
			mean = "*"
		}
		if i == 50 {
			mean = "#"
		}
		fmt.Fprintf(&sb, "o%d,%s,%06d\n", i, mean, i%2*111000)
	}
	path := filepath.Join(os.TempDir(), "readers-example-infer.csv")
	defer os.Remove(path)
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	cols, err := readers.Infer(context.Background(), path, readers.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range cols[1:] {
		fmt.Println(c.Name, c.Type, c.SuggestNA())
		if e := c.Explain(); e != "" {
			fmt.Println(" ", e)
		}
	}
	// Output:
	// a_mean string [* #]
	//   94.5% numbers; not numbers: '*' ×10 (line 5), '#' ×1 (line 52) → NA tokens *, # (or NAAuto)
	// naics string []
	//   50.0% numbers; not numbers: '000000' ×100 (line 2, leading zero)
}

// ReadFile reads a whole file into one frame with little more memory than
// the frame.
func ExampleReadFile() {
	path := filepath.Join(os.TempDir(), "readers-example-readfile.csv")
	defer os.Remove(path)
	if err := os.WriteFile(path, []byte("id,score\n1,2.5\n2,*\n"), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	f, err := readers.ReadFile(context.Background(), path, readers.Options{NAAuto: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Types(), f.MustColumn("score").NullCount())
	// Output:
	// [int64 float64] 1
}
