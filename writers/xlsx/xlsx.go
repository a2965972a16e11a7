// Package xlsx writes Excel .xlsx workbooks for package writers: importing
// it registers the format "xlsx" (extension .xlsx), so writers.Create
// ("out.xlsx", …) and writers.New(w, "xlsx", …) work:
//
//	import _ "github.com/sluicedata/sluice/writers/xlsx"
//
// It lives apart from package writers so that programs writing only CSV or
// JSON do not compile excelize.
//
// Workbooks are written with excelize's StreamWriter. Numbers are stored as
// numbers (Int64 and Float64 alike; Excel holds every number as a double, so
// integers beyond 2^53 lose digits), booleans as booleans, strings as
// strings, dates and datetimes as dated numbers with Excel's built-in
// formats 14 and 22 (m/d/yyyy and m/d/yyyy h:mm in an English locale), nulls
// as empty cells. Options.Sheet names the sheet
// ("Sheet1" by default); a sheet that reaches Excel's 1,048,576-row limit is
// continued in a new sheet ("Sheet1 (2)", …) that repeats the header, and
// Options.OnNewSheet is told. Options.NoHeader omits the header row.
//
// A sheet is also continued in a new one before its XML reaches 4 GiB (a
// very wide sheet), as a larger ZIP entry needs ZIP64 headers that Excel
// checks strictly.
//
// The workbook is assembled by excelize (rows are streamed to a temporary
// file it manages) and written out by Close straight to the output: memory
// stays at excelize's 16 MiB stream buffer whatever the workbook's size
// (excelize's own File.Write builds the whole file in memory first).
package xlsx

import (
	"archive/zip"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/writers"
	"github.com/xuri/excelize/v2"
)

func init() {
	writers.Register(writers.Format{Name: "xlsx", Exts: []string{".xlsx"}, New: func(w io.Writer, opt writers.Options) (writers.Encoder, error) {
		return NewEncoder(w, opt)
	}})
}

// MaxRows is Excel's row limit per worksheet (header included).
const MaxRows = 1_048_576

// maxSheetRows is MaxRows; tests lower it to exercise sheet splitting.
var maxSheetRows = MaxRows

// maxSheetBytes bounds the estimated XML of one sheet (see cellBytes) below
// 4 GiB, the ZIP entry size past which ZIP64 headers are needed; tests lower
// it.
var maxSheetBytes int64 = 1<<32 - 64<<20

// Encoder streams frames into an .xlsx workbook written to an io.Writer by
// Close; see the package doc. It implements writers.Encoder, so
// writers.Create and writers.New use it; it assumes, as they check, that
// every chunk has the first chunk's schema.
type Encoder struct {
	w         io.Writer
	file      *excelize.File
	sw        *excelize.StreamWriter
	opt       writers.Options
	base      string
	sheetNo   int
	sheetRow  int   // rows used in the current sheet (header included)
	sheetXML  int64 // estimated XML bytes of the current sheet
	names     []string
	dateStyle int
	timeStyle int
	rows      int64
	sheets    []string
}

