package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unsafe"

	"github.com/sluicedata/sluice/frame"
	"github.com/sluicedata/sluice/readers"
	icsv "github.com/sluicedata/sluice/readers/internal/csv"
)

// sheetReader turns the rows of one worksheet into frames.
type sheetReader struct {
	ctx   context.Context
	wb    *workbook
	sst   *sharedStrings
	sheet SheetInfo
	opt   readers.Options
	sc    *scanner

	na      map[string]bool
	np      numParser
	scratch []byte
	text    []byte

	// sampled rows, buffered for type inference and width detection
	bufRows  []bufRow
	bufCells []rawCell
	bufArena []byte

	width   int
	names   []string
	proj    []int // grid column of each output column
	outOf   []int // grid column → output column, -1 when projected away
	cols    []colBuilder
	nrows   int
	chunk   int
	prevRow int
	pending int // empty rows not yet emitted (dropped if no data follows)
	emitted int
	rowIdx  []int32
	work    int // cells handled since ctx was last checked
}

// maxChunkCells bounds the cells of one chunk: a sheet wider than
// maxChunkCells/ChunkRows columns is read in chunks of fewer rows, so a
// chunk's memory stays bounded (about 80 MiB) however wide the
// grid is (Excel allows 16,384 columns).
const maxChunkCells = 1 << 22

// ctxEvery is how many cells are handled between checks of the context.
const ctxEvery = 1 << 16

type bufRow struct {
	num        int
	first, end int // cells in bufCells
	arenaBase  int
}

type colBuilder struct {
	typ frame.Type
	ib  *frame.Int64Builder
	fb  *frame.Float64Builder
	bb  *frame.BoolBuilder
	sb  *frame.StringBuilder
}

func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// kind resolves a cell's value kind and value text; row is the cell's
// 1-based row number (for errors).
func (r *sheetReader) kind(c *rawCell, arena []byte, row int) (uint8, []byte, error) {
	if !c.hasV {
		return kEmpty, nil, nil
	}
	t := arena[c.off:c.end]
	switch c.typ {
	case 'n':
		if int(c.style) < len(r.wb.styles) && r.wb.styles[c.style] == styleDate {
			return kDate, t, nil
		}
		return kNumber, t, nil
	case 's':
		i, ok := atoiPos(trimASCII(t))
		if !ok || i >= r.sst.len() {
			return 0, nil, r.badIndex(c, t, row)
		}
		s := r.sst.get(i)
		if len(s) == 0 {
			return kEmpty, nil, nil
		}
		return kString, s, nil
	case 'b':
		return kBool, t, nil
	case 'e':
		return kError, t, nil
	case 'd':
		return kISODate, t, nil
	}
	return kString, t, nil
}

// badIndex is the error for a shared-string cell whose value is not an
// index into the table.
func (r *sheetReader) badIndex(c *rawCell, t []byte, row int) error {
	pe := &readers.ParseError{File: r.wb.name, Sheet: r.sheet.Name, Cell: cellRef(int(c.col), row)}
	if i, ok := atoiPos(trimASCII(t)); ok {
		pe.Err = fmt.Errorf("shared string index %d is out of range (the shared-string table has %d strings; the workbook is corrupt): %w",
			i, r.sst.len(), readers.ErrFormat)
	} else {
		pe.Text = string(t)
		pe.Err = fmt.Errorf("shared string index is not a number (the workbook is corrupt): %w", readers.ErrFormat)
	}
	return pe
}

// appendText appends the corpus-convention text of a value.
func (r *sheetReader) appendText(dst []byte, k uint8, t []byte) []byte {
	switch k {
	case kNumber:
		return appendNumberText(dst, t)
	case kDate:
		f, err := strconv.ParseFloat(bstr(trimASCII(t)), 64)
		if err != nil {
			return append(dst, t...)
		}
		ms, timeOnly, ok := serialTime(f, r.wb.date1904)
		if !ok {
			return append(dst, "#VALUE!"...)
		}
		return appendDateText(dst, ms, timeOnly)
	case kBool:
		if b, ok := parseBoolCell(t); ok {
			if b {
				return append(dst, "TRUE"...)
			}
			return append(dst, "FALSE"...)
		}
		return append(dst, t...)
	case kISODate:
		if tm, kind, ok := parseISODate(t); ok {
			return appendISOText(dst, tm, kind)
		}
	}
	return append(dst, t...)
}

