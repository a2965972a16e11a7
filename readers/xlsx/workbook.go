package xlsx

import (
	"archive/zip"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/klauspost/compress/flate"
	"github.com/sluicedata/sluice/readers"
)

// Limits on what one read inflates (see "Errors and limits" in the package
// documentation). Each is checked twice: against the sizes the zip directory
// declares, before a member is inflated, and against the bytes actually
// produced while inflating. Going over one gives an error wrapping
// readers.ErrTooLarge that names the file, the member and the limit.
const (
	// MaxSheetBytes bounds one worksheet's XML. Worksheets are streamed, never
	// held whole in memory, so this bounds time more than memory: 8 GiB is
	// about 200 million cells, far past what Excel itself opens.
	MaxSheetBytes = 8 << 30
	// MaxSharedStringsBytes bounds the shared-string table's XML
	// (xl/sharedStrings.xml), whose text is kept in memory for the whole
	// read (in one byte arena plus 4 bytes of offset per string, about the
	// size of the text).
	MaxSharedStringsBytes = 2 << 30
	// MaxMetaBytes bounds every other member read (workbook.xml,
	// relationships, styles.xml); they are streamed too.
	MaxMetaBytes = 256 << 20
	// MaxReadBytes bounds the sum of all members one read inflates.
	MaxReadBytes = 16 << 30
	// MaxRatio is the largest compression ratio (uncompressed bytes per
	// compressed byte) accepted for a member that inflates past
	// RatioMinBytes. Real worksheets compress 5–20:1 and highly repetitive
	// ones up to about 200:1; deflate's ceiling is about 1032:1, which is
	// what a zip bomb of zeros or spaces reaches.
	MaxRatio = 1000
	// RatioMinBytes is the size below which MaxRatio is not enforced.
	RatioMinBytes = 8 << 20
)

// limits are the limits one read enforces: the constants above, or lowered
// ones in tests.
type limits struct {
	sheet, sharedStrings, meta int64 // per member, uncompressed bytes
	total                      int64 // all members one read inflates
	ratio                      int64 // max uncompressed:compressed ...
	ratioMin                   int64 // ... for members inflating past this
	chunkCells                 int   // cells per chunk (maxChunkCells)
}

func defaultLimits() limits {
	return limits{sheet: MaxSheetBytes, sharedStrings: MaxSharedStringsBytes, meta: MaxMetaBytes,
		total: MaxReadBytes, ratio: MaxRatio, ratioMin: RatioMinBytes, chunkCells: maxChunkCells}
}

// partKind says which per-member limit applies to a part.
type partKind uint8

const (
	partMeta partKind = iota
	partSheet
	partSharedStrings
)

func (l *limits) of(k partKind) (int64, string) {
	switch k {
	case partSheet:
		return l.sheet, "a worksheet"
	case partSharedStrings:
		return l.sharedStrings, "the shared-string table"
	}
	return l.meta, "a workbook part"
}

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
	ctx      context.Context
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

	lim      limits
	inflated int64      // bytes inflated so far by this read, all members
	opened   *inflowTap // the compressed input of the member last opened
}

// inflowTap counts the compressed bytes a member's inflater consumes: in
// minus what is still buffered.
type inflowTap struct {
	r  io.Reader
	n  int64
	br *bufio.Reader
}

func (t *inflowTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += int64(n)
	return n, err
}

func (t *inflowTap) consumed() int64 { return t.n - int64(t.br.Buffered()) }

const (
	styleNone uint8 = iota
	styleDate
)

func formatErr(name, format string, args ...any) error {
	return fmt.Errorf("xlsx: %s: %s: %w", name, fmt.Sprintf(format, args...), readers.ErrFormat)
}

func (wb *workbook) tooLarge(part, format string, args ...any) error {
	return fmt.Errorf("xlsx: %s: member %s: %s: %w", wb.name, part, fmt.Sprintf(format, args...), readers.ErrTooLarge)
}

