package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/sluicedata/sluice/readers"
)

// Size limits on the uncompressed parts of a workbook. A part whose declared or
// actual uncompressed size exceeds its limit gives an error wrapping
// readers.ErrTooLarge (a guard against zip bombs as much as against memory use).
// They are variables so that a program (or a test) can change them before
// reading; they are not safe to change while reads are running.
var (
	// MaxSheetBytes bounds one worksheet's XML. Worksheets are streamed, never
	// held whole in memory; the default (16 GiB) equals excelize's default
	// UnzipSizeLimit for a whole workbook.
	MaxSheetBytes int64 = 16 << 30
	// MaxSharedStringsBytes bounds xl/sharedStrings.xml, which is loaded whole
	// (then kept as one byte arena plus offsets). Default 2 GiB.
	MaxSharedStringsBytes int64 = 2 << 30
	// MaxMetaBytes bounds every other part read (workbook.xml, relationships,
	// styles.xml). Default 256 MiB.
	MaxMetaBytes int64 = 256 << 20
)

// SheetInfo describes one sheet of a workbook, in workbook order.
type SheetInfo struct {
	// Name is the sheet's tab name.
	Name string
	// State is "visible", "hidden" or "veryHidden".
	State string
	// Number is the 1-based position in workbook order (chart sheets
	// included); Options.Sheet may select a sheet by this number ("1" is
	// the first sheet).
	Number int
	// Kind is "worksheet", or "chartsheet", "dialogsheet", "macrosheet" for
	// sheets that hold no cell grid (they cannot be read).
	Kind string

	part string // zip entry name of the sheet XML
}

// workbook is the structure of an opened .xlsx: everything but the cells.
type workbook struct {
	name     string // file name for errors
	zr       *zip.Reader
	files    map[string]*zip.File // lower-cased, slash-normalised name → entry
	sheets   []SheetInfo
	date1904 bool
	sstPart  string
	styles   []uint8 // cellXfs index → styleDate / styleNone
	sst      *sharedStrings
	sstErr   error
	sstDone  bool
}

const (
	styleNone uint8 = iota
	styleDate
)

func formatErr(name, format string, args ...any) error {
	return fmt.Errorf("xlsx: %s: %s: %w", name, fmt.Sprintf(format, args...), readers.ErrFormat)
}

// openWorkbook reads the workbook structure from a zip archive.
func openWorkbook(r io.ReaderAt, size int64, name string) (*workbook, error) {
	if size == 0 {
		return nil, fmt.Errorf("xlsx: %s: empty file: %w", name, readers.ErrEmpty)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: not a valid zip archive (%v): %w", name, err, readers.ErrFormat)
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	wb := &workbook{name: name, zr: zr, files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		n := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))
		wb.files[n] = f
	}
	wbPart := "xl/workbook.xml"
	if rels, err := wb.readRels("_rels/.rels", ""); err == nil {
		for _, rel := range rels {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				wbPart = rel.target
				break
			}
		}
	}
	if wb.file(wbPart) == nil {
		return nil, formatErr(name, "no workbook part (%s): not an .xlsx file", wbPart)
	}
	data, err := wb.readPart(wbPart, MaxMetaBytes)
	if err != nil {
		return nil, err
	}
	var xw struct {
		Pr struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(data, &xw); err != nil {
		return nil, formatErr(name, "%s: %v", wbPart, err)
	}
	wb.date1904 = xw.Pr.Date1904 == "1" || strings.EqualFold(xw.Pr.Date1904, "true")
	relsPart := path.Join(path.Dir(wbPart), "_rels", path.Base(wbPart)+".rels")
	rels, err := wb.readRels(relsPart, path.Dir(wbPart))
	if err != nil {
		return nil, err
	}
	byID := map[string]rel{}
	stylesPart := ""
	for _, r := range rels {
		byID[r.ID] = r
		switch {
		case strings.HasSuffix(r.Type, "/styles"):
			stylesPart = r.target
		case strings.HasSuffix(r.Type, "/sharedStrings"):
			wb.sstPart = r.target
		}
	}
	for i, s := range xw.Sheets {
		info := SheetInfo{Name: s.Name, State: s.State, Number: i + 1, Kind: "worksheet"}
		if info.State == "" {
			info.State = "visible"
		}
		if r, ok := byID[s.RID]; ok {
			info.part = r.target
			switch {
			case strings.HasSuffix(r.Type, "/chartsheet"):
				info.Kind = "chartsheet"
			case strings.HasSuffix(r.Type, "/dialogsheet"):
				info.Kind = "dialogsheet"
			case strings.HasSuffix(r.Type, "/xlMacrosheet") || strings.HasSuffix(r.Type, "/macrosheet"):
				info.Kind = "macrosheet"
			}
		}
		wb.sheets = append(wb.sheets, info)
	}
	if stylesPart != "" && wb.file(stylesPart) != nil {
		data, err := wb.readPart(stylesPart, MaxMetaBytes)
		if err != nil {
			return nil, err
		}
		if wb.styles, err = parseStyles(data); err != nil {
			return nil, formatErr(name, "%s: %v", stylesPart, err)
		}
	}
	return wb, nil
}

type rel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
	Mode   string `xml:"TargetMode,attr"`
	target string // resolved part name
}