func parseBoolCell(t []byte) (bool, bool) {
	t = trimASCII(t)
	switch bstr(t) {
	case "1", "true", "TRUE", "True":
		return true, true
	case "0", "false", "FALSE", "False":
		return false, true
	}
	if n, ok := atoiPos(t); ok {
		return n != 0, true
	}
	return false, false
}

// cellRef renders a 0-based column and 1-based row as "C17".
func cellRef(col, row int) string {
	var b []byte
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		b = append([]byte{byte('A' + (c-1)%26)}, b...)
	}
	return string(b) + strconv.Itoa(row)
}

func (r *sheetReader) fail(yield func(*frame.Frame, error) bool, err error) {
	if pe, ok := err.(*readers.ParseError); ok && pe.File == "" {
		pe.File = r.wb.name
	}
	yield(nil, err)
}

// scanErr puts the file and sheet on an error of the worksheet scanner.
// Errors of the member's reader (limits, corrupt deflate data,
// cancellation) already name the file and member and pass unchanged.
func (r *sheetReader) scanErr(err error) error {
	switch {
	case errors.Is(err, readers.ErrTooLarge), errors.Is(err, readers.ErrFormat),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, errTooLong):
		return fmt.Errorf("xlsx: %s: sheet %q: %v: %w", r.wb.name, r.sheet.Name, err, readers.ErrTooLarge)
	}
	return fmt.Errorf("xlsx: %s: sheet %q: %v: %w", r.wb.name, r.sheet.Name, err, readers.ErrFormat)
}

func (r *sheetReader) run(yield func(*frame.Frame, error) bool) {
	opt := r.opt
	if !opt.Raw {
		r.na = opt.NASet()
	}
	r.np = numParser{thousands: ',', decimal: '.'}
	if opt.DecimalComma {
		r.np = numParser{thousands: '.', decimal: ','}
	}
	if opt.Thousands != 0 && opt.Thousands < 0x80 {
		r.np.thousands = byte(opt.Thousands)
	}
	r.chunk = opt.ChunkRowsOrDefault()

	// header
	var header []string
	headerWidth := 0
	if !opt.NoHeader {
		for {
			num, cells, err := r.sc.nextRow()
			if err == io.EOF {
				r.fail(yield, fmt.Errorf("xlsx: %s: sheet %q has no header row: %w", r.wb.name, r.sheet.Name, readers.ErrEmpty))
				return
			}
			if err != nil {
				r.fail(yield, r.scanErr(err))
				return
			}
			last := -1
			for i := range cells {
				k, t, err := r.kind(&cells[i], r.sc.arena, num)
				if err != nil {
					r.fail(yield, err)
					return
				}
				if k == kEmpty {
					continue
				}
				c := int(cells[i].col)
				for len(header) <= c {
					header = append(header, "")
				}
				header[c] = string(r.appendText(nil, k, t))
				last = c
			}
			if last >= 0 {
				headerWidth = last + 1
				header = header[:headerWidth]
				r.prevRow = num
				break
			}
		}
	}

	// sample
	sample := opt.SampleRowsOrDefault()
	for sample < 0 || len(r.bufRows) < sample {
		num, cells, err := r.sc.nextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.fail(yield, r.scanErr(err))
			return
		}
		br := bufRow{num: num, first: len(r.bufCells), arenaBase: len(r.bufArena)}
		r.bufArena = append(r.bufArena, r.sc.arena...)
		r.bufCells = append(r.bufCells, cells...)
		br.end = len(r.bufCells)
		r.bufRows = append(r.bufRows, br)
	}
	width := headerWidth
	for _, br := range r.bufRows {
		arena := r.bufArena[br.arenaBase:]
		for i := br.end - 1; i >= br.first; i-- {
			k, _, err := r.kind(&r.bufCells[i], arena, br.num)
			if err != nil {
				r.fail(yield, err)
				return
			}
			if k != kEmpty {
				width = max(width, int(r.bufCells[i].col)+1)
				break
			}
		}
	}
	r.width = width
	if width == 0 && opt.NoHeader {
		r.fail(yield, fmt.Errorf("xlsx: %s: sheet %q is empty: %w", r.wb.name, r.sheet.Name, readers.ErrEmpty))
		return
	}
	r.names = columnNames(header, width)
	if err := r.project(); err != nil {
		r.fail(yield, err)
		return
	}
	types := make([]frame.Type, len(r.proj))
	var inferred []frame.Type
	for j, c := range r.proj {
		switch {
		case opt.Raw:
			types[j] = frame.String
		case opt.Types[r.names[c]] != frame.Invalid:
			types[j] = opt.Types[r.names[c]]
		default:
			if inferred == nil {
				var err error
				if inferred, err = r.infer(); err != nil {
					r.fail(yield, err)
					return
				}
			}
			types[j] = inferred[c]
		}
	}
	r.chunk = max(1, min(r.chunk, r.wb.lim.chunkCells/max(len(types), 1)))
	r.cols = make([]colBuilder, len(types))
	r.resetBuilders(types)
	r.rowIdx = make([]int32, width)

	// emit buffered rows, then stream the rest
	for _, br := range r.bufRows {
		if err := r.row(br.num, r.bufCells[br.first:br.end], r.bufArena[br.arenaBase:], yield); err != nil {
			if err != errStop {
				r.fail(yield, err)
			}
			return
		}
	}
	r.bufRows, r.bufCells, r.bufArena = nil, nil, nil
	for {
		num, cells, err := r.sc.nextRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			r.fail(yield, r.scanErr(err))
			return
		}
		if err := r.row(num, cells, r.sc.arena, yield); err != nil {
			if err != errStop {
				r.fail(yield, err)
			}
			return
		}
	}
	if r.nrows > 0 || r.emitted == 0 {
		r.flush(yield)
	}
}

