package readers_test

import (
	"context"
	"fmt"
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
