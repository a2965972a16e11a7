package parquet

import (
	"strconv"
	"testing"
)

// TestUniqueNamesRepeated: 100,000 columns all named "a" get a, a_2 …
// a_100000 in one pass (each repeat used to retry every suffix from _2:
// quadratic); an empty name is column_N.
func TestUniqueNamesRepeated(t *testing.T) {
	const n = 100000
	cols := make([]*column, n)
	for i := range cols {
		cols[i] = &column{pqName: "a"}
	}
	cols[1].pqName = ""
	uniqueNames(cols)
	seen := map[string]bool{}
	for _, c := range cols {
		if seen[c.name] {
			t.Fatalf("name %q twice", c.name)
		}
		seen[c.name] = true
	}
	if cols[0].name != "a" || cols[1].name != "column_2" || cols[2].name != "a_2" || cols[n-1].name != "a_"+strconv.Itoa(n-1) {
		t.Fatalf("got %q %q %q … %q", cols[0].name, cols[1].name, cols[2].name, cols[n-1].name)
	}
}