var errStop = fmt.Errorf("stop")

// columnNames names the grid's columns: header text, or column_N (1-based)
// for empty or missing header cells; repeated names get _2, _3, … suffixes.
func columnNames(header []string, width int) []string {
	names := make([]string, width)
	seen := map[string]bool{}
	next := map[string]int{} // first suffix not yet tried: linear in repeats
	for i := range names {
		n := ""
		if i < len(header) {
			n = header[i]
		}
		if n == "" {
			n = "column_" + strconv.Itoa(i+1)
		}
		if seen[n] {
			for k := max(next[n], 2); ; k++ {
				c := n + "_" + strconv.Itoa(k)
				if !seen[c] {
					next[n] = k + 1
					n = c
					break
				}
			}
		}
		seen[n] = true
		names[i] = n
	}
	return names
}

// noColumn is the one-line error for an option naming a column the sheet
// lacks; it wraps both this package's ErrNoColumn and readers.ErrNoColumn.
func (r *sheetReader) noColumn(what, name string) error {
	return fmt.Errorf("xlsx: %s: sheet %q: %s: %w (%w)", r.wb.name, r.sheet.Name, icsv.MissingColumnText(what, name, r.names), ErrNoColumn, readers.ErrNoColumn)
}

func (r *sheetReader) project() error {
	for name := range r.opt.Types {
		if !slices.Contains(r.names, name) {
			return r.noColumn("Options.Types", name)
		}
	}
	r.outOf = make([]int, r.width)
	for i := range r.outOf {
		r.outOf[i] = -1
	}
	if len(r.opt.Columns) == 0 {
		r.proj = make([]int, r.width)
		for i := range r.proj {
			r.proj[i] = i
			r.outOf[i] = i
		}
		return nil
	}
	idx := make(map[string]int, r.width)
	for i, n := range r.names {
		idx[n] = i
	}
	for j, n := range r.opt.Columns {
		i, ok := idx[n]
		if !ok {
			return r.noColumn("Options.Columns", n)
		}
		if r.outOf[i] >= 0 {
			return fmt.Errorf("xlsx: %s: column %q projected twice: %w", r.wb.name, n, ErrNoColumn)
		}
		r.proj = append(r.proj, i)
		r.outOf[i] = j
	}
	return nil
}

