package xlsx

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
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

// TestMissingColumnOneLine: Options.Types or Options.Columns naming a
// column a 3,000-column sheet lacks fails (Types used to be ignored) in one
// short line naming the file, the sheet, the option and the closest names
// — not all 3,000 — and wraps both ErrNoColumn sentinels.
func TestMissingColumnOneLine(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString(`<worksheet><sheetData><row r="1">`)
	for i := range 3000 {
		sheet.WriteString(`<c t="inlineStr"><is><t>col_` + strconv.Itoa(i) + `</t></is></c>`)
	}
	sheet.WriteString(`<c t="inlineStr"><is><t>a_mean</t></is></c></row><row r="2"><c><v>1</v></c></row></sheetData></worksheet>`)
	data := buildZip(t, bookMembers([]byte(sheet.String()), nil))
	for _, c := range []struct {
		opt  readers.Options
		want string
	}{
		{readers.Options{Types: map[string]frame.Type{"a_men": frame.Float64}}, `xlsx: wide.xlsx: sheet "Sheet1": Options.Types names column "a_men", which the input lacks (did you mean "a_mean"?)`},
		{readers.Options{Columns: []string{"A_MEAN"}}, `xlsx: wide.xlsx: sheet "Sheet1": Options.Columns names column "A_MEAN", which the input lacks (did you mean "a_mean"`},
		{readers.Options{Columns: []string{"zzz_unrelated"}}, `which the input lacks (it has 3001 columns, from "col_0" to "a_mean")`},
	} {
		_, err := readBytes(context.Background(), data, "wide.xlsx", c.opt, defaultLimits())
		if !errors.Is(err, ErrNoColumn) || !errors.Is(err, readers.ErrNoColumn) || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 250 || strings.Contains(err.Error(), "\n") {
			t.Errorf("%+v:\n%v\nwant %q", c.opt, err, c.want)
		}
	}
}