// readRels reads a relationships part; targets are resolved against base.
func (wb *workbook) readRels(part, base string) ([]rel, error) {
	if wb.file(part) == nil {
		return nil, nil
	}
	data, err := wb.readPart(part, MaxMetaBytes)
	if err != nil {
		return nil, err
	}
	var xr struct {
		Rels []rel `xml:"Relationship"`
	}
	if err := xml.Unmarshal(data, &xr); err != nil {
		return nil, formatErr(wb.name, "%s: %v", part, err)
	}
	for i := range xr.Rels {
		t := strings.ReplaceAll(xr.Rels[i].Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(base, t)
		}
		xr.Rels[i].target = t
	}
	return xr.Rels, nil
}

func (wb *workbook) file(part string) *zip.File {
	return wb.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
}

// openPart opens a part for streaming, enforcing limit on its uncompressed size.
func (wb *workbook) openPart(part string, limit int64) (io.ReadCloser, error) {
	f := wb.file(part)
	if f == nil {
		return nil, formatErr(wb.name, "missing part %s", part)
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("xlsx: %s: part %s is %d bytes uncompressed, over the limit of %d: %w",
			wb.name, part, f.UncompressedSize64, limit, readers.ErrTooLarge)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, formatErr(wb.name, "part %s: %v", part, err)
	}
	return &limitedPart{rc: rc, left: limit, wb: wb, part: part, limit: limit}, nil
}

// limitedPart fails with ErrTooLarge when more than limit bytes come out of
// a part (its declared size may lie) and turns zip errors into ErrFormat.
type limitedPart struct {
	rc    io.ReadCloser
	left  int64
	limit int64
	wb    *workbook
	part  string
}

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("xlsx: %s: part %s exceeds the limit of %d bytes uncompressed: %w",
				l.wb.name, l.part, l.limit, readers.ErrTooLarge)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.rc.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		err = formatErr(l.wb.name, "part %s: %v", l.part, err)
	}
	return n, err
}

func (l *limitedPart) Close() error { return l.rc.Close() }

// readPart reads a whole (small) part.
func (wb *workbook) readPart(part string, limit int64) ([]byte, error) {
	rc, err := wb.openPart(part, limit)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var buf bytes.Buffer
	if f := wb.file(part); f != nil && f.UncompressedSize64 < uint64(limit) {
		buf.Grow(int(f.UncompressedSize64) + 512)
	}
	if _, err := buf.ReadFrom(rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sharedStrings loads the shared-string table once.
func (wb *workbook) sharedStrings() (*sharedStrings, error) {
	if wb.sstDone {
		return wb.sst, wb.sstErr
	}
	wb.sstDone = true
	wb.sst = &sharedStrings{}
	if wb.sstPart == "" {
		if wb.file("xl/sharedStrings.xml") == nil {
			return wb.sst, nil
		}
		wb.sstPart = "xl/sharedStrings.xml"
	}
	if wb.file(wb.sstPart) == nil {
		return wb.sst, nil
	}
	data, err := wb.readPart(wb.sstPart, MaxSharedStringsBytes)
	if err != nil {
		wb.sstErr = err
		return nil, err
	}
	wb.sst, wb.sstErr = parseSharedStrings(data)
	if wb.sstErr != nil {
		wb.sstErr = formatErr(wb.name, "%s: %v", wb.sstPart, wb.sstErr)
	}
	return wb.sst, wb.sstErr
}

// sharedStrings is the shared-string table: one arena plus offsets.
type sharedStrings struct {
	data []byte
	offs []int // len = count+1
}

func (s *sharedStrings) len() int {
	if len(s.offs) == 0 {
		return 0
	}
	return len(s.offs) - 1
}

func (s *sharedStrings) get(i int) []byte { return s.data[s.offs[i]:s.offs[i+1]] }

// parseSharedStrings flattens every <si> (plain or rich text, phonetic runs
// excluded) and, as openpyxl 3.0 does, drops the "x005F_" of escaped
// underscores; other _xHHHH_ escapes are kept as written.
func parseSharedStrings(data []byte) (*sharedStrings, error) {
	s := &sharedStrings{offs: make([]int, 1, bytes.Count(data, []byte("<si"))+1)}
	sc := newScanner(bytes.NewReader(data), int64(len(data))+1)
	sc.buf = data // scan in place
	sc.w = len(data)
	sc.eof = true
	var err error
	s.data, s.offs, err = sc.sharedStrings(make([]byte, 0, len(data)/2), s.offs)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// parseStyles maps every cellXfs entry to whether its number format is a
// date/time format.
func parseStyles(data []byte) ([]uint8, error) {
	var xs struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID string `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.Unmarshal(data, &xs); err != nil {
		return nil, err
	}
	custom := map[int]string{}
	for _, nf := range xs.NumFmts {
		custom[nf.ID] = nf.Code
	}
	out := make([]uint8, len(xs.Xfs))
	for i, xf := range xs.Xfs {
		id, err := strconv.Atoi(strings.TrimSpace(xf.NumFmtID))
		if err != nil {
			continue
		}
		code, ok := custom[id]
		if !ok {
			code, ok = builtinFormats[id]
		}
		if ok && isDateFormat(code) {
			out[i] = styleDate
		}
	}
	return out, nil
}

var errNoWorksheet = errors.New("not a worksheet")
