package xlsx

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
)

// countdownCtx is cancelled by its own n-th call to Err: it shows that a
// read checks its context regularly, without timing anything.
type countdownCtx struct {
	context.Context
	n atomic.Int64
}

func (c *countdownCtx) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// hugeGrid is a tiny workbook whose dimension claims XFD1048576 and whose
// cells really span it: a header in A1 and a value in XFD1048576, so the
// grid is 1,048,575 rows by 16,384 columns, nearly all empty.
func hugeGrid(t testing.TB) []byte {
	return buildZip(t, bookMembers([]byte(`<worksheet><dimension ref="A1:XFD1048576"/><sheetData>`+
		`<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>`+
		`<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>`), nil))
}

// TestDeclaredDimension: a dimension claiming the whole grid allocates
// nothing by itself; only the cells read count.
func TestDeclaredDimension(t *testing.T) {
	data := buildZip(t, bookMembers([]byte(`<worksheet><dimension ref="A1:XFD1048576"/><sheetData>`+
		`<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>`+
		`<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2.5</v></c></row>`+
		`<row r="3"><c r="A3"><v>3</v></c></row></sheetData></worksheet>`), nil))
	var f *frame.Frame
	var err error
	heap := allocated(func() { f, err = readBytes(context.Background(), data, "dim.xlsx", readers.Options{}, defaultLimits()) })
	if err != nil {
		t.Fatal(err)
	}
	if f.NumRows() != 2 || f.NumCols() != 2 || f.MustColumn("b").Float64(0) != 2.5 {
		t.Errorf("read %d×%d %v", f.NumRows(), f.NumCols(), f.Types())
	}
	if heap > 4<<20 {
		t.Errorf("allocated %s for a 2×2 sheet", sizeText(heap))
	}
}

// TestHugeGrid: a sheet that really spans XFD1048576 streams in chunks of
// at most maxChunkCells cells, and cancellation stops it: checked between
// chunks and every ctxEvery cells within one.
func TestHugeGrid(t *testing.T) {
	data := hugeGrid(t)
	read := func(ctx context.Context, chunks int) (got []*frame.Frame, heap uint64, err error) {
		heap = allocated(func() {
			readAt(ctx, bytesReader(data), int64(len(data)), "grid.xlsx", readers.Options{}, defaultLimits(), func(f *frame.Frame, e error) bool {
				if e != nil {
					err = e
					return false
				}
				got = append(got, f)
				return len(got) < chunks
			})
		})
		return
	}

	t.Run("first chunk", func(t *testing.T) {
		got, heap, err := read(context.Background(), 1)
		if err != nil || len(got) != 1 {
			t.Fatalf("%d chunks, %v", len(got), err)
		}
		f := got[0]
		if f.NumCols() != maxCols || f.NumRows()*f.NumCols() > maxChunkCells || f.NumRows() < 1 {
			t.Errorf("first chunk is %d×%d, want %d columns and at most %d cells", f.NumRows(), f.NumCols(), maxCols, maxChunkCells)
		}
		if f.NumRows() > 0 && !f.ColumnAt(maxCols-1).IsNull(0) {
			t.Errorf("row 2 should be empty")
		}
		t.Logf("first chunk %d×%d, allocated %s", f.NumRows(), f.NumCols(), sizeText(heap))
		if heap > 256<<20 {
			t.Errorf("allocated %s for one chunk", sizeText(heap))
		}
	})

	t.Run("cancelled between chunks", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var got []*frame.Frame
		var err error
		readAt(ctx, bytesReader(data), int64(len(data)), "grid.xlsx", readers.Options{}, defaultLimits(), func(f *frame.Frame, e error) bool {
			if e != nil {
				err = e
				return false
			}
			got = append(got, f)
			cancel()
			return true
		})
		if len(got) != 1 || !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "xlsx: grid.xlsx: ") {
			t.Errorf("after cancelling at chunk 1: %d chunks, %v", len(got), err)
		}
	})

	t.Run("cancelled within a chunk", func(t *testing.T) {
		// a chunk is maxChunkCells/ctxEvery = 64 checks long: cancelling at
		// the 20th check of the read stops it before the first chunk
		ctx := &countdownCtx{Context: context.Background()}
		ctx.n.Store(20)
		got, heap, err := read(ctx, 1<<30)
		if len(got) != 0 || !errors.Is(err, context.Canceled) {
			t.Errorf("%d chunks, %v", len(got), err)
		}
		if heap > 256<<20 {
			t.Errorf("allocated %s", sizeText(heap))
		}
	})
}

// TestGridLimits: cells and rows beyond Excel's grid are malformed, and
// repeated cells cannot grow a row without bound.
func TestGridLimits(t *testing.T) {
	head := `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>`
	tail := `</sheetData></worksheet>`
	for _, c := range []struct{ name, rows, want string }{
		{"column past XFD", `<row r="2"><c r="XFE2"><v>1</v></c></row>`, `sheet "Sheet1": cell XFE2 is beyond Excel's last column XFD`},
		{"row past the last", `<row r="1048577"><c r="A1048577"><v>1</v></c></row>`, `sheet "Sheet1": row 1048577 is beyond Excel's last row 1048576`},
		{"unreferenced cells past XFD", `<row r="2">` + strings.Repeat(`<c><v>1</v></c>`, maxCols+1) + `</row>`, `cell XFE2 is beyond Excel's last column XFD`},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := buildZip(t, bookMembers([]byte(head+c.rows+tail), nil))
			_, err := readBytes(context.Background(), data, "grid.xlsx", readers.Options{}, defaultLimits())
			checkOneLine(t, err, readers.ErrFormat, "xlsx: grid.xlsx: ", c.want)
		})
	}
	t.Run("repeated cells", func(t *testing.T) {
		data := buildZip(t, bookMembers([]byte(head+`<row r="2">`+strings.Repeat(`<c r="A2"><v>1</v></c>`, 200_000)+`<c r="A2"><v>7</v></c></row>`+tail), nil))
		var f *frame.Frame
		var err error
		heap := allocated(func() {
			f, err = readBytes(context.Background(), data, "grid.xlsx", readers.Options{}, defaultLimits())
		})
		if err != nil {
			t.Fatal(err)
		}
		if f.NumRows() != 1 || f.NumCols() != 1 || f.ColumnAt(0).Int64(0) != 7 {
			t.Errorf("read %d×%d", f.NumRows(), f.NumCols())
		}
		if heap > 16<<20 {
			t.Errorf("allocated %s", sizeText(heap))
		}
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
