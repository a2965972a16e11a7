package xlsx

import (
	"slices"
	"strconv"
	"testing"
)

// TestColumnNamesRepeated: a header repeating one name across the whole
// grid (16,384 columns) is named a, a_2 … a_16384 in one pass (each repeat
// used to retry every suffix from _2: quadratic), a name the header holds
// itself is skipped, and empty cells are column_N.
func TestColumnNamesRepeated(t *testing.T) {
	h := make([]string, maxCols)
	for i := range h {
		h[i] = "a"
	}
	h[3] = ""
	got := columnNames(h, maxCols)
	if got[0] != "a" || got[1] != "a_2" || got[2] != "a_3" || got[3] != "column_4" || got[4] != "a_4" || got[maxCols-1] != "a_"+strconv.Itoa(maxCols-1) {
		t.Fatalf("got %q … %q", got[:5], got[maxCols-1])
	}
	if n := len(slices.Compact(slices.Sorted(slices.Values(got)))); n != maxCols {
		t.Fatalf("%d distinct names, want %d", n, maxCols)
	}
	if got := columnNames([]string{"x", "x_2", "x", "x"}, 5); !slices.Equal(got, []string{"x", "x_2", "x_3", "x_4", "column_5"}) {
		t.Fatalf("got %q", got)
	}
}