// NewEncoder returns an encoder writing a workbook to w with opt's Sheet,
// OnNewSheet and NoHeader.
func NewEncoder(w io.Writer, opt writers.Options) (*Encoder, error) {
	f := excelize.NewFile()
	// excelize hands its ZIP writer an in-memory buffer holding the whole
	// file; write the archive to w instead, entry by entry.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	xw := &Encoder{w: w, file: f, opt: opt, base: opt.Sheet}
	if xw.base == "" {
		xw.base = "Sheet1"
	}
	var err error
	if xw.base != "Sheet1" {
		if err := f.SetSheetName("Sheet1", xw.base); err != nil {
			f.Close()
			return nil, fmt.Errorf("xlsx: sheet %q: %w", xw.base, err)
		}
	}
	if xw.dateStyle, err = f.NewStyle(&excelize.Style{NumFmt: 14}); err == nil {
		xw.timeStyle, err = f.NewStyle(&excelize.Style{NumFmt: 22})
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	return xw, nil
}

// Sheets returns the names of the sheets written so far.
func (xw *Encoder) Sheets() []string { return append([]string(nil), xw.sheets...) }

// Rows returns the number of data rows written so far.
func (xw *Encoder) Rows() int64 { return xw.rows }

func (xw *Encoder) startSheet() error {
	xw.sheetNo++
	name := xw.base
	if xw.sheetNo > 1 {
		name = fmt.Sprintf("%s (%d)", xw.base, xw.sheetNo)
		if _, err := xw.file.NewSheet(name); err != nil {
			return err
		}
		if xw.opt.OnNewSheet != nil {
			xw.opt.OnNewSheet(name, xw.rows)
		}
	}
	if xw.sw != nil {
		if err := xw.sw.Flush(); err != nil {
			return err
		}
	}
	sw, err := xw.file.NewStreamWriter(name)
	if err != nil {
		return err
	}
	xw.sw, xw.sheetRow, xw.sheetXML = sw, 0, 0
	xw.sheets = append(xw.sheets, name)
	if !xw.opt.NoHeader {
		row := make([]any, len(xw.names))
		for i, n := range xw.names {
			row[i] = n
		}
		if err := xw.sw.SetRow("A1", row); err != nil {
			return err
		}
		xw.sheetRow = 1
	}
	return nil
}

// Write implements writers.Encoder.
func (xw *Encoder) Write(chunk *frame.Frame) error {
	if xw.names == nil {
		xw.names = chunk.Names()
		if err := xw.startSheet(); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	cols := chunk.Columns()
	row := make([]any, len(cols))
	for r := 0; r < chunk.NumRows(); r++ {
		est := int64(rowBytes)
		for k, c := range cols {
			row[k] = xw.cell(c, r)
			est += cellBytes(row[k])
		}
		if xw.sheetRow >= maxSheetRows || xw.sheetXML+est > maxSheetBytes && xw.sheetRow > 1 {
			if err := xw.startSheet(); err != nil {
				return fmt.Errorf("xlsx: %w", err)
			}
		}
		xw.sheetXML += est
		cell, _ := excelize.CoordinatesToCellName(1, xw.sheetRow+1)
		if err := xw.sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("xlsx: row %d: %w", xw.rows+1, err)
		}
		xw.sheetRow++
		xw.rows++
	}
	return nil
}

// rowBytes bounds the XML of a row element, cellBytes of a cell in it:
// <c r="XFD1048576" s="…" t="…"><v>…</v></c>, its text escaped.
const rowBytes = 40

func cellBytes(v any) int64 {
	s, ok := v.(string)
	if !ok {
		return 64 // a number, boolean or dated number, with its tags
	}
	n := int64(len(s)) + 48
	if strings.ContainsAny(s, "&<>\"'\t\n\r") {
		// An escaped byte becomes at most 6 (&quot;, &#xA;).
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '&', '<', '>', '"', '\'', '\t', '\n', '\r':
				n += 5
			}
		}
	}
	return n
}

func (xw *Encoder) cell(c *frame.Column, i int) any {
	if c.IsNull(i) {
		return nil
	}
	switch c.Type() {
	case frame.Int64:
		return c.Int64(i)
	case frame.Float64:
		return c.Float64(i)
	case frame.Bool:
		return c.Bool(i)
	case frame.String:
		return c.Str(i)
	case frame.Date:
		return excelize.Cell{StyleID: xw.dateStyle, Value: time.Unix(c.Int64(i)*86400, 0).UTC()}
	case frame.Datetime:
		return excelize.Cell{StyleID: xw.timeStyle, Value: time.Unix(0, c.Int64(i)).UTC()}
	}
	return nil
}

// Abort releases excelize's temporary files without writing the workbook.
func (xw *Encoder) Abort() { xw.file.Close() }

// Close implements writers.Encoder: it writes the workbook to w (an empty
// sheet when no chunk came) and releases excelize's temporary files.
func (xw *Encoder) Close() error {
	fail := func(err error) error {
		xw.file.Close()
		return fmt.Errorf("xlsx: %w", err)
	}
	if xw.sw == nil { // no chunk: an empty sheet
		sw, err := xw.file.NewStreamWriter(xw.base)
		if err != nil {
			return fail(err)
		}
		xw.sw = sw
	}
	if err := xw.sw.Flush(); err != nil {
		return fail(err)
	}
	// The archive goes to xw.w through the ZIP writer set in NewEncoder;
	// excelize's buffer, copied to xw.w after it, stays empty.
	if _, err := xw.file.WriteTo(xw.w); err != nil {
		return fail(err)
	}
	if err := xw.file.Close(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}
