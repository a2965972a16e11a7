package csv

import (
	"math"
	"strconv"
	"unsafe"
)

// Number parsing straight from field bytes: no string is allocated per field.
//
// A number is: optional spaces/tabs, an optional sign, digits optionally
// grouped by a thousands separator (groups of exactly three digits after a
// leading group of one to three), an optional decimal mark ('.' or ',' with
// DecimalComma) followed by digits, an optional exponent, optional spaces.
// Grouping is strict: "1,234,567" is a number with separator ',', "1,23" and
// "12,3456" are not. Special values "inf", "infinity" (any case, signed) are
// floats.

// numFmt is a column's number format.
type numFmt struct {
	thousands byte // 0: none
	decimal   byte // '.' or ','
}

// trimSpace trims ASCII spaces and tabs (not newlines, which only appear in
// quoted fields and are content).
func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// bstr aliases b as a string without copying; the string must not outlive b
// nor be retained.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseInt parses a (trimmed) integer with optional strict digit grouping.
// It reports false for anything else, including overflow.
func parseInt(b []byte, nf numFmt) (int64, bool) {
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
		if n == 1 {
			return 0, false
		}
	}
	var u uint64
	lead := 0 // digits in the current group
	grouped := false
	for ; i < n; i++ {
		c := b[i]
		if c-'0' <= 9 {
			if u > (math.MaxUint64-9)/10 {
				return 0, false
			}
			u = u*10 + uint64(c-'0')
			lead++
			if grouped && lead > 3 {
				return 0, false
			}
			continue
		}
		if c == nf.thousands && c != 0 {
			if grouped {
				if lead != 3 {
					return 0, false
				}
			} else if lead == 0 || lead > 3 {
				return 0, false
			}
			grouped = true
			lead = 0
			continue
		}
		return 0, false
	}
	if lead == 0 || (grouped && lead != 3) {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

var pow10tab = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseFloat parses a (trimmed) decimal number with optional strict digit
// grouping and the column's decimal mark. The common case (at most 15
// significant digits and a small exponent) is computed exactly with one
// correctly rounded multiplication or division (Clinger's fast path); the
// rest goes to strconv.ParseFloat on a cleaned copy.
func parseFloat(b []byte, nf numFmt) (float64, bool) {
	n := len(b)
	if n == 0 {
		return 0, false
	}
	i := 0
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		i = 1
	}
	var mant uint64
	nd := 0     // significant digits accumulated (leading zeros excluded)
	digits := 0 // all digits seen
	frac := 0   // digits after the decimal mark
	lead := 0
	grouped := false
	seenDot := false
	exp := 0
	slow := false
	for ; i < n; i++ {
		c := b[i]
		if c-'0' <= 9 {
			digits++
			if !seenDot {
				lead++
				if grouped && lead > 3 {
					return 0, false
				}
			} else {
				frac++
			}
			if nd < 19 {
				if mant != 0 || c != '0' {
					nd++
				}
				mant = mant*10 + uint64(c-'0')
			} else {
				slow = true
			}
			continue
		}
		if c == nf.decimal {
			if seenDot {
				return 0, false
			}
			if grouped && lead != 3 {
				return 0, false
			}
			seenDot = true
			continue
		}
		if c == nf.thousands && c != 0 && !seenDot {
			if grouped {
				if lead != 3 {
					return 0, false
				}
			} else if lead == 0 || lead > 3 {
				return 0, false
			}
			grouped = true
			lead = 0
			continue
		}
		if c == 'e' || c == 'E' {
			if digits == 0 {
				return 0, false
			}
			if grouped && !seenDot && lead != 3 {
				return 0, false
			}
			j := i + 1
			eneg := false
			if j < n && (b[j] == '-' || b[j] == '+') {
				eneg = b[j] == '-'
				j++
			}
			if j >= n {
				return 0, false
			}
			e := 0
			for ; j < n; j++ {
				d := b[j]
				if d-'0' > 9 {
					return 0, false
				}
				if e < 100000 {
					e = e*10 + int(d-'0')
				}
			}
			if eneg {
				e = -e
			}
			exp = e
			i = n
			break
		}
		// not a plain number: maybe inf/infinity
		return parseSpecial(b)
	}
	if digits == 0 {
		return 0, false
	}
	if grouped && !seenDot && exp == 0 && lead != 3 {
		return 0, false
	}
	if grouped && !seenDot && lead != 3 {
		return 0, false
	}
	e10 := exp - frac
	if !slow && nd <= 15 && e10 >= -22 && e10 <= 22 {
		f := float64(mant)
		if e10 < 0 {
			f /= pow10tab[-e10]
		} else {
			f *= pow10tab[e10]
		}
		if neg {
			f = -f
		}
		return f, true
	}
	// slow path: strconv on a cleaned copy
	var tmp [64]byte
	buf := tmp[:0]
	for _, c := range b {
		switch {
		case c == nf.thousands && c != 0:
		case c == nf.decimal:
			buf = append(buf, '.')
		default:
			buf = append(buf, c)
		}
	}
	f, err := strconv.ParseFloat(bstr(buf), 64)
	if err != nil {
		// out of range: keep ±Inf/0 from ParseFloat only for range errors
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// parseSpecial accepts [+-]inf and [+-]infinity in any case.
func parseSpecial(b []byte) (float64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if !(equalFold(b, "inf") || equalFold(b, "infinity")) {
		return 0, false
	}
	if neg {
		return math.Inf(-1), true
	}
	return math.Inf(1), true
}

// equalFold compares b with an ASCII lower-case word, ignoring case.
func equalFold(b []byte, w string) bool {
	if len(b) != len(w) {
		return false
	}
	for i := range len(b) {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// parseBool accepts true/false in any case.
func parseBool(b []byte) (bool, bool) {
	switch {
	case equalFold(b, "true"):
		return true, true
	case equalFold(b, "false"):
		return false, true
	}
	return false, false
}

func dig2(b []byte) (int, bool) {
	if b[0]-'0' > 9 || b[1]-'0' > 9 {
		return 0, false
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), true
}

// daysFromCivil returns days since 1970-01-01 for a proleptic Gregorian date.
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// parseDate parses YYYY-MM-DD into days since the epoch.
func parseDate(b []byte) (int64, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y1, ok1 := dig2(b[0:2])
	y2, ok2 := dig2(b[2:4])
	m, ok3 := dig2(b[5:7])
	d, ok4 := dig2(b[8:10])
	if !(ok1 && ok2 && ok3 && ok4) || m < 1 || m > 12 || d < 1 || d > monthDays[m] {
		return 0, false
	}
	y := y1*100 + y2
	if m == 2 && d == 29 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}

// parseDatetime parses "YYYY-MM-DD HH:MM:SS" or RFC 3339
// ("YYYY-MM-DDTHH:MM:SS[.fff…](Z|±HH:MM)"; the zone is optional and UTC when
// absent) into nanoseconds since the epoch (UTC).
func parseDatetime(b []byte) (int64, bool) {
	if len(b) < 19 || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	days, ok := parseDate(b[:10])
	if !ok {
		return 0, false
	}
	hh, ok1 := dig2(b[11:13])
	mm, ok2 := dig2(b[14:16])
	ss, ok3 := dig2(b[17:19])
	if !(ok1 && ok2 && ok3) || hh > 23 || mm > 59 || ss > 59 {
		return 0, false
	}
	rest := b[19:]
	var ns int64
	if len(rest) > 0 && rest[0] == '.' {
		k := 1
		scale := int64(100000000)
		for k < len(rest) && rest[k]-'0' <= 9 {
			if scale > 0 {
				ns += int64(rest[k]-'0') * scale
				scale /= 10
			}
			k++
		}
		if k == 1 {
			return 0, false
		}
		rest = rest[k:]
	}
	off := 0
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z'):
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := dig2(rest[1:3])
		om, ok2 := dig2(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off = oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	secs := days*86400 + int64(hh*3600+mm*60+ss) - int64(off)
	if secs > math.MaxInt64/1_000_000_000-1 || secs < math.MinInt64/1_000_000_000+1 {
		return 0, false
	}
	return secs*1e9 + ns, true
}