func (r *sheetReader) resetBuilders(types []frame.Type) {
	capacity := min(r.chunk, 1<<16)
	for j, t := range types {
		cb := colBuilder{typ: t}
		switch b := frame.NewBuilder(t, capacity).(type) {
		case *frame.Int64Builder:
			cb.ib = b
		case *frame.Float64Builder:
			cb.fb = b
		case *frame.BoolBuilder:
			cb.bb = b
		case *frame.StringBuilder:
			cb.sb = b
		}
		r.cols[j] = cb
	}
}

// inferCount tallies a column's sampled values by kind.
type inferCount struct{ num, frac, bool, date, dateTime, text int }

// infer picks the type of every grid column from the sampled cells, in one
// pass over them.
func (r *sheetReader) infer() ([]frame.Type, error) {
	counts := make([]inferCount, r.width)
	for _, br := range r.bufRows {
		arena := r.bufArena[br.arenaBase:]
		for i := br.first; i < br.end; i++ {
			cell := &r.bufCells[i]
			c := int(cell.col)
			if c >= r.width || r.outOf[c] < 0 {
				continue
			}
			n := &counts[c]
			k, t, err := r.kind(cell, arena, br.num)
			if err != nil {
				return nil, err
			}
			switch k {
			case kEmpty:
			case kNumber:
				n.num++
				if f, _, isInt, ok := r.number(t); !ok || !isInt || f != math.Trunc(f) {
					n.frac++
				}
			case kBool:
				n.bool++
			case kDate:
				f, err := strconv.ParseFloat(bstr(trimASCII(t)), 64)
				if err != nil {
					n.text++
					break
				}
				ms, timeOnly, ok := serialTime(f, r.wb.date1904)
				if !ok {
					n.text++
					break
				}
				n.date++
				if timeOnly || ms%msPerDay != 0 {
					n.dateTime++
				}
			case kISODate:
				if tm, _, ok := parseISODate(t); ok {
					n.date++
					if tm.Hour() != 0 || tm.Minute() != 0 || tm.Second() != 0 || tm.Nanosecond() != 0 {
						n.dateTime++
					}
				} else {
					n.text++
				}
			default: // string or error text
				tt := trimASCII(t)
				if r.na[bstr(tt)] {
					break
				}
				if f, _, isInt, ok := r.np.parse(tt, r.scratch[:0]); ok {
					n.num++
					if !isInt || f != math.Trunc(f) {
						n.frac++
					}
					break
				}
				if _, ok := boolText(tt); ok {
					n.bool++
					break
				}
				n.text++
			}
		}
	}
	types := make([]frame.Type, r.width)
	for c, n := range counts {
		types[c] = frame.String
		switch {
		case n.text > 0:
		case n.bool > 0 && n.num == 0 && n.date == 0:
			types[c] = frame.Bool
		case n.date > 0 && n.num == 0 && n.bool == 0:
			types[c] = frame.Date
			if n.dateTime > 0 {
				types[c] = frame.Datetime
			}
		case n.num > 0 && n.bool == 0 && n.date == 0:
			types[c] = frame.Int64
			if n.frac > 0 {
				types[c] = frame.Float64
			}
		}
	}
	return types, nil
}

func boolText(t []byte) (bool, bool) {
	switch bstr(t) {
	case "TRUE", "true", "True":
		return true, true
	case "FALSE", "false", "False":
		return false, true
	}
	return false, false
}

// number parses the stored text of a numeric cell.
func (r *sheetReader) number(t []byte) (f float64, i int64, isInt, ok bool) {
	t = trimASCII(t)
	if len(t) > 0 && len(t) < 19 && !isFloatText(t) {
		neg := false
		d := t
		if d[0] == '-' || d[0] == '+' {
			neg = d[0] == '-'
			d = d[1:]
		}
		if len(d) > 0 {
			var n int64
			for _, c := range d {
				if c < '0' || c > '9' {
					goto slow
				}
				n = n*10 + int64(c-'0')
			}
			if neg {
				n = -n
			}
			return float64(n), n, true, true
		}
	}
slow:
	v, err := strconv.ParseFloat(bstr(t), 64)
	if err != nil {
		return 0, 0, false, false
	}
	if v == math.Trunc(v) && math.Abs(v) < 1<<63 {
		return v, int64(v), true, true
	}
	return v, 0, false, true
}

