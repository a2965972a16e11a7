package gotaconv

import (
	"context"

	"github.com/go-gota/gota/dataframe"
	"github.com/sluicedata/sluice/readers"
)

// ReadGota reads a whole CSV/TSV/.xlsx file (any format readers.Open knows;
// import readers/xlsx for .xlsx) with sluice's readers — typed, NA-aware,
// thousands-aware — and returns it as a gota dataframe. It is the drop-in for
// gota's dataframe.ReadCSV: the parse runs on every core, and only the result
// is boxed into gota's elements.
func ReadGota(ctx context.Context, path string, opt readers.Options) (dataframe.DataFrame, error) {
	f, err := readers.ReadFile(ctx, path, opt)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	return ToGota(f)
}
