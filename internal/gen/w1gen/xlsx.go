package w1gen

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"github.com/sluicedata/sluice/readers"
	"github.com/sluicedata/sluice/writers"
	_ "github.com/sluicedata/sluice/writers/xlsx" // registers .xlsx
)

// WriteOESXLSX writes the OES table of c as dir/oes.xlsx: the same rows as
// oes.csv, numbers stored as numbers and suppressed values (`*`, `#`, `**`)
// as empty cells, the way a BLS workbook opened and re-saved looks.
func WriteOESXLSX(ctx context.Context, dir string, c Config) error {
	var buf bytes.Buffer
	if err := WriteOES(&buf, c); err != nil {
		return err
	}
	w, err := writers.Create(filepath.Join(dir, "oes.xlsx"), writers.Options{Sheet: "oes"})
	if err != nil {
		return err
	}
	opt := readers.Options{NA: []string{"*", "#", "**"}, Thousands: ','}
	for chunk, err := range readers.CSV(ctx, &buf, opt) {
		if err == nil {
			err = w.Write(chunk)
		}
		if err != nil {
			w.Abort()
			return fmt.Errorf("w1gen: oes.xlsx: %w", err)
		}
	}
	return w.Close()
}