// row appends one worksheet row (and any empty rows before it).
func (r *sheetReader) row(num int, cells []rawCell, arena []byte, yield func(*frame.Frame, error) bool) error {
	if gap := num - r.prevRow - 1; gap > 0 {
		r.pending += gap
	}
	r.prevRow = num
	r.work += len(cells) + len(r.rowIdx)
	for i := range r.rowIdx {
		r.rowIdx[i] = -1
	}
	nonEmpty := false
	for i := range cells {
		c := &cells[i]
		if !c.hasV {
			continue
		}
		col := int(c.col)
		if col >= r.width {
			k, t, err := r.kind(c, arena, num)
			if err != nil {
				return err
			}
			if k == kEmpty {
				continue
			}
			return &readers.ParseError{File: r.wb.name, Sheet: r.sheet.Name, Cell: cellRef(col, num), Text: string(t),
				Err: fmt.Errorf("%w: a value beyond the %d columns found in the header and the first %d rows (read with a larger SampleRows)",
					readers.ErrFieldCount, r.width, r.opt.SampleRowsOrDefault())}
		}
		if c.typ == 's' || c.typ == 'S' || c.typ == 'i' {
			k, _, err := r.kind(c, arena, num)
			if err != nil {
				return err
			}
			if k == kEmpty {
				continue
			}
		}
		r.rowIdx[col] = int32(i)
		nonEmpty = true
	}
	if !nonEmpty {
		r.pending++
		return r.checkCtx()
	}
	for ; r.pending > 0; r.pending-- {
		for j := range r.cols {
			r.appendEmpty(&r.cols[j])
		}
		if err := r.endRow(yield); err != nil {
			return err
		}
	}
	for j, gc := range r.proj {
		cb := &r.cols[j]
		ci := r.rowIdx[gc]
		if ci < 0 {
			r.appendEmpty(cb)
			continue
		}
		c := &cells[ci]
		k, t, err := r.kind(c, arena, num)
		if err != nil {
			return err
		}
		if err := r.appendCell(cb, k, t, gc, num); err != nil {
			return err
		}
	}
	return r.endRow(yield)
}

// endRow ends a row of the chunk, yielding the chunk when it is full, and
// checks the context every ctxEvery cells, so that even a grid of empty
// rows 16,384 columns wide stops promptly when cancelled.
func (r *sheetReader) endRow(yield func(*frame.Frame, error) bool) error {
	r.nrows++
	r.work += len(r.cols)
	if r.nrows >= r.chunk {
		if !r.flush(yield) {
			return errStop
		}
		r.work = ctxEvery
	}
	return r.checkCtx()
}

// checkCtx checks the context once ctxEvery cells have been handled.
func (r *sheetReader) checkCtx() error {
	if r.work >= ctxEvery {
		r.work = 0
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("xlsx: %s: %w", r.wb.name, err)
		}
	}
	return nil
}

func (r *sheetReader) flush(yield func(*frame.Frame, error) bool) bool {
	cols := make([]*frame.Column, len(r.cols))
	types := make([]frame.Type, len(r.cols))
	for j := range r.cols {
		cb := &r.cols[j]
		name := r.names[r.proj[j]]
		types[j] = cb.typ
		switch {
		case cb.ib != nil:
			cols[j] = cb.ib.Build(name)
		case cb.fb != nil:
			cols[j] = cb.fb.Build(name)
		case cb.bb != nil:
			cols[j] = cb.bb.Build(name)
		default:
			cols[j] = cb.sb.Build(name)
		}
	}
	r.resetBuilders(types)
	r.nrows = 0
	r.emitted++
	f, err := frame.New(cols...)
	if err != nil {
		return yield(nil, fmt.Errorf("xlsx: %s: %w", r.wb.name, err))
	}
	return yield(f, nil)
}

