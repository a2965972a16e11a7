package xlsx

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// The worksheet scanner: a narrow, allocation-free streaming reader of
// worksheet XML. It understands only what cell values need: <sheetData>,
// <row r>, <c r s t>, <v>, <is> (with <t>, rich-text runs <r><t> and phonetic
// runs <rPh>, which are skipped), and it skips everything else (<f> formulas,
// comments, processing instructions, CDATA outside values, extension lists).
// Namespace prefixes on element names are ignored. Text is decoded: the five
// predefined entities, decimal and hex character references, CDATA sections,
// and XML end-of-line normalisation (CR LF and lone CR become LF).

var errSyntax = errors.New("malformed worksheet XML")

// maxElement bounds the bytes one element (or one text run) may take.
const maxElement = 256 << 20

// maxDepth bounds element nesting. The scanner keeps no element stack, so
// depth costs no memory; the bound makes a hostile document fail early and
// cleanly. Worksheets and workbook parts nest about 10 deep.
const maxDepth = 256

// Excel's grid: 1,048,576 rows by 16,384 columns (A to XFD). A cell or row
// beyond it is malformed; refusing it bounds the grid a read can produce.
const (
	maxRows = 1 << 20
	maxCols = 1 << 14
)

type scanner struct {
	r      io.Reader
	buf    []byte
	p, w   int // next byte to parse; end of valid data
	eof    bool
	err    error
	maxBuf int

	depth      int  // open elements (end tags matched by count, not name)
	sheetDepth int  // depth inside <sheetData>
	inSheet    bool // inside <sheetData>
	pendingRow bool // a <row> was opened by the previous call
	done       bool // </sheetData> seen

	// the current tag (valid until the next call that may refill)
	name      []byte
	attrs     []byte
	end, self bool

	row   int // current row number (1-based)
	cells []rawCell
	arena []byte
}

// rawCell is one <c> element: its column, type attribute, style index and
// the decoded text of its value (<v>, or the flattened <is>) in the arena.
type rawCell struct {
	col      int32 // 0-based
	style    int32
	typ      byte // 'n' number, 's' shared, 'b' bool, 'e' error, 'S' str, 'i' inlineStr, 'd' ISO date, '?' other
	hasV     bool
	off, end uint32 // value text in the row arena
}

func newScanner(r io.Reader, size int64) *scanner {
	n := 1 << 20
	if size > 0 && size < int64(n) {
		n = int(size) + 16
	}
	return &scanner{r: r, buf: make([]byte, n), maxBuf: maxElement}
}

