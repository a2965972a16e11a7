package frame

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Display limits of String and HTML rendering.
const (
	// DisplayRows is the number of rows shown before a frame is abbreviated
	// to its first and last DisplayRows/2 rows.
	DisplayRows = 10
	// displayWidth is the widest a cell is shown before it is cut with "…".
	displayWidth = 32
)

// FormatValue formats value i of c as it is shown in tables and written to
// CSV: integers as digits, floats in the shortest form that round-trips,
// dates as 2006-01-02, datetimes as RFC 3339, bools as true/false. Nulls give
// "" (tables show them as "null").
func FormatValue(c *Column, i int) string {
	if !c.validAt(i) {
		return ""
	}
	switch c.typ {
	case Int64:
		return strconv.FormatInt(c.ints[i], 10)
	case Float64:
		return string(AppendFloat(nil, c.floats[i]))
	case String:
		return c.Str(i)
	case Bool:
		return strconv.FormatBool(c.bools[i])
	case Date:
		return time.Unix(c.ints[i]*86400, 0).UTC().Format("2006-01-02")
	case Datetime:
		return time.Unix(0, c.ints[i]).UTC().Format(time.RFC3339Nano)
	}
	return ""
}

func displayValue(c *Column, i int) string {
	if !c.validAt(i) {
		return "null"
	}
	s := FormatValue(c, i)
	if c.typ == Float64 {
		// fixed notation for moderate magnitudes, like pandas
		v := c.floats[i]
		if a := abs(v); a == 0 || (a >= 1e-4 && a < 1e15) {
			s = strconv.FormatFloat(v, 'f', -1, 64)
			if len(s) > 12 {
				s = strconv.FormatFloat(v, 'g', 10, 64)
			}
		}
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return '�' // would garble the table
		}
		return r
	}, s)
	if textWidth(s) > displayWidth {
		w, cut := 0, len(s)
		for i, r := range s {
			if w+runeWidth(r) > displayWidth-1 {
				cut = i
				break
			}
			w += runeWidth(r)
		}
		s = s[:cut] + "…"
	}
	return s
}

// textWidth is the number of terminal columns s takes: East Asian wide and
// fullwidth characters (CJK, Hangul, fullwidth forms, most emoji) take two,
// combining marks and other zero-width characters none.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		w += runeWidth(r)
	}
	return w
}

func runeWidth(r rune) int {
	switch {
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF,
		unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r):
		return 0
	case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0x303E, r >= 0x3041 && r <= 0x33FF,
		r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF, r >= 0xA000 && r <= 0xA4CF,
		r >= 0xAC00 && r <= 0xD7A3, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, r >= 0x1F300 && r <= 0x1F64F,
		r >= 0x1F900 && r <= 0x1F9FF, r >= 0x20000 && r <= 0x3FFFD:
		return 2
	}
	return 1
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// displayRows returns the row indices shown, with -1 marking the "…" gap.
func (f *Frame) displayRows() []int { return f.shownRows(DisplayRows) }

// shownRows returns up to limit row indices (all when limit < 0), the
// first and last halves of a longer frame with -1 marking the gap.
func (f *Frame) shownRows(limit int) []int {
	if limit < 0 || f.nrows <= limit {
		out := make([]int, f.nrows)
		for i := range out {
			out[i] = i
		}
		return out
	}
	h := limit / 2
	out := make([]int, 0, limit+1)
	for i := range h {
		out = append(out, i)
	}
	out = append(out, -1)
	for i := f.nrows - h; i < f.nrows; i++ {
		out = append(out, i)
	}
	return out
}

// String renders the frame as an aligned text table: a shape line, column
// names, their types, and the rows (the first and last five of a long frame,
// with "…" between). Numbers are right-aligned, text left-aligned; cells
// wider than 32 columns are cut with "…"; newlines and tabs show as spaces,
// other control characters as U+FFFD; East Asian wide characters count as
// two columns.
func (f *Frame) String() string { return f.Format(FormatOptions{}) }

// FormatOptions control [Frame.Format].
type FormatOptions struct {
	// Width is the widest the table may be, in terminal columns; columns
	// that do not fit are left out from the middle, shown as one "…"
	// column (as Polars does). 0: no limit.
	Width int
	// Rows is the most rows shown: the first and last halves of a longer
	// frame. 0: DisplayRows; negative: all.
	Rows int
}

