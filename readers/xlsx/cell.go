package xlsx

import (
	"bytes"
	"math"
	"strconv"
	"time"
)

// value kinds of a cell after resolving its type attribute and style
const (
	kEmpty uint8 = iota
	kNumber
	kString
	kBool
	kError
	kDate // a number with a date/time number format
	kISODate
)

// trimASCII trims the whitespace Python's int() and float() accept.
func trimASCII(b []byte) []byte {
	for len(b) > 0 && (isSpace(b[0]) || b[0] == '\f' || b[0] == '\v') {
		b = b[1:]
	}
	for len(b) > 0 && (isSpace(b[len(b)-1]) || b[len(b)-1] == '\f' || b[len(b)-1] == '\v') {
		b = b[:len(b)-1]
	}
	return b
}

// isFloatText reports whether openpyxl reads the stored number as a float
// (it contains '.', 'e' or 'E') rather than an int.
func isFloatText(b []byte) bool { return bytes.ContainsAny(b, ".eE") }

// appendNumberText appends a stored number as the corpus convention writes
// it: integers as decimal digits (no sign for zero, no leading zeros), other
// numbers as Python's repr of the double.
func appendNumberText(dst, b []byte) []byte {
	t := trimASCII(b)
	if isFloatText(t) {
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil && !isRangeErr(err) {
			return append(dst, b...)
		}
		return appendPyFloat(dst, f)
	}
	neg := false
	d := t
	if len(d) > 0 && (d[0] == '-' || d[0] == '+') {
		neg = d[0] == '-'
		d = d[1:]
	}
	if len(d) == 0 {
		return append(dst, b...)
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			// not an int: openpyxl would fail; keep the text
			return append(dst, b...)
		}
	}
	for len(d) > 1 && d[0] == '0' {
		d = d[1:]
	}
	if neg && !(len(d) == 1 && d[0] == '0') {
		dst = append(dst, '-')
	}
	return append(dst, d...)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// appendPyFloat appends Python's repr of f: the shortest digits that
// round-trip, in fixed notation when the decimal exponent is in (-4, 16]
// (with ".0" for integral values), otherwise as d.ddde±XX.
func appendPyFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f != f:
		return append(dst, "nan"...)
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64)
	if e[0] == '-' {
		dst = append(dst, '-')
		e = e[1:]
	}
	ei := bytes.IndexByte(e, 'e')
	mant, exps := e[:ei], e[ei+1:]
	exp, _ := strconv.Atoi(string(exps))
	var digs [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digs[nd] = c
			nd++
		}
	}
	d := digs[:nd]
	decpt := exp + 1
	if decpt > -4 && decpt <= 16 {
		switch {
		case decpt <= 0:
			dst = append(dst, '0', '.')
			for i := 0; i < -decpt; i++ {
				dst = append(dst, '0')
			}
			dst = append(dst, d...)
		case decpt >= nd:
			dst = append(dst, d...)
			for i := nd; i < decpt; i++ {
				dst = append(dst, '0')
			}
			dst = append(dst, '.', '0')
		default:
			dst = append(dst, d[:decpt]...)
			dst = append(dst, '.')
			dst = append(dst, d[decpt:]...)
		}
		return dst
	}
	dst = append(dst, d[0])
	if nd > 1 {
		dst = append(dst, '.')
		dst = append(dst, d[1:]...)
	}
	dst = append(dst, 'e')
	x := decpt - 1
	if x < 0 {
		dst = append(dst, '-')
		x = -x
	} else {
		dst = append(dst, '+')
	}
	if x < 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(x), 10)
}

const msPerDay = 86400 * 1000

// Days from 1970-01-01 to the date-system epochs (serial 0): 1899-12-30 for
// the 1900 system (which absorbs Excel's phantom 1900-02-29), 1904-01-01.
const (
	epoch1900Days = -25569
	epoch1904Days = -24107
	minDays       = -719162 // 0001-01-01
	maxDays       = 2932896 // 9999-12-31
)