// openWorkbook reads the workbook structure from a zip archive.
func openWorkbook(ctx context.Context, r io.ReaderAt, size int64, name string, lim limits) (*workbook, error) {
	if size == 0 {
		return nil, fmt.Errorf("xlsx: %s: empty file: %w", name, readers.ErrEmpty)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("xlsx: %s: not a valid zip archive (%v): %w", name, err, readers.ErrFormat)
	}
	wb := &workbook{ctx: ctx, name: name, zr: zr, files: make(map[string]*zip.File, len(zr.File)), lim: lim}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser {
		t := &inflowTap{r: r}
		t.br = bufio.NewReaderSize(t, 32<<10) // flate reads a *bufio.Reader directly
		wb.opened = t
		return flate.NewReader(t.br)
	})
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
	} else if !errors.Is(err, readers.ErrFormat) {
		return nil, err // over a limit, or cancelled
	}
	if wb.file(wbPart) == nil {
		return nil, formatErr(name, "no workbook part (%s): not an .xlsx file", wbPart)
	}
	type xsheet struct{ name, state, rid string }
	var xsheets []xsheet
	inSheets := false
	err = wb.scanPart(wbPart, func(sc *scanner) {
		switch string(sc.name) {
		case "workbookPr":
			if !sc.end {
				eachAttr(sc.attrs, func(n, v []byte) {
					if string(n) == "date1904" {
						v = trimASCII(v)
						wb.date1904 = string(v) == "1" || strings.EqualFold(string(v), "true")
					}
				})
			}
		case "sheets":
			inSheets = !sc.end && !sc.self
		case "sheet":
			if inSheets && !sc.end {
				var x xsheet
				eachAttr(sc.attrs, func(n, v []byte) {
					switch string(n) {
					case "name":
						x.name = attrText(v)
					case "state":
						x.state = attrText(v)
					case "id":
						x.rid = attrText(v)
					}
				})
				xsheets = append(xsheets, x)
			}
		}
	})
	if err != nil {
		return nil, err
	}
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
	for i, s := range xsheets {
		info := SheetInfo{Name: s.name, State: s.state, Number: i + 1, Kind: "worksheet"}
		if info.State == "" {
			info.State = "visible"
		}
		if r, ok := byID[s.rid]; ok {
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
		if wb.styles, err = wb.parseStyles(stylesPart); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

// attrText decodes an attribute value (entities and character references).
func attrText(v []byte) string { return string(decodeText(nil, v)) }

type rel struct {
	ID     string
	Type   string
	Target string
	target string // resolved part name
}

// readRels reads a relationships part; targets are resolved against base.
func (wb *workbook) readRels(part, base string) ([]rel, error) {
	if wb.file(part) == nil {
		return nil, nil
	}
	var rels []rel
	err := wb.scanPart(part, func(sc *scanner) {
		if string(sc.name) != "Relationship" || sc.end {
			return
		}
		var r rel
		eachAttr(sc.attrs, func(n, v []byte) {
			switch string(n) {
			case "Id":
				r.ID = attrText(v)
			case "Type":
				r.Type = attrText(v)
			case "Target":
				r.Target = attrText(v)
			}
		})
		t := strings.ReplaceAll(r.Target, `\`, "/")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(base, t)
		}
		r.target = t
		rels = append(rels, r)
	})
	return rels, err
}

func (wb *workbook) file(part string) *zip.File {
	return wb.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
}

// scanPart streams a (non-cell) part through the tag scanner, calling f on
// every tag. The scanner keeps no element stack and expands no entities
// beyond XML's predefined ones, so neither nesting depth nor a DTD can make
// it use more memory than the longest single tag.
func (wb *workbook) scanPart(part string, f func(sc *scanner)) error {
	rc, err := wb.openPart(part, partMeta)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newScanner(rc, int64(wb.file(part).UncompressedSize64))
	for {
		switch err := sc.nextTag(); {
		case err == io.EOF:
			return nil
		case err == io.ErrUnexpectedEOF:
			return formatErr(wb.name, "%s: truncated XML", part)
		case errors.Is(err, errTooLong):
			return wb.tooLarge(part, "%v", err)
		case errors.Is(err, errSyntax):
			return formatErr(wb.name, "member %s: %v", part, err)
		case err != nil:
			return err // already carries the file and member
		}
		f(sc)
	}
}

// openPart opens a part for streaming, enforcing the limits of its kind:
// the declared sizes are checked here, the actual ones while reading.
func (wb *workbook) openPart(part string, kind partKind) (io.ReadCloser, error) {
	f := wb.file(part)
	if f == nil {
		return nil, formatErr(wb.name, "missing part %s", part)
	}
	limit, what := wb.lim.of(kind)
	usize, csize := f.UncompressedSize64, f.CompressedSize64
	if usize > uint64(limit) {
		return nil, wb.tooLarge(f.Name, "declares %s uncompressed, over the %s limit for %s", sizeText(usize), sizeText(uint64(limit)), what)
	}
	if left := wb.lim.total - wb.inflated; usize > uint64(max(left, 0)) {
		return nil, wb.tooLarge(f.Name, "declares %s uncompressed, which takes this read past its %s limit on inflated bytes (%s inflated before it)",
			sizeText(usize), sizeText(uint64(wb.lim.total)), sizeText(uint64(wb.inflated)))
	}
	if f.Method != zip.Store && usize > uint64(wb.lim.ratioMin) && usize > uint64(wb.lim.ratio)*max(csize, 1) {
		return nil, wb.tooLarge(f.Name, "declares a compression ratio of %d:1 (%s from %s), over the %d:1 limit for members over %s (a zip bomb?)",
			usize/max(csize, 1), sizeText(usize), sizeText(csize), wb.lim.ratio, sizeText(uint64(wb.lim.ratioMin)))
	}
	if err := wb.ctx.Err(); err != nil {
		return nil, fmt.Errorf("xlsx: %s: %w", wb.name, err)
	}
	wb.opened = nil
	rc, err := f.Open()
	if err != nil {
		return nil, formatErr(wb.name, "part %s: %v", part, err)
	}
	return &limitedPart{rc: rc, wb: wb, f: f, limit: limit, what: what, tap: wb.opened}, nil
}

// sizeText renders a byte count for an error message: "8 GiB", "63.8 KiB",
// "512 bytes".
func sizeText(n uint64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift {
			if n%(1<<u.shift) == 0 {
				return fmt.Sprintf("%d %s", n>>u.shift, u.name)
			}
			return fmt.Sprintf("%.1f %s", float64(n)/float64(uint64(1)<<u.shift), u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedPart counts the bytes inflated from a member and fails with
// ErrTooLarge past the member's limit, the read's total limit or the ratio
// limit (whatever the zip directory declared), checks for cancellation, and
// turns zip errors into ErrFormat.
type limitedPart struct {
	rc    io.ReadCloser
	wb    *workbook
	f     *zip.File
	limit int64
	what  string
	tap   *inflowTap // nil for stored members
	n     int64      // bytes inflated from this member
}

func (l *limitedPart) Read(p []byte) (int, error) {
	wb := l.wb
	if err := wb.ctx.Err(); err != nil {
		return 0, fmt.Errorf("xlsx: %s: %w", wb.name, err)
	}
	n, err := l.rc.Read(p)
	l.n += int64(n)
	wb.inflated += int64(n)
	switch {
	case l.n > l.limit:
		return 0, wb.tooLarge(l.f.Name, "inflates past the %s limit for %s", sizeText(uint64(l.limit)), l.what)
	case wb.inflated > wb.lim.total:
		return 0, wb.tooLarge(l.f.Name, "inflating it takes this read past its %s limit on inflated bytes", sizeText(uint64(wb.lim.total)))
	case l.tap != nil && l.n > wb.lim.ratioMin && l.n > wb.lim.ratio*max(l.tap.consumed(), 1):
		c := max(l.tap.consumed(), 1)
		return 0, wb.tooLarge(l.f.Name, "inflates at a compression ratio of %d:1 (%s from %s so far), over the %d:1 limit for members over %s (a zip bomb?)",
			l.n/c, sizeText(uint64(l.n)), sizeText(uint64(c)), wb.lim.ratio, sizeText(uint64(wb.lim.ratioMin)))
	}
	if err != nil && err != io.EOF {
		if errors.Is(err, zip.ErrFormat) && uint64(l.n+int64(len(p))) > l.f.UncompressedSize64 { // archive/zip refuses bytes past the declared size
			return n, fmt.Errorf("xlsx: %s: member %s: inflates past the %s its zip directory declares (a corrupt or hostile archive): %w",
				wb.name, l.f.Name, sizeText(l.f.UncompressedSize64), readers.ErrFormat)
		}
		err = formatErr(wb.name, "member %s: %v", l.f.Name, err)
	}
	return n, err
}

func (l *limitedPart) Close() error { return l.rc.Close() }

// parseStyles maps every cellXfs entry to whether its number format is a
// date/time format.
func (wb *workbook) parseStyles(part string) ([]uint8, error) {
	custom := map[int]string{}
	var xfs []int // numFmtId of each cellXfs entry, -1 when unreadable
	inNumFmts, inCellXfs := false, false
	err := wb.scanPart(part, func(sc *scanner) {
		switch string(sc.name) {
		case "numFmts":
			inNumFmts = !sc.end && !sc.self
		case "cellXfs":
			inCellXfs = !sc.end && !sc.self
		case "numFmt":
			if inNumFmts && !sc.end {
				id, code := -1, ""
				eachAttr(sc.attrs, func(n, v []byte) {
					switch string(n) {
					case "numFmtId":
						if i, err := strconv.Atoi(string(trimASCII(v))); err == nil {
							id = i
						}
					case "formatCode":
						code = attrText(v)
					}
				})
				if id >= 0 {
					custom[id] = code
				}
			}
		case "xf":
			if inCellXfs && !sc.end {
				id := -1
				eachAttr(sc.attrs, func(n, v []byte) {
					if string(n) == "numFmtId" {
						if i, err := strconv.Atoi(string(trimASCII(v))); err == nil {
							id = i
						}
					}
				})
				xfs = append(xfs, id)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := make([]uint8, len(xfs))
	for i, id := range xfs {
		if id < 0 {
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