// Format renders the frame as String does, within opt's width and rows.
func (f *Frame) Format(opt FormatOptions) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "shape: (%d, %d)\n", f.nrows, len(f.cols))
	if len(f.cols) == 0 {
		return sb.String()
	}
	limit := opt.Rows
	if limit == 0 {
		limit = DisplayRows
	}
	rows := f.shownRows(limit)
	cols := f.cols
	cells := make([][]string, len(f.cols))
	widths := make([]int, len(f.cols))
	for k, c := range f.cols {
		col := make([]string, 0, len(rows)+2)
		col = append(col, c.name, c.typ.String())
		for _, r := range rows {
			if r < 0 {
				col = append(col, "…")
			} else {
				col = append(col, displayValue(c, r))
			}
		}
		for _, s := range col {
			widths[k] = max(widths[k], textWidth(s))
		}
		cells[k] = col
	}
	if opt.Width > 0 {
		cols, cells, widths = fitColumns(cols, cells, widths, len(rows)+2, opt.Width)
	}
	line := func(left, fill, mid, right string) {
		sb.WriteString(left)
		for k, w := range widths {
			if k > 0 {
				sb.WriteString(mid)
			}
			sb.WriteString(strings.Repeat(fill, w+2))
		}
		sb.WriteString(right + "\n")
	}
	line("┌", "─", "┬", "┐")
	for r := 0; r < len(rows)+2; r++ {
		sb.WriteString("│")
		for k, c := range cols {
			s := cells[k][r]
			pad := strings.Repeat(" ", widths[k]-textWidth(s))
			right := c != nil && r >= 2 && c.typ.isNumeric() && s != "…"
			if right {
				sb.WriteString(" " + pad + s + " │")
			} else {
				sb.WriteString(" " + s + pad + " │")
			}
		}
		sb.WriteString("\n")
		if r == 1 {
			line("╞", "═", "╪", "╡") // as Polars draws it
		}
	}
	line("└", "─", "┴", "┘")
	return sb.String()
}

// fitColumns keeps the first and last columns that fit in width (each
// column takes its width plus 3), with a nil column of "…" between them.
func fitColumns(cols []*Column, cells [][]string, widths []int, nlines, width int) ([]*Column, [][]string, []int) {
	total := 1
	for _, w := range widths {
		total += w + 3
	}
	if total <= width || len(cols) <= 2 {
		return cols, cells, widths
	}
	const gap = 1 + 3 // the "…" column
	budget := width - 1 - gap
	var left, right []int
	l, r := 0, len(cols)-1
	for l <= r {
		if w := widths[l] + 3; w <= budget {
			budget -= w
			left = append(left, l)
			l++
		} else {
			break
		}
		if l > r {
			break
		}
		if w := widths[r] + 3; w <= budget {
			budget -= w
			right = append(right, r)
			r--
		} else {
			break
		}
	}
	if len(left) == 0 {
		left = []int{0} // at least one column, even if too wide
	}
	dots := make([]string, nlines)
	for i := range dots {
		dots[i] = "…"
	}
	var oc []*Column
	var ocells [][]string
	var ow []int
	for _, k := range left {
		oc, ocells, ow = append(oc, cols[k]), append(ocells, cells[k]), append(ow, widths[k])
	}
	oc, ocells, ow = append(oc, nil), append(ocells, dots), append(ow, 1)
	for i := len(right) - 1; i >= 0; i-- {
		k := right[i]
		oc, ocells, ow = append(oc, cols[k]), append(ocells, cells[k]), append(ow, widths[k])
	}
	return oc, ocells, ow
}

// HTML renders the frame as an HTML table (for notebooks): column names with
// their types in the header, nulls shown as a dimmed "null", long frames
// abbreviated like String, and the shape in a caption.
func (f *Frame) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table class="sluice-frame" border="1">`)
	fmt.Fprintf(&sb, "<caption>shape: (%d, %d)</caption>", f.nrows, len(f.cols))
	sb.WriteString("<thead><tr>")
	for _, c := range f.cols {
		fmt.Fprintf(&sb, `<th>%s<br><small>%s</small></th>`, html.EscapeString(c.name), c.typ)
	}
	sb.WriteString("</tr></thead><tbody>")
	for _, r := range f.displayRows() {
		sb.WriteString("<tr>")
		for _, c := range f.cols {
			align := ""
			if c.typ.isNumeric() {
				align = ` style="text-align:right"`
			}
			switch {
			case r < 0:
				sb.WriteString("<td>…</td>")
			case !c.validAt(r):
				sb.WriteString(`<td><i style="opacity:0.5">null</i></td>`)
			default:
				fmt.Fprintf(&sb, "<td%s>%s</td>", align, html.EscapeString(displayValue(c, r)))
			}
		}
		sb.WriteString("</tr>")
	}
	sb.WriteString("</tbody></table>")
	return sb.String()
}