// serialTime converts a date serial as openpyxl 3.0 does: the fraction of a
// day is rounded to milliseconds (half to even); values in [0, 1) are
// times of day; in the 1900 system, serials in (0, 60) are shifted by one
// day (Excel's 1900-02-29 bug). It returns milliseconds since 1970 and
// whether the value is a time of day only; ok is false outside years
// 1–9999 (openpyxl then gives the error #VALUE!).
func serialTime(v float64, date1904 bool) (ms int64, timeOnly, ok bool) {
	if v != v || math.Abs(v) > 3e6 {
		return 0, false, false
	}
	frac := math.Mod(v, 1)
	if frac != 0 && frac < 0 {
		frac += 1
	}
	day := math.Floor(v)
	if frac == 1 { // Python's divmod rounding for tiny negative fractions
		frac = 0
	}
	fms := int64(math.RoundToEven(frac * 86400 * 1000))
	if v >= 0 && v < 1 && fms < msPerDay {
		return fms, true, true
	}
	if !date1904 && v > 0 && v < 60 {
		day++
	}
	epoch := int64(epoch1900Days)
	if date1904 {
		epoch = epoch1904Days
	}
	days := epoch + int64(day)
	total := days*msPerDay + fms
	d := floorDiv(total, msPerDay)
	if d < minDays || d > maxDays {
		return 0, false, false
	}
	return total, false, true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// appendDateText formats a serialTime result: YYYY-MM-DDTHH:MM:SS or
// HH:MM:SS, with .ffffff only when the fraction is non-zero.
func appendDateText(dst []byte, ms int64, timeOnly bool) []byte {
	t := time.UnixMilli(ms).UTC()
	if timeOnly {
		dst = t.AppendFormat(dst, "15:04:05")
	} else {
		dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	}
	if f := ms % 1000; f != 0 {
		if f < 0 {
			f += 1000
		}
		dst = append(dst, '.')
		dst = appendPad(dst, f*1000, 6)
	}
	return dst
}

func appendPad(dst []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// parseISODate parses the text of a t="d" cell.
func parseISODate(b []byte) (time.Time, string, bool) {
	s := string(trimASCII(b))
	for _, l := range []struct{ layout, kind string }{
		{time.RFC3339Nano, "dt"}, {"2006-01-02T15:04:05.999999999", "dt"}, {"2006-01-02T15:04:05", "dt"},
		{"2006-01-02 15:04:05", "dt"}, {"2006-01-02", "d"}, {"15:04:05.999999999", "t"}, {"15:04:05", "t"},
	} {
		if t, err := time.Parse(l.layout, s); err == nil {
			return t, l.kind, true
		}
	}
	return time.Time{}, "", false
}

func appendISOText(dst []byte, t time.Time, kind string) []byte {
	switch kind {
	case "d":
		return t.AppendFormat(dst, "2006-01-02")
	case "t":
		dst = t.AppendFormat(dst, "15:04:05")
	default:
		dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	}
	if us := t.Nanosecond() / 1000; us != 0 {
		dst = append(dst, '.')
		dst = appendPad(dst, int64(us), 6)
	}
	return dst
}

// numParse parses number text in a string cell for typed reading: optional
// sign, digits optionally grouped by thousands (groups of exactly three),
// optional fraction and exponent. Integers with a leading zero ("007",
// "000000") are codes, not numbers. isInt reports an integer that fits int64.
type numParser struct {
	thousands byte // 0: no grouping accepted
	decimal   byte
}

func (p numParser) parse(b []byte, scratch []byte) (f float64, i int64, isInt, ok bool) {
	b = trimASCII(b)
	if len(b) == 0 {
		return
	}
	j := 0
	if b[0] == '-' || b[0] == '+' {
		j++
	}
	start := j
	digits := 0
	grouped := false
	groupLen := 0
	for ; j < len(b); j++ {
		c := b[j]
		if c >= '0' && c <= '9' {
			digits++
			groupLen++
			continue
		}
		if p.thousands != 0 && c == p.thousands {
			if digits == 0 || (grouped && groupLen != 3) || (!grouped && groupLen > 3) {
				return
			}
			grouped = true
			groupLen = 0
			continue
		}
		break
	}
	if grouped && groupLen != 3 {
		return
	}
	if digits == 0 {
		return
	}
	if digits > 1 && b[start] == '0' {
		return // leading zero: a code such as "007"
	}
	intEnd := j
	frac := false
	if j < len(b) && b[j] == p.decimal {
		j++
		frac = true
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		k := j + 1
		if k < len(b) && (b[k] == '-' || b[k] == '+') {
			k++
		}
		ds := k
		for k < len(b) && b[k] >= '0' && b[k] <= '9' {
			k++
		}
		if k == ds {
			return
		}
		j = k
		frac = true
	}
	if j != len(b) {
		return
	}
	s := scratch[:0]
	for k := 0; k < len(b); k++ {
		c := b[k]
		if p.thousands != 0 && c == p.thousands && k < intEnd {
			continue
		}
		if c == p.decimal {
			c = '.'
		}
		s = append(s, c)
	}
	if !frac {
		if v, err := strconv.ParseInt(string(s), 10, 64); err == nil {
			return float64(v), v, true, true
		}
	}
	v, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return
	}
	return v, 0, false, true
}