// fill reads more data, keeping buf[p:w]. It grows the buffer when the
// unread data fills it.
func (s *scanner) fill() error {
	if s.eof {
		return io.EOF
	}
	if s.p > 0 {
		n := copy(s.buf, s.buf[s.p:s.w])
		s.p, s.w = 0, n
	}
	if s.w == len(s.buf) {
		if len(s.buf) >= s.maxBuf {
			return fmt.Errorf("an element or text longer than %d bytes: %w", s.maxBuf, errTooLong)
		}
		nb := make([]byte, min(2*len(s.buf), s.maxBuf))
		copy(nb, s.buf[:s.w])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.w:])
		s.w += n
		if err == io.EOF {
			s.eof = true
			if n > 0 {
				return nil
			}
			return io.EOF
		}
		if err != nil {
			s.err = err
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

var errTooLong = errors.New("element too long")

// skipTo advances past the next occurrence of pat.
func (s *scanner) skipTo(pat string) error {
	for {
		if i := bytes.Index(s.buf[s.p:s.w], []byte(pat)); i >= 0 {
			s.p += i + len(pat)
			return nil
		}
		// keep a possible partial match
		if s.w-s.p > len(pat) {
			s.p = s.w - len(pat)
		}
		if err := s.fill(); err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// nextTag advances to the next element tag and sets name/attrs/end/self.
// Text between tags is skipped. Comments, processing instructions,
// declarations and CDATA sections are skipped.
func (s *scanner) nextTag() error {
	for {
		i := bytes.IndexByte(s.buf[s.p:s.w], '<')
		if i < 0 {
			s.p = s.w
			if err := s.fill(); err != nil {
				return err
			}
			continue
		}
		s.p += i
		// need at least a few bytes to classify
		for s.w-s.p < 4 && !s.eof {
			if err := s.fill(); err != nil && err != io.EOF {
				return err
			}
		}
		b := s.buf[s.p:s.w]
		if len(b) >= 2 && (b[1] == '!' || b[1] == '?') {
			switch {
			case bytes.HasPrefix(b, []byte("<!--")):
				s.p += 4
				if err := s.skipTo("-->"); err != nil {
					return err
				}
			case len(b) >= 3 && b[1] == '!' && b[2] == '[':
				s.p += 3
				if err := s.skipTo("]]>"); err != nil {
					return err
				}
			case b[1] == '?':
				s.p += 2
				if err := s.skipTo("?>"); err != nil {
					return err
				}
			default:
				s.p += 2
				if err := s.skipTo(">"); err != nil {
					return err
				}
			}
			continue
		}
		// find the closing '>' outside quoted attribute values
		j, q := 1, byte(0)
		for {
			b = s.buf[s.p:s.w]
			for ; j < len(b); j++ {
				c := b[j]
				if q != 0 {
					if c == q {
						q = 0
					}
				} else if c == '"' || c == '\'' {
					q = c
				} else if c == '>' {
					goto found
				}
			}
			if err := s.fill(); err != nil {
				if err == io.EOF {
					return io.ErrUnexpectedEOF
				}
				return err
			}
		}
	found:
		tag := b[1:j]
		s.p += j + 1
		s.end, s.self = false, false
		if len(tag) > 0 && tag[0] == '/' {
			s.end = true
			tag = tag[1:]
		}
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			s.self = true
			tag = tag[:len(tag)-1]
		}
		k := 0
		for k < len(tag) && !isSpace(tag[k]) {
			k++
		}
		name := tag[:k]
		if c := bytes.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		s.name, s.attrs = name, tag[k:]
		switch {
		case s.end:
			if s.depth > 0 {
				s.depth--
			}
		case !s.self:
			if s.depth++; s.depth > maxDepth {
				return fmt.Errorf("elements nested more than %d deep: %w", maxDepth, errSyntax)
			}
		}
		return nil
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// text appends the decoded character data up to the next tag (CDATA
// sections and comments inside it included/skipped) to dst.
func (s *scanner) text(dst []byte) ([]byte, error) {
	for {
		// make sure the whole run up to '<' is buffered
		var i int
		for {
			i = bytes.IndexByte(s.buf[s.p:s.w], '<')
			if i >= 0 || s.eof {
				break
			}
			if err := s.fill(); err != nil && err != io.EOF {
				return dst, err
			}
		}
		if i < 0 {
			i = s.w - s.p
		}
		dst = decodeText(dst, s.buf[s.p:s.p+i])
		s.p += i
		if s.p >= s.w {
			return dst, nil
		}
		for s.w-s.p < 9 && !s.eof {
			if err := s.fill(); err != nil && err != io.EOF {
				return dst, err
			}
		}
		b := s.buf[s.p:s.w]
		switch {
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			s.p += 9
			for {
				if k := bytes.Index(s.buf[s.p:s.w], []byte("]]>")); k >= 0 {
					dst = appendNormalizedEOL(dst, s.buf[s.p:s.p+k])
					s.p += k + 3
					break
				}
				if err := s.fill(); err != nil {
					if err == io.EOF {
						return dst, io.ErrUnexpectedEOF
					}
					return dst, err
				}
			}
		case bytes.HasPrefix(b, []byte("<!--")):
			s.p += 4
			if err := s.skipTo("-->"); err != nil {
				return dst, err
			}
		default:
			return dst, nil
		}
	}
}

// decodeText appends src with entities decoded and line ends normalised.
func decodeText(dst, src []byte) []byte {
	for {
		i := bytes.IndexAny(src, "&\r")
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		if src[0] == '\r' {
			dst = append(dst, '\n')
			if len(src) > 1 && src[1] == '\n' {
				src = src[2:]
			} else {
				src = src[1:]
			}
			continue
		}
		semi := bytes.IndexByte(src, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		ent := src[1:semi]
		var r rune = -1
		switch string(ent) {
		case "amp":
			r = '&'
		case "lt":
			r = '<'
		case "gt":
			r = '>'
		case "quot":
			r = '"'
		case "apos":
			r = '\''
		default:
			if len(ent) > 1 && ent[0] == '#' {
				var v uint64
				var err error
				if ent[1] == 'x' || ent[1] == 'X' {
					v, err = strconv.ParseUint(string(ent[2:]), 16, 32)
				} else {
					v, err = strconv.ParseUint(string(ent[1:]), 10, 32)
				}
				if err == nil && v <= 0x10FFFF {
					r = rune(v)
				}
			}
		}
		if r < 0 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		if r < 0x80 {
			dst = append(dst, byte(r))
		} else {
			dst = appendRune(dst, r)
		}
		src = src[semi+1:]
	}
}

func appendRune(dst []byte, r rune) []byte {
	var tmp [4]byte
	n := encodeRune(tmp[:], r)
	return append(dst, tmp[:n]...)
}

func appendNormalizedEOL(dst, src []byte) []byte {
	for {
		i := bytes.IndexByte(src, '\r')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		dst = append(dst, '\n')
		src = src[i+1:]
		if len(src) > 0 && src[0] == '\n' {
			src = src[1:]
		}
	}
}

// nextAttr splits the first attribute off attrs: its raw name (namespace
// prefix kept), its raw value and what follows it; ok is false when no
// well-formed attribute is left.
func nextAttr(attrs []byte) (name, val, rest []byte, ok bool) {
	i := 0
	for i < len(attrs) && isSpace(attrs[i]) {
		i++
	}
	attrs = attrs[i:]
	eq := bytes.IndexByte(attrs, '=')
	if eq < 0 {
		return nil, nil, nil, false
	}
	name = attrs[:eq]
	for len(name) > 0 && isSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	r := attrs[eq+1:]
	i = 0
	for i < len(r) && isSpace(r[i]) {
		i++
	}
	if i >= len(r) || (r[i] != '"' && r[i] != '\'') {
		return nil, nil, nil, false
	}
	end := bytes.IndexByte(r[i+1:], r[i])
	if end < 0 {
		return nil, nil, nil, false
	}
	return name, r[i+1 : i+1+end], r[i+1+end+1:], true
}

// eachAttr iterates over the attributes in attrs, calling f with each local
// name and raw value.
func eachAttr(attrs []byte, f func(name, val []byte)) {
	for len(attrs) > 0 {
		name, val, rest, ok := nextAttr(attrs)
		if !ok {
			return
		}
		if c := bytes.LastIndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		f(name, val)
		attrs = rest
	}
}

// cellAttrs extracts r, s and t of a <c> tag (any order and quoting), without
// a callback: it runs once per cell.
func cellAttrs(attrs []byte) (r, st, t []byte) {
	for len(attrs) > 0 {
		name, val, rest, ok := nextAttr(attrs)
		if !ok {
			return
		}
		if len(name) == 1 {
			switch name[0] {
			case 'r':
				r = val
			case 's':
				st = val
			case 't':
				t = val
			}
		}
		attrs = rest
	}
	return
}

// colIndex parses the column letters of a cell reference ("AB12" → 27).
func colIndex(ref []byte) (int, bool) {
	c := 0
	i := 0
	for ; i < len(ref); i++ {
		ch := ref[i] | 0x20
		if ch < 'a' || ch > 'z' {
			break
		}
		c = c*26 + int(ch-'a'+1)
		if c > 1<<24 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return c - 1, true
}

func atoiPos(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// nextRow returns the next <row> of <sheetData>: its 1-based number and its
// cells (sorted by column; for duplicate columns the last wins), whose text
// lives in s.arena until the next call. It returns io.EOF after the last row.
func (s *scanner) nextRow() (int, []rawCell, error) {
	if s.done {
		return 0, nil, io.EOF
	}
	s.cells = s.cells[:0]
	s.arena = s.arena[:0]
	inRow := s.pendingRow
	s.pendingRow = false
	var cur rawCell
	inCell, inIs, inRPh := false, false, false
	col := -1
	for {
		if err := s.nextTag(); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				s.done = true
				if inRow {
					return s.row, s.finishRow(), nil
				}
				if err == io.ErrUnexpectedEOF {
					return 0, nil, fmt.Errorf("truncated worksheet XML: %w", errSyntax)
				}
				return 0, nil, io.EOF
			}
			return 0, nil, err
		}
		name := s.name
		if !s.inSheet {
			if string(name) == "sheetData" && !s.end {
				if s.self {
					s.done = true
					return 0, nil, io.EOF
				}
				s.inSheet = true
				s.sheetDepth = s.depth
			}
			continue
		}
		switch len(name) {
		case 1:
			switch name[0] {
			case 'c':
				if s.end {
					if inCell {
						if err := s.addCell(cur); err != nil {
							return 0, nil, err
						}
						inCell, inIs, inRPh = false, false, false
					}
					continue
				}
				if !inRow { // a cell outside a row: start an implicit one
					inRow = true
					if s.row++; s.row > maxRows {
						return 0, nil, fmt.Errorf("row %d is beyond Excel's last row %d: %w", s.row, maxRows, errSyntax)
					}
				}
				r, st, t := cellAttrs(s.attrs)
				c := col + 1
				if len(r) > 0 {
					if ci, ok := colIndex(r); ok {
						c = ci
					} else {
						return 0, nil, fmt.Errorf("row %d: bad cell reference %q: %w", s.row, r, errSyntax)
					}
				}
				if c >= maxCols {
					return 0, nil, fmt.Errorf("cell %s is beyond Excel's last column XFD: %w", cellRef(c, s.row), errSyntax)
				}
				col = c
				cur = rawCell{col: int32(c), typ: 'n'}
				if len(st) > 0 {
					if v, ok := atoiPos(st); ok {
						cur.style = int32(v)
					}
				}
				if len(t) > 0 {
					cur.typ = typeCode(t)
				}
				if s.self {
					inCell = false
					continue
				}
				inCell = true
			case 'v':
				if inCell && !s.end && !s.self && cur.typ != 'i' {
					cur.off = uint32(len(s.arena))
					var err error
					if s.arena, err = s.text(s.arena); err != nil {
						return 0, nil, err
					}
					cur.end = uint32(len(s.arena))
					cur.hasV = cur.end > cur.off
				}
			case 't':
				if inIs && !inRPh && !s.end && !s.self {
					if !cur.hasV {
						cur.off = uint32(len(s.arena))
						cur.hasV = true
					}
					var err error
					if s.arena, err = s.text(s.arena); err != nil {
						return 0, nil, err
					}
					cur.end = uint32(len(s.arena))
				}
			}
		case 2:
			if string(name) == "is" && inCell && cur.typ == 'i' {
				inIs = !s.end && !s.self
			}
		case 3:
			switch string(name) {
			case "row":
				// a row is at a known depth: unclosed elements before it
				// (malformed, but read) do not add up
				s.depth = s.sheetDepth
				if !s.end && !s.self {
					s.depth++
				}
				if s.end {
					if inRow {
						return s.row, s.finishRow(), nil
					}
					continue
				}
				if inRow { // unclosed previous row
					// push back nothing: treat the new <row> as ending the old one
					rowNum, cells := s.row, s.finishRow()
					if err := s.startRow(); err != nil {
						return 0, nil, err
					}
					s.pendingRow = true
					return rowNum, cells, nil
				}
				if err := s.startRow(); err != nil {
					return 0, nil, err
				}
				if s.self {
					return s.row, s.cells, nil
				}
				inRow = true
				col = -1
			case "rPh":
				inRPh = inIs && !s.end && !s.self
			}
		case 9:
			if string(name) == "sheetData" && s.end {
				s.done = true
				if inRow {
					return s.row, s.finishRow(), nil
				}
				return 0, nil, io.EOF
			}
		}
	}
}

// startRow reads the r attribute of a <row> tag.
func (s *scanner) startRow() error {
	num := s.row + 1
	var bad []byte
	eachAttr(s.attrs, func(name, val []byte) {
		if string(name) == "r" {
			if v, ok := atoiPos(val); ok && v > 0 {
				num = v
			} else {
				bad = val
			}
		}
	})
	if bad != nil {
		return fmt.Errorf("bad row number %q: %w", bad, errSyntax)
	}
	if num <= s.row {
		return fmt.Errorf("row %d after row %d (rows out of order): %w", num, s.row, errSyntax)
	}
	if num > maxRows {
		return fmt.Errorf("row %d is beyond Excel's last row %d: %w", num, maxRows, errSyntax)
	}
	s.row = num
	return nil
}

// addCell adds a cell to the current row. A row holds at most maxCols
// distinct columns; repeated columns (malformed) are compacted as they
// come, so they cannot grow the row without bound.
func (s *scanner) addCell(c rawCell) error {
	if len(s.arena) > maxElement {
		return fmt.Errorf("row %d holds more than %d bytes of cell text: %w", s.row, maxElement, errTooLong)
	}
	if !c.hasV {
		c.off, c.end = uint32(len(s.arena)), uint32(len(s.arena))
	}
	s.cells = append(s.cells, c)
	if len(s.cells) > 2*maxCols {
		s.finishRow()
	}
	return nil
}

// finishRow sorts the row's cells by column (stable, last duplicate wins).
func (s *scanner) finishRow() []rawCell {
	cs := s.cells
	sorted := true
	for i := 1; i < len(cs); i++ {
		if cs[i].col <= cs[i-1].col {
			sorted = false
			break
		}
	}
	if !sorted {
		// a stable sort keeps equal columns in order: the last one wins
		if len(cs) <= 32 {
			for i := 1; i < len(cs); i++ {
				for j := i; j > 0 && cs[j].col < cs[j-1].col; j-- {
					cs[j], cs[j-1] = cs[j-1], cs[j]
				}
			}
		} else {
			slices.SortStableFunc(cs, func(a, b rawCell) int { return int(a.col) - int(b.col) })
		}
		out := cs[:0]
		for i := range cs {
			if len(out) > 0 && out[len(out)-1].col == cs[i].col {
				out[len(out)-1] = cs[i]
				continue
			}
			out = append(out, cs[i])
		}
		cs = out
		s.cells = cs
	}
	return cs
}

func typeCode(t []byte) byte {
	switch string(t) {
	case "n":
		return 'n'
	case "s":
		return 's'
	case "b":
		return 'b'
	case "e":
		return 'e'
	case "str":
		return 'S'
	case "inlineStr":
		return 'i'
	case "d":
		return 'd'
	}
	return '?'
}