func (r *sheetReader) appendEmpty(cb *colBuilder) {
	switch {
	case cb.sb != nil:
		if r.opt.Raw {
			cb.sb.Append("")
		} else {
			cb.sb.AppendNull()
		}
	case cb.ib != nil:
		cb.ib.AppendNull()
	case cb.fb != nil:
		cb.fb.AppendNull()
	case cb.bb != nil:
		cb.bb.AppendNull()
	}
}

func (r *sheetReader) typeErr(cb *colBuilder, k uint8, t []byte, col, row int) error {
	txt := string(r.appendText(nil, k, t))
	return &readers.ParseError{File: r.wb.name, Sheet: r.sheet.Name, Cell: cellRef(col, row), Text: txt,
		Err: fmt.Errorf("%w: column %q is %v", readers.ErrType, r.names[col], cb.typ)}
}

// appendCell converts one non-empty cell to the column's type.
func (r *sheetReader) appendCell(cb *colBuilder, k uint8, t []byte, col, row int) error {
	if cb.typ == frame.String {
		if r.opt.Raw {
			r.text = r.appendText(r.text[:0], k, t)
			cb.sb.AppendBytes(r.text)
			return nil
		}
		if k == kString || k == kError {
			if r.na[bstr(trimASCII(t))] {
				cb.sb.AppendNull()
				return nil
			}
			cb.sb.AppendBytes(t)
			return nil
		}
		r.text = r.appendText(r.text[:0], k, t)
		cb.sb.AppendBytes(r.text)
		return nil
	}
	if k == kString || k == kError {
		tt := trimASCII(t)
		if r.na[bstr(tt)] {
			r.appendEmpty(cb)
			return nil
		}
		switch cb.typ {
		case frame.Int64, frame.Float64:
			f, i, isInt, ok := r.np.parse(tt, r.scratch[:0])
			if ok {
				if cb.typ == frame.Float64 {
					cb.fb.Append(f)
					return nil
				}
				if isInt {
					cb.ib.Append(i)
					return nil
				}
			}
		case frame.Bool:
			if b, ok := boolText(tt); ok {
				cb.bb.Append(b)
				return nil
			}
		case frame.Date, frame.Datetime:
			if tm, _, ok := parseISODate(tt); ok {
				return r.appendTime(cb, tm.UnixMilli(), k, t, col, row)
			}
		}
		return r.typeErr(cb, k, t, col, row)
	}
	switch cb.typ {
	case frame.Int64:
		if k == kNumber {
			if f, i, isInt, ok := r.number(t); ok && isInt && f == float64(i) {
				cb.ib.Append(i)
				return nil
			}
		}
	case frame.Float64:
		if k == kNumber {
			if f, _, _, ok := r.number(t); ok {
				cb.fb.Append(f)
				return nil
			}
		}
	case frame.Bool:
		if k == kBool {
			if b, ok := parseBoolCell(t); ok {
				cb.bb.Append(b)
				return nil
			}
		}
	case frame.Date, frame.Datetime:
		switch k {
		case kDate, kNumber:
			f, _, _, ok := r.number(t)
			if ok {
				if ms, timeOnly, ok := serialTime(f, r.wb.date1904); ok {
					if timeOnly {
						epoch := int64(epoch1900Days)
						if r.wb.date1904 {
							epoch = epoch1904Days
						}
						ms += epoch * msPerDay
					}
					return r.appendTime(cb, ms, k, t, col, row)
				}
			}
		case kISODate:
			if tm, _, ok := parseISODate(t); ok {
				return r.appendTime(cb, tm.UnixMilli(), k, t, col, row)
			}
		}
	}
	return r.typeErr(cb, k, t, col, row)
}

func (r *sheetReader) appendTime(cb *colBuilder, ms int64, k uint8, t []byte, col, row int) error {
	if cb.typ == frame.Datetime {
		cb.ib.Append(ms * 1e6)
		return nil
	}
	if ms%msPerDay != 0 {
		return r.typeErr(cb, k, t, col, row)
	}
	cb.ib.Append(floorDiv(ms, msPerDay))
	return nil
}
