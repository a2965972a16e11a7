package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"strconv"
	"strings"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// ErrNoColumn is wrapped by the error for an Options.Columns name that the
// sheet does not have.
var ErrNoColumn = errors.New("no such column")

// Read streams one worksheet of the .xlsx file at path as typed frames of
// opt.ChunkRowsOrDefault() rows (the last chunk may be shorter; sheets wider
// than 64 columns get chunks of at most 4,194,304 cells). Errors are
// yielded once, with a nil frame, and end the stream. See the package
// documentation for sheet selection, cell text and typing rules.
func Read(ctx context.Context, path string, opt readers.Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		f, size, err := openFile(path)
		if err != nil {
			yield(nil, err)
			return
		}
		defer f.Close()
		readAt(ctx, f, size, path, opt, defaultLimits(), yield)
	}
}

// ReadReaderAt is Read for a workbook held in r (size bytes); name is used
// in errors.
func ReadReaderAt(ctx context.Context, r io.ReaderAt, size int64, name string, opt readers.Options) iter.Seq2[*frame.Frame, error] {
	return func(yield func(*frame.Frame, error) bool) {
		readAt(ctx, r, size, name, opt, defaultLimits(), yield)
	}
}

// Sheets lists the sheets of the workbook at path in workbook order, chart
// sheets included (Kind tells them apart).
func Sheets(path string) ([]SheetInfo, error) {
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return SheetsReaderAt(f, size, path)
}

// SheetsReaderAt is Sheets for a workbook held in r.
func SheetsReaderAt(r io.ReaderAt, size int64, name string) ([]SheetInfo, error) {
	wb, err := openWorkbook(context.Background(), r, size, name, defaultLimits())
	if err != nil {
		return nil, err
	}
	return append([]SheetInfo(nil), wb.sheets...), nil
}

func openFile(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("xlsx: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("xlsx: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, 0, fmt.Errorf("xlsx: %s is a directory: %w", path, readers.ErrFormat)
	}
	if st.Size() == 0 {
		f.Close()
		return nil, 0, fmt.Errorf("xlsx: %s: empty file: %w", path, readers.ErrEmpty)
	}
	return f, st.Size(), nil
}

// selectSheet resolves Options.Sheet: a sheet name (exact match first), or
// else a 1-based sheet number in workbook order.
func (wb *workbook) selectSheet(sel string) (SheetInfo, error) {
	names := make([]string, 0, len(wb.sheets))
	for _, s := range wb.sheets {
		if s.Kind == "worksheet" {
			names = append(names, strconv.Quote(s.Name))
		}
	}
	if sel == "" {
		for _, s := range wb.sheets {
			if s.Kind == "worksheet" && s.State == "visible" {
				return s, nil
			}
		}
		for _, s := range wb.sheets {
			if s.Kind == "worksheet" {
				return s, nil
			}
		}
		return SheetInfo{}, fmt.Errorf("xlsx: %s: the workbook has no worksheet: %w", wb.name, readers.ErrNoSheet)
	}
	pick := -1
	for i, s := range wb.sheets {
		if s.Name == sel {
			pick = i
			break
		}
	}
	if pick < 0 {
		if n, err := strconv.Atoi(strings.TrimSpace(sel)); err == nil {
			switch {
			case n < 1:
				return SheetInfo{}, fmt.Errorf("xlsx: %s: sheet %q: sheets are numbered from 1 (worksheets: %s): %w",
					wb.name, sel, strings.Join(names, ", "), readers.ErrNoSheet)
			case n > len(wb.sheets):
				return SheetInfo{}, fmt.Errorf("xlsx: %s: sheet %d: the workbook has %d sheet(s) (worksheets: %s): %w",
					wb.name, n, len(wb.sheets), strings.Join(names, ", "), readers.ErrNoSheet)
			}
			pick = n - 1
		}
	}
	if pick < 0 {
		return SheetInfo{}, fmt.Errorf("xlsx: %s: sheet %q not found (worksheets: %s): %w",
			wb.name, sel, strings.Join(names, ", "), readers.ErrNoSheet)
	}
	s := wb.sheets[pick]
	if s.Kind != "worksheet" {
		return SheetInfo{}, fmt.Errorf("xlsx: %s: sheet %q is a %s, %v (worksheets: %s): %w",
			wb.name, s.Name, s.Kind, errNoWorksheet, strings.Join(names, ", "), readers.ErrNoSheet)
	}
	if s.part == "" || wb.file(s.part) == nil {
		return SheetInfo{}, formatErr(wb.name, "sheet %q has no worksheet part", s.Name)
	}
	return s, nil
}

// readAt reads one worksheet under the given limits (tests lower them).
func readAt(ctx context.Context, r io.ReaderAt, size int64, name string, opt readers.Options, lim limits, yield func(*frame.Frame, error) bool) {
	wb, err := openWorkbook(ctx, r, size, name, lim)
	if err != nil {
		yield(nil, err)
		return
	}
	sh, err := wb.selectSheet(opt.Sheet)
	if err != nil {
		yield(nil, err)
		return
	}
	sst, err := wb.sharedStrings()
	if err != nil {
		yield(nil, err)
		return
	}
	rc, err := wb.openPart(sh.part, partSheet)
	if err != nil {
		yield(nil, err)
		return
	}
	defer rc.Close()
	f := wb.file(sh.part)
	sr := &sheetReader{
		ctx: ctx, wb: wb, sst: sst, sheet: sh, opt: opt,
		sc: newScanner(rc, int64(f.UncompressedSize64)),
	}
	sr.run(yield)
}
